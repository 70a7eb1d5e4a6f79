"""`clean learn`: recurring lines of a corpus become a pack that loads, passes its own
examples and removes the boilerplate it was learned from, and only that.

The corpora are synthetic and built here: three sites, each with a header that carries an
issue number and a footer tagline, random prose, a quotation repeated in every document,
and a wire story syndicated to two documents of each site.
"""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
import regex

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.learn import (
    Corpus,
    Document,
    LearnOptions,
    is_quoted,
    learn,
    normalise,
    pattern_for,
)
from cleaner.loader import load_pack_file, parse_pack

WORDS = ("harbour council budget ferry storm school market river bridge tide vote mayor festival library "
         "museum farmers rain season road station hospital teachers fishing boats museum shops weekend "
         "plans report money").split()
SITES = {
    "harbour-gazette.example": ("Harbour Gazette weekly edition, issue {n}",
                                "Get the Harbour Gazette delivered to your door every Thursday"),
    "valley-times.example": ("Valley Times print edition no. {n}",
                             "Valley Times readers panel: tell us what you think"),
    "coast-post.example": ("Coast Post {date} morning bulletin",
                           "Coast Post is published by Coast Media Cooperative"),
}
QUOTE = '"We will rebuild the harbour wall before winter comes," the mayor told reporters on the quay.'
WIRE = [
    "Regional rail operators announced on Tuesday that the coastal line would close for eleven weeks of repairs.",
    "Passengers will be carried by replacement buses between the two largest stations during the works.",
    "The operators said the closure was planned years ago and could not be moved because of contracts.",
]
SPORT = "Harbour Gazette sport desk"


def _prose(rnd: random.Random) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(14, 24))).capitalize() + "."


def corpus(seed: int = 7) -> list[Document]:
    rnd = random.Random(seed)
    docs = []
    for site, (header, footer) in SITES.items():
        for i in range(10):
            lines = [header.format(n=200 + i, date=f"March {i + 1}, 2021"), _prose(rnd), _prose(rnd), QUOTE]
            if i % 5 == 0:
                lines += WIRE  # syndicated: two documents of each site carry the same wire story
            if site.startswith("harbour") and i < 6:
                lines.append(SPORT)  # in 6 of the site's 10 documents
            lines += [_prose(rnd), footer]
            docs.append(Document(f"{site}/{i}", "\n\n".join(lines) + "\n", site))
    return docs


def _rules(text: str) -> dict[str, str]:
    """message -> pattern, from the learned pack."""
    pack = parse_pack(text, "learned.toml")
    return {r.message: r.options["patterns"][0] for r in pack.rules}


def _matches(text: str, line: str) -> bool:
    return any(regex.fullmatch(p, line, regex.IGNORECASE) for p in _rules(text).values())


@pytest.fixture(scope="module")
def learned() -> tuple:
    result = learn(corpus())
    return result, result.pack.text


def _write_jsonl(path: Path, docs: list[Document]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps({"id": d.id, "meta": {"body": d.text}, "source": f"https://www.{d.site}/a/{d.id}"}) + "\n")
    return path


# --- normalisation --------------------------------------------------------------------------


def test_years_numbers_dates_and_spacing_share_one_key() -> None:
    assert normalise("© 2021 Gazette Ltd.") == normalise("©  2022   gazette LTD.")
    assert normalise("Posted March 5, 2021 at 14:05") == normalise("posted 12 Dec 2019 at 9:30")
    assert normalise("Page 3 of 12") == normalise("Page 14 of 140")
    assert normalise("Don’t miss it") == normalise("Don't miss it")
    assert normalise("© 2021 Gazette Ltd.") != normalise("© 2021 Courier Ltd.")


@pytest.mark.parametrize("line", ["© 2021 Gazette Ltd.", "Posted March 5, 2021 at 14:05", "Don’t miss: page 3 of 12",
                                  "Price: $1,299.99 (was [$1,499])", "a <num> b"])
def test_pattern_matches_the_line_in_full_and_nothing_longer(line: str) -> None:
    p = pattern_for(normalise(line))
    assert regex.fullmatch(p, line, regex.IGNORECASE)
    assert regex.fullmatch(p, line.upper(), regex.IGNORECASE)
    assert not regex.fullmatch(p, f"As the notice said, {line} and more", regex.IGNORECASE)


