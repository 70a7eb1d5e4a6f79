"""Full-page texts and their gold, from ../shared/corpora, for the scorer's training and benchmarks.

A page's text is what html-text (0.7, as the scrapinghub benchmark's own ``html-text``
output) makes of its HTML: one block per line. Sets:

- ``dragnet-train`` / ``dragnet-test``: dragnet's split files; gold is the article part
  of the corrected text (before the comments separator), so comments count as boilerplate.
- ``webpages``: page-signal (headline, full text and supplemental classes), readability
  (the extracted HTML), CleanPortalEval and cleaneval-dev (marked-up text).
- ``scrapinghub``: the benchmark's own html-text output against ``articleBody``.

Training uses dragnet-train and webpages only; dragnet-test and scrapinghub are for
reporting. Texts are cached in a folder outside the repository (``--cache``), keyed by
set name, so repeated runs skip the HTML conversion.
"""

from __future__ import annotations

import gzip
import html
import json
import pickle
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CORPORA = BENCH.parent.parent / "shared" / "corpora"
COMMENTS_SEP = "!@#$%^&*()  COMMENTS"
TRAIN_SETS = ("dragnet-train", "webpages")
REPORT_SETS = ("scrapinghub", "dragnet-test")

sys.path.insert(0, str(BENCH.parent))
from cleaner.scorer.train import Page  # noqa: E402


def _gz(path: Path) -> bytes:
    return gzip.decompress(path.read_bytes())


def page_text(raw: bytes | str) -> str:
    import html_text

    from cleaner.html.decode import decode_html

    text = raw if isinstance(raw, str) else decode_html(raw)[0]
    try:
        return html_text.extract_text(text)
    except ValueError:  # a page lxml cannot parse (an XML declaration in a str, say)
        return html_text.extract_text(text.encode("utf-8"))


def _dragnet(root: Path, split: str) -> list[Page]:
    base = root / "dragnet"
    ids = (base / ("test.txt" if split == "test" else "training.txt")).read_text().split()
    out = []
    for i in ids:
        h, g = base / "HTML" / f"{i}.html.gz", base / "Corrected" / f"{i}.html.corrected.txt.gz"
        if h.exists() and g.exists():
            gold = _gz(g).decode("utf-8", "replace").partition(COMMENTS_SEP)[0]
            out.append(Page(f"dragnet/{i}", f"dragnet/{i}", page_text(_gz(h)), gold))
    return out


_MARKERS = re.compile(r"^\s*<[phl]>", re.M)


def _webpages(root: Path) -> list[Page]:
    import lxml.html

    out = []
    for setdir in sorted((root / "webpages").iterdir()):
        if not (setdir / "gold").is_dir():
            continue
        for g in sorted((setdir / "gold").glob("*.txt.gz")):
            stem = g.name[:-len(".txt.gz")]
            h = setdir / "input" / f"{stem}.html.gz"
            if not h.exists():
                continue
            raw = _gz(g).decode("utf-8", "replace")
            if setdir.name == "page-signal":
                tree = lxml.html.fromstring(raw.encode("utf-8"))
                keep = tree.xpath("//*[contains(@class,'x-nc-sel1') or contains(@class,'x-nc-sel2') "
                                  "or contains(@class,'x-nc-sel3')]")
                gold = "\n".join(page_text(lxml.html.tostring(el, encoding="unicode")) for el in keep)
            elif setdir.name == "readability":
                gold = page_text(raw)
            else:  # CleanEval style: a URL line, then <p>/<h>/<l> before each block
                gold = html.unescape(_MARKERS.sub("", raw.split("\n", 1)[1] if raw.startswith("URL:") else raw))
            # Pages of one site share a group (CleanPortalEval names files site_section_NN).
            group = f"{setdir.name}/{re.sub(r'_[0-9]+$', '', stem)}"
            out.append(Page(f"{setdir.name}/{stem}", group, page_text(_gz(h)), gold))
    return out


def _scrapinghub(root: Path) -> list[Page]:
    base = root / "scrapinghub-article-extraction-benchmark"
    gold = json.loads(_gz(base / "ground-truth.json.gz")) if (base / "ground-truth.json.gz").exists() else \
        json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    data = json.loads(_gz(base / "output" / "html-text.json.gz"))
    data = data.get("output", data)
    return [Page(f"scrapinghub/{k}", f"scrapinghub/{k}", data[k].get("articleBody") or "",
                 gold[k].get("articleBody") or "") for k in sorted(gold)]


def load(name: str, root: Path = CORPORA, cache: Path | None = None) -> list[Page]:
    if cache is not None:
        hit = cache / f"{name}.pickle"
        if hit.exists():
            return pickle.loads(hit.read_bytes())
    if name == "dragnet-train":
        pages = _dragnet(root, "train")
    elif name == "dragnet-test":
        pages = _dragnet(root, "test")
    elif name == "webpages":
        pages = _webpages(root)
    elif name == "scrapinghub":
        pages = _scrapinghub(root)
    else:
        raise SystemExit(f"unknown set {name!r}; sets: {', '.join(TRAIN_SETS + REPORT_SETS)}")
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        (cache / f"{name}.pickle").write_bytes(pickle.dumps(pages))
    return pages
