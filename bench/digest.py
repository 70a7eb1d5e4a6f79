"""One digest of everything the cleaner decides, to prove a refactor changed nothing.

Every text of the scrapinghub extractor outputs, the seeds and the fixtures (traps,
repairs, families, seed goldens), each also with CRLF line endings and upper-cased, is
cleaned with the default packs; the digest covers each output text, edit, flag and piece
of evidence, in order. Print it before and after a change: equal digests mean equal
behaviour on all of them.

    python3 bench/digest.py [--corpora ../shared/corpora] [--folders seeds,fixtures]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402


def texts(corpora: Path, folders: list[str]) -> Iterator[tuple[str, str]]:
    out = corpora / "scrapinghub-article-extraction-benchmark" / "output"
    for f in sorted(out.glob("*.json.gz")):
        data = json.loads(gzip.decompress(f.read_bytes()))
        data = data.get("output", data)
        for doc_id, item in sorted(data.items()):
            yield f"{f.name}/{doc_id}", item.get("articleBody") or ""
    for folder in folders:
        for p in sorted((ROOT / folder).rglob("*.txt")):
            yield str(p.relative_to(ROOT)), p.read_bytes().decode("utf-8")


def variants(text: str) -> Iterator[str]:
    yield text
    yield text.replace("\r\n", "\n").replace("\n", "\r\n")
    yield text.upper()


def digest(cleaner: Cleaner, corpora: Path, folders: list[str]) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    for name, text in texts(corpora, folders):
        for v in variants(text):
            res = cleaner.clean(v)
            h.update(name.encode("utf-8", "surrogatepass"))
            h.update(res.text.encode("utf-8", "surrogatepass"))
            for part in (res.edits, res.flags, getattr(res, "evidence", ())):
                for item in part:
                    h.update(json.dumps(item.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass"))
            n += 1
    return h.hexdigest(), n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    ap.add_argument("--folders", default="seeds,fixtures", help="comma-separated folders of .txt files, searched recursively")
    args = ap.parse_args(argv)
    value, n = digest(Cleaner(), args.corpora, args.folders.split(","))
    print(f"{value}  ({n} texts cleaned)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