def test_quotations_are_recognised() -> None:
    assert is_quoted(QUOTE)
    assert is_quoted("“It was a long night,” she said.")
    assert is_quoted('The minister called it "a fair and lasting settlement" on Friday.')
    assert not is_quoted("Harbour Gazette weekly edition, issue 214")
    assert not is_quoted('Tagged "news"')  # one quoted word is a label, not a quotation


# --- mining on the synthetic corpus -----------------------------------------------------------


def test_site_headers_and_footers_are_learned_with_numbers_normalised(learned: tuple) -> None:
    _, text = learned
    for site, (header, footer) in SITES.items():
        assert _matches(text, footer), site
        # A number or date the corpus never showed still matches: it is a placeholder.
        assert _matches(text, header.format(n=9876, date="December 31, 2030")), site


def test_quotes_and_syndicated_prose_are_not_learned(learned: tuple) -> None:
    result, text = learned
    assert not _matches(text, QUOTE)
    for para in WIRE:
        assert not _matches(text, para)
    reasons = {(r.key, r.reason) for r in result.rejected}
    assert (normalise(QUOTE), "quoted") in reasons
    assert {(normalise(p), "syndication") for p in WIRE} <= reasons
    # No random prose sentence became a rule.
    assert all(len(c.key.split()) < 14 for c in result.pack.rules)


def test_each_rule_says_where_it_was_seen(learned: tuple) -> None:
    _, text = learned
    pack = parse_pack(text, "learned.toml")
    footer = next(r for r in pack.rules if regex.fullmatch(r.options["patterns"][0], SITES["valley-times.example"][1],
                                                          regex.IGNORECASE))
    assert "10 of 10 documents of valley-times.example" in footer.why
    assert footer.kind == "line" and footer.code.startswith("LRN")
    assert [e.text for e in footer.examples if e.expect == "remove"] == [SITES["valley-times.example"][1]]
    assert all(t == t.lower() and t in SITES["valley-times.example"][1].lower() for t in footer.triggers)


def test_prose_sentence_appended_to_many_documents_is_learned_without_sites() -> None:
    # Without sites the corpus is one scope: an appended credit line varies in what comes
    # before it, so it is not a copied run; the wire story recurs with its neighbours.
    rnd = random.Random(3)
    credit = "This article was produced with support from the Coastal Reporting Fund."
    docs = []
    for i in range(30):
        lines = [*(_prose(rnd) for _ in range(4)), *(WIRE if i % 4 == 0 else []), *(_prose(rnd) for _ in range(4))]
        if i % 3 == 0:
            lines.append(credit)
        docs.append(Document(str(i), "\n".join(lines), None))
    result = learn(docs)
    assert _matches(result.pack.text, credit)
    assert not any(_matches(result.pack.text, p) for p in WIRE)
    assert {r.reason for r in result.rejected if r.key == normalise(WIRE[1])} == {"syndication"}


def test_thresholds() -> None:
    docs = corpus()
    # The sport line is in 6 of its site's 10 documents and 6 of 30 overall.
    assert _matches(learn(docs, LearnOptions(min_share=0.5)).pack.text, SPORT)
    assert not _matches(learn(docs, LearnOptions(min_share=0.7)).pack.text, SPORT)
    assert not _matches(learn(docs, LearnOptions(min_docs=7)).pack.text, SPORT)
    assert _matches(learn(docs, LearnOptions(min_docs=7)).pack.text, SITES["coast-post.example"][1])
    # Every line is in at most 10 documents of a site and 30 overall; the quote is in all 30.
    assert learn(docs, LearnOptions(min_docs=11)).pack.text == ""
    # Footers are 49 to 60 characters: a limit of 45 keeps them out.
    short = learn(docs, LearnOptions(max_length=45)).pack.text
    assert not any(_matches(short, footer) for _, footer in SITES.values())
    with pytest.raises(ValueError, match="min-share"):
        LearnOptions(min_share=0)
    with pytest.raises(ValueError, match="prefix"):
        LearnOptions(prefix="lrn")


def test_same_corpus_same_pack() -> None:
    assert learn(corpus()).pack.text == learn(corpus()).pack.text


