"""Where the evaluation corpora live, and what a test says when they are missing.

They are third-party data and stay outside the repository, in ``../shared/corpora/``
beside the checkout; ``../shared/corpora/README.md`` lists each one's source and commit.
"""

from __future__ import annotations

from pathlib import Path

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
SCRAPINGHUB = CORPORA / "scrapinghub-article-extraction-benchmark"


def missing(path: Path) -> str:
    """A skip reason that says how to get the scrapinghub corpus."""
    return (f"needs the scrapinghub article-extraction benchmark in {path}: from "
            "https://github.com/scrapinghub/article-extraction-benchmark (commit 4a3bc979) copy html/*.html.gz, "
            "ground-truth.json and output/{newspaper,goose3,html-text}.json, gzipped as .json.gz")
