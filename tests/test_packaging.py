"""What a new user gets: the version, the licence, the type marker and the schemas, in
the wheel that pip builds from this checkout."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cleaner.cli import main

ROOT = Path(__file__).resolve().parent.parent


def test_version_is_the_installed_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"clean (scrape-cleaner) {importlib.metadata.version('scrape-cleaner')}\n"


def test_licence_is_mit_with_the_authors_copyright() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n\nCopyright (c) 2026 the cleaner authors\n")


@pytest.mark.slow
def test_wheel_ships_licence_type_marker_packs_and_schemas(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    (wheel,) = tmp_path.glob("scrape_cleaner-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names), sorted(names)
    shipped = {n for n in names if n.startswith("cleaner/") and not n.endswith(".py")}
    schemas = {f"cleaner/{p.name}" for p in (ROOT / "cleaner").glob("*.schema.json")}
    packs = {f"cleaner/packs/{p.name}" for p in (ROOT / "rules").glob("*.toml")}
    models = {f"cleaner/packs/{p.name}" for p in (ROOT / "rules").glob("*.json.gz")}  # the scorer's
    assert models and shipped == {"cleaner/py.typed", *schemas, *packs, *models}
    with zipfile.ZipFile(wheel) as zf:
        assert all(zf.getinfo(m).file_size < 5_000_000 for m in models)