# --- the pack in use ------------------------------------------------------------------------------


def test_cli_learn_then_rules_test_then_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _write_jsonl(tmp_path / "corpus.jsonl", corpus())
    pack = tmp_path / "rules" / "learned.toml"
    pack.parent.mkdir()
    assert main(["learn", str(data), "-o", str(pack), "--text-field", "meta.body", "--site-field", "source",
                 "--prefix", "HGL"]) == 0
    loaded = load_pack_file(pack)
    assert loaded.rules and all(r.code.startswith("HGL") for r in loaded.rules)
    assert main(["rules", "test", str(pack)]) == 0
    assert "all passed" in capsys.readouterr().out

    again = tmp_path / "again.toml"
    assert main(["learn", str(data), "-o", str(again), "--text-field", "meta.body", "--site-field", "source",
                 "--prefix", "HGL", "-q"]) == 0
    assert again.read_bytes() == pack.read_bytes()

    # A new article from one of the sites, with an issue number the corpus never had.
    prose = "The ferry timetable changes on Monday, and the council says the late boat will stay."
    article = tmp_path / "in" / "new.txt"
    article.parent.mkdir()
    article.write_text(f"Harbour Gazette weekly edition, issue 999\n\n{prose}\n\n{QUOTE}\n\n"
                       "Get the Harbour Gazette delivered to your door every Thursday\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--rules", str(pack), str(article.parent), "-o", str(out), "-q"]) == 0
    cleaned = (out / "new.txt").read_text(encoding="utf-8")
    assert cleaned == f"{prose}\n\n{QUOTE}\n"


def test_cli_refuses_bad_options_and_writes_nothing_when_nothing_recurs(tmp_path: Path) -> None:
    data = _write_jsonl(tmp_path / "corpus.jsonl", corpus())
    pack = tmp_path / "learned.toml"
    assert main(["learn", str(data), "-o", str(pack), "--text-field", "meta.body", "--prefix", "lrn"]) == 2
    assert main(["learn", str(data), "-o", str(pack), "--text-field", "meta.body", "--min-docs", "50"]) == 1
    assert not pack.exists()
    assert main(["learn", str(tmp_path / "missing"), "-o", str(pack)]) == 2


def test_default_rules_and_learned_rules_do_not_overlap() -> None:
    # A line a default rule removes already gives no learned rule: its example would fail.
    rnd = random.Random(5)
    docs = [Document(str(i), f"{_prose(rnd)}\n\nShare this:\n\nValley Times print edition no. {i}\n", None)
            for i in range(12)]
    result = learn(docs)
    assert not _matches(result.pack.text, "Share this:")
    assert any("edited it first" in why for _, why in result.pack.dropped)
    assert _matches(result.pack.text, "Valley Times print edition no. 4")
    assert Cleaner(extra_packs=[parse_pack(result.pack.text, "x")]).clean("Share this:\n").text == ""


# --- reading corpora -------------------------------------------------------------------------------


def test_corpus_reads_jsonl_text_and_html(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        '{"text": "one", "url": "https://www.Example.com:8080/x"}\nnot json\n{"body": 3}\n'
        '{"text": "two", "domain": "news.example.org"}\n', encoding="utf-8")
    (tmp_path / "t").mkdir()
    (tmp_path / "t" / "b.txt").write_text("three\n", encoding="utf-8")
    page = ("<html><head><link rel='canonical' href='https://www.site.example/story'></head><body><article>"
            + "".join(f"<p>{_prose(random.Random(i))}</p>" for i in range(4)) + "</article></body></html>")
    (tmp_path / "t" / "c.html.gz").write_bytes(gzip.compress(page.encode()))
    (tmp_path / "t" / "ignored.csv").write_text("x", encoding="utf-8")
    c = Corpus([tmp_path])
    docs = list(c)
    assert [(d.text, d.site) for d in docs[:2]] == [("one", "example.com"), ("two", "news.example.org")]
    assert docs[2].text == "three\n" and docs[2].site is None
    assert docs[3].site == "site.example" and _prose(random.Random(0)) in docs[3].text
    assert c.skipped == 2 and "not JSON" in c.reasons[0]
