"""``clean train``: a scorer from a user's own labelled pages, and a pack that uses it.

PAGES holds pages (HTML, or text with one block per line); GOLD holds, under the same
file names (any extension), the text each page should clean to. HTML pages become text
with html-text, as the shipped model's training pages did. The model is written with a
one-rule pack beside it (``<model>.toml``) that ``--rules`` or the configuration's
``rules`` key loads; paths in it are relative to the pack.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .. import vocabulary
from .model import from_json, save
from .train import Page, evaluate, fit

PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".txt", ".text")


class TrainError(ValueError):
    """Inputs ``clean train`` cannot use; the message says what to change."""


@dataclass(frozen=True)
class Trained:
    model: Path
    pack: Path
    pages: int
    size: int
    figures: dict[str, float]


def _read(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    if any(path.name.lower().endswith(s) or path.name.lower().endswith(s + ".gz") for s in (".html", ".htm", ".xhtml")):
        try:
            import html_text
        except ImportError as exc:
            raise TrainError("HTML pages need html-text: pip install 'scrape-cleaner[train]'") from exc
        from ..html.decode import decode_html

        return html_text.extract_text(decode_html(raw)[0])
    return raw.decode("utf-8", "replace")


def _stem(path: Path) -> str:
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    return name.rsplit(".", 1)[0]


def pairs(pages_dir: Path, gold_dir: Path) -> list[Page]:
    if not pages_dir.is_dir() or not gold_dir.is_dir():
        raise TrainError(f"PAGES and GOLD must be folders ({pages_dir}, {gold_dir})")
    gold = {_stem(p): p for p in sorted(gold_dir.iterdir()) if p.is_file()}
    out = []
    for p in sorted(pages_dir.iterdir()):
        if p.is_file() and _stem(p) in gold:
            # A page's group is its name up to the last "_" or "-" run of digits: pages of
            # one site named site_01, site_02 stay on one side of the folds.
            out.append(Page(p.name, _stem(p).rstrip("0123456789_-") or _stem(p), _read(p),
                            _read(gold[_stem(p)])))
    if len(out) < 10:
        raise TrainError(f"found {len(out)} page/gold pairs (same file names in {pages_dir} and {gold_dir}); "
                         "a scorer needs at least 10, and hundreds to generalise")
    return out


def train_folders(pages_dir: Path, gold_dir: Path, output: Path, *, code: str = "SCU001",
                  full_page: float = 0.5, remove: float = 0.98, flag: float = 0.9, min_pages: int = 3,
                  progress: Callable[[str], None] | None = None) -> Trained:
    try:
        import sklearn  # noqa: F401
    except ImportError as exc:
        raise TrainError("training needs scikit-learn: pip install 'scrape-cleaner[train]'") from exc
    pages = pairs(pages_dir, gold_dir)
    model_json, figures = fit(pages, vocabulary.shipped(), min_pages=min(min_pages, max(1, len(pages) // 5)),
                              progress=progress)
    model_json["thresholds"] = {"full_page": full_page, "remove": remove, "flag": flag, "prose": max(full_page, 0.8)}
    model_json["card"] = figures
    model = from_json(model_json, str(output))
    fit_figures = evaluate(model, pages)
    size = save(model_json, output)
    pack = output.with_name(_stem(output).removesuffix(".json") + ".toml")
    pack.write_text(f'''[pack]
name = "{_stem(pack).replace("_", "-").lower()}"
description = "A line scorer trained by `clean train` on {len(pages)} pages of {pages_dir.name}."

[[rule]]
code = "{code}"
name = "trained-boilerplate"
kind = "scorer"
model = "{output.name}"
message = "Scored as boilerplate by a scorer trained on {pages_dir.name}"
why = "Trained with `clean train` on {len(pages)} labelled pages; figures on its training pages: {fit_figures}."
''', encoding="utf-8")
    return Trained(output, pack, len(pages), size, fit_figures)
