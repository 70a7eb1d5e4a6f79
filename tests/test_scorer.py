"""The learned line scorer (rule kind ``scorer``, pack ``scorer``): both scopes on trap
articles, explanations in the report, idempotence, restore, and its inner parts.

Pages here are written for the tests (a made-up council story between menus); no corpus
text. The F1 floor on held-out corpus pages is in test_scorer_floor.py.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from cleaner import Cleaner, RuleError
from cleaner.replay import restore
from cleaner.report import document_report
from cleaner.scorer import decide
from cleaner.scorer.features import context_rows, own_features
from cleaner.scorer.label import coverage, labels
from cleaner.scorer.model import doc_lines, load

ROOT = Path(__file__).resolve().parents[1]
TRAPS = sorted((ROOT / "fixtures" / "traps").glob("*.txt")) + sorted((ROOT / "fixtures" / "families").glob("*trap*.txt"))
MODEL = ROOT / "rules" / "scorer-model.json.gz"
DEFAULT = Cleaner(scorer=True)  # the default scope with the scorer asked for
FULL = Cleaner(full_page=True)

STORY = [
    "Tram line to the hospital approved after a decade of delays",
    "By Mara Lindqvist, city reporter",
    "The council voted on Tuesday to extend the tram line to the hospital, a project first proposed "
    "a decade ago and shelved twice for lack of money, after a debate that ran past midnight.",
    "Work is due to start next spring and will take two years, the council said, with the first trams "
    "running in the summer after that and buses replacing them on the old route.",
    "Residents along the route will be consulted on the position of the new stops before the plans are "
    "finalised, and a public meeting is planned for the first week of next month.",
]
MENU = ["Home", "News", "Local", "Sport", "Weather", "Business", "Opinion", "Events", "Jobs", "Contact"]
FOOTER = ["More from the city desk", "Bus fares to rise in the new year", "Library reopens after repairs",
          "Flood defences finished ahead of winter", "About us", "Advertise", "Terms of use",
          "Privacy policy", "Cookie settings", "© 2024 The Riverside Courier"]


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as fh:
        return fh.read()


def page() -> str:
    return "\n".join([*MENU, "", *STORY, "", *FOOTER]) + "\n"


@pytest.mark.parametrize("path", TRAPS, ids=lambda p: p.name)
@pytest.mark.parametrize("cleaner", [DEFAULT, FULL], ids=["default", "full-page"])
def test_trap_articles_come_through_untouched(path: Path, cleaner: Cleaner) -> None:
    text = _read(path)
    res = cleaner.clean(text)
    assert [(e.rule, e.text) for e in res.edits] == [] and res.text == text


def test_full_page_removes_menus_and_footers_and_keeps_the_story() -> None:
    res = FULL.clean(page())
    kept = doc_lines(res.text)
    for line in STORY:
        assert line in kept, line
    gone = {e.text.strip() for e in res.edits if e.rule == "SC001"}
    assert len(gone & set(MENU + FOOTER)) >= len(MENU + FOOTER) // 2, gone


def test_report_entries_carry_the_score_and_three_features() -> None:
    res = FULL.clean(page())
    scored = [e for e in res.edits if e.rule == "SC001"]
    assert scored
    for e in scored:
        assert e.score is not None and 0.0 <= e.score <= 1.0
        assert 1 <= len(e.features) <= 3 and all(isinstance(n, str) and n for n, _ in e.features)
        assert f"score {e.score:.3f}" in e.message and e.features[0][0] in e.message
        assert e.score >= FULL._passes.scorers[0].thresholds["full_page"]
    report = document_report(res, path="page.txt")
    schema = json.loads(files("cleaner").joinpath("report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(report)
    entry = next(d for d in report["edits"] if d["rule"] == "SC001")
    assert set(entry["features"][0]) == {"name", "weight"} and entry["score"] == scored[0].score
    # A rule's edit has neither field: reports of rule edits are unchanged.
    rules_only = Cleaner().clean("Advertisement\n" + "\n".join(STORY))
    assert rules_only.edits and "score" not in rules_only.edits[0].to_dict()


@pytest.mark.parametrize("cleaner", [DEFAULT, FULL], ids=["default", "full-page"])
def test_cleaning_twice_changes_nothing(cleaner: Cleaner) -> None:
    texts = [page(), "\n".join([*STORY, *MENU]), "\n\n".join([*FOOTER, *STORY, *MENU, *STORY[2:]]),
             *(_read(p) for p in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")))]
    for text in texts:
        once = cleaner.clean(text)
        twice = cleaner.clean(once.text)
        assert twice.edits == (), [(e.rule, e.text) for e in twice.edits]


@pytest.mark.parametrize("cleaner", [DEFAULT, FULL], ids=["default", "full-page"])
def test_output_and_report_restore_the_input(cleaner: Cleaner) -> None:
    for text in (page(), page().replace("\n", "\r\n"), "  " + page() + "\n\n"):
        res = cleaner.clean(text)
        assert restore(res.text, res.edits) == text


def test_default_scope_only_removes_at_the_edges_and_flags_elsewhere() -> None:
    text = "\n".join([*STORY, *MENU[:8]])
    res = DEFAULT.clean(text)
    removed = [e for e in res.edits if e.rule == "SC001"]
    assert removed, "a run of menu links after the story's last paragraph"
    assert all("head or tail" in e.message or "run of" in e.message for e in removed)
    assert all(line in doc_lines(res.text) for line in STORY)
    assert all(f.score is not None and "kept:" in f.message for f in res.flags if f.rule == "SC001")


def test_fast_own_score_equals_the_named_features() -> None:
    """The hot path looks weights up by family; explanations name every feature. Both
    must give the same own-text score, or an explanation would not add up."""
    model = load(MODEL)
    for line in [*STORY, *MENU, *FOOTER, "Follow us on Twitter | Facebook » Share", "Page 2 of 10 …",
                 "ALL RIGHTS RESERVED 2024", "Read more: www.example.com/story?id=42"]:
        named = model.own_bias + sum(model.own_weights.get(f, 0.0) for f in own_features(line, model.vocab))
        assert model.own_score(line) == pytest.approx(named, abs=1e-9), line


def test_a_long_line_is_read_by_its_first_and_last_words() -> None:
    model = load(MODEL)
    line = STORY[2] + " " + STORY[3]  # 67 words
    feats = own_features(line, model.vocab)
    assert "word:council" in feats and "word:midnight" not in feats  # word 2 kept; word 38 not
    assert "pair:old route" in feats and "pair:twice for" in feats  # last six, first 24
    assert "pair:for replacing" not in feats  # no pair across the gap
    assert "words<=>40" in feats and "look:prose" in feats  # shape counts every word


def test_context_stages_added_up_directly_equal_the_named_rows() -> None:
    """Scoring adds each stage up without building its rows; explanations read the rows."""
    model = load(MODEL)
    # Three times a page: past the length from which numpy adds the prose columns up.
    lines = (doc_lines(page()) + STORY + MENU[:2] + FOOTER[:7]) * 3
    bias, weights = model.stages[-1]
    own, prose, short = model.infos(lines)
    rows = model.rows(own, prose, short)
    by_rows = rows[-1] @ weights + bias
    for n in (1, 2, 3, 6, 12, 64, 65, len(lines)):
        part = model.logits(own[:n], prose[:n], short[:n])
        whole = model.rows(own[:n], prose[:n], short[:n])[-1] @ weights + bias
        assert list(part) == pytest.approx(list(whole), abs=1e-9), n
    assert list(model.logits(own, prose, short)) == pytest.approx(list(by_rows), abs=1e-9)


def test_explanations_add_up_to_the_direction_of_the_decision() -> None:
    model = load(MODEL)
    lines = doc_lines(page())
    own, rows = model.context(lines)
    scores = model.row_scores(rows)
    whys = model.explain(lines, own, rows, list(range(len(lines))))
    for s, why in zip(scores, whys, strict=True):
        assert why.score == pytest.approx(s)
        # What is shown pushed towards boilerplate, strongest first.
        weights = [w for _, w in why.features]
        assert all(w > 0 for w in weights) and weights == sorted(weights, reverse=True)
    assert all(why.features for why, s in zip(whys, scores, strict=True) if s >= 0.5)


def test_labels_follow_the_gold_text() -> None:
    lines = ["Home", "News", *STORY[:3], "Privacy policy"]
    gold = "\n\n".join(STORY[:3])
    assert labels(lines, gold) == [1, 1, 0, 0, 0, 1]
    assert coverage(["", "Home"], gold) == [None, 0.0]


def test_context_rows_read_neighbours_and_position() -> None:
    rows = context_rows([1.0, -2.0, 3.0], [False, True, False], [True, False, True])
    assert rows.shape == (3, 32)
    assert list(rows[1, :8]) == [-2.0, 0.0, 1.0, 0.0, 0.0, 3.0, 0.0, 0.0]
    assert rows[0, 21] == 1.0 and rows[2, 23] == 1.0  # first line, last line


def test_lines_inside_the_article_need_the_prose_threshold() -> None:
    lines = [STORY[2], "Key dates", "March 8: vote", STORY[3], "Home", "News"]
    guard, core = decide.guarded(lines)
    assert guard == [True, True, True, True, False, False]
    # The paragraphs of the article's main run need the higher bar.
    assert core == [True, False, False, True, False, False]
    # The two lines above the article's first paragraph: its title and byline.
    assert decide.guarded(["Menu", "Home", "Title", "By A. Writer", *lines])[0] == [
        False, False, True, True, True, True, True, True, False, False]


def test_full_page_setting_reaches_the_cleaner_from_config(tmp_path: Path) -> None:
    from cleaner import config

    (tmp_path / "cleaner.toml").write_text("full-page = true\n", encoding="utf-8")
    assert config.resolve([str(tmp_path)]).full_page is True
    (tmp_path / "cleaner.toml").write_text("full-page = 'yes'\n", encoding="utf-8")
    with pytest.raises(Exception, match="full-page"):
        config.resolve([str(tmp_path)])


def test_scorer_setting_reaches_the_cleaner_from_config(tmp_path: Path) -> None:
    from cleaner import config

    conf = tmp_path / "cleaner.toml"
    assert config.resolve([str(tmp_path)]).scorer is None  # no file: on exactly with full-page
    for value, expected in (("true", True), ("false", False)):
        conf.write_text(f"scorer = {value}\n", encoding="utf-8")
        assert config.resolve([str(tmp_path)]).scorer is expected
    conf.write_text("scorer = 1\n", encoding="utf-8")
    with pytest.raises(Exception, match="'scorer' must be true or false"):
        config.resolve([str(tmp_path)])
    conf.write_text("scorrer = true\n", encoding="utf-8")
    with pytest.raises(Exception, match="did you mean 'scorer'"):
        config.resolve([str(tmp_path)])


def test_cli_full_page_option(tmp_path: Path) -> None:
    from cleaner.cli import main

    src = tmp_path / "page.txt"
    src.write_text(page(), encoding="utf-8")
    assert main([str(src), "-o", str(tmp_path / "a"), "-q"]) == 0
    assert main([str(src), "-o", str(tmp_path / "b"), "-q", "--full-page"]) == 0
    default, full = ((tmp_path / d / "page.txt").read_text(encoding="utf-8") for d in "ab")
    assert len(full) < len(default) <= len(page())
    report = json.loads((tmp_path / "b" / "page.report.json").read_text(encoding="utf-8"))
    assert any(e["rule"] == "SC001" and e["features"] for e in report["edits"])


def test_a_pack_names_its_model_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "m.json.gz").write_bytes(MODEL.read_bytes())
    pack = tmp_path / "mine.toml"
    pack.write_text('[pack]\nname = "mine"\n[[rule]]\ncode = "MS001"\nname = "my-scorer"\nkind = "scorer"\n'
                    'model = "m.json.gz"\nfull_page_at = 0.9\nmessage = "Mine"\nwhy = "Trained on my pages"\n',
                    encoding="utf-8")
    c = Cleaner(extra_packs=[pack], ignore=["SC001"], full_page=True)
    assert {e.rule for e in c.clean(page()).edits} >= {"MS001"}
    pack.write_text(pack.read_text(encoding="utf-8").replace("m.json.gz", "missing.json.gz"), encoding="utf-8")
    with pytest.raises(RuleError, match="missing.json.gz"):  # checked when the pack loads
        Cleaner(extra_packs=[pack])


def test_clean_train_writes_a_model_and_a_pack_that_uses_it(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from cleaner.cli import main

    pages, gold = tmp_path / "pages", tmp_path / "gold"
    pages.mkdir()
    gold.mkdir()
    for i in range(12):
        story = [s.replace("tram", f"tram {i}") for s in STORY[2:]]
        (pages / f"site_{i:02d}.txt").write_text("\n".join([*MENU, *story, *FOOTER]), encoding="utf-8")
        (gold / f"site_{i:02d}.txt").write_text("\n\n".join(story), encoding="utf-8")
    out = tmp_path / "model.json.gz"
    assert main(["train", str(pages), str(gold), "-o", str(out), "-q"]) == 0
    assert out.is_file() and (tmp_path / "model.toml").is_file()
    c = Cleaner(extra_packs=[tmp_path / "model.toml"], ignore=["SC001"], full_page=True)
    res = c.clean(page())
    assert {e.rule for e in res.edits} & {"SCU001"}
    assert all(line in doc_lines(res.text) for line in STORY[2:])


def test_a_tail_marker_flagged_for_the_prose_after_it_goes_once_that_prose_has_gone() -> None:
    """The scorer removes lines after the rules have judged a tail zone: a marker kept
    (and flagged) because prose followed it must go once a later pass removed that prose,
    or a second cleaning, which no longer sees the prose, would remove it then."""
    from cleaner.document import Doc
    from cleaner.lines import Lines
    from cleaner.positions import drop_stale_flags, tail_zone

    text = "\n".join([*STORY[2:], "Archives", STORY[2], "October 2019"]) + "\n"
    lines = Lines(text)
    cands, _ = DEFAULT._prefilter.scan(text, None)
    idx = next(i for i, r in enumerate(DEFAULT.rules) if r.code == "NV022")
    tail = DEFAULT._compiled[idx]
    doc = Doc(text, lines, {k: set(v) for k, v in cands.items()})
    kept = list(lines.nonblank())
    assert tail_zone(doc, tail, idx, kept) is False  # prose follows: flagged, kept
    assert [f.rule for f in doc.flags] == ["NV022"] and not doc.removed
    doc.removed[4] = (tail.rule, "removed by a later pass")  # the prose after the marker
    kept = [i for i in kept if i not in doc.removed]
    assert tail_zone(doc, tail, idx, kept) is True
    assert doc.removed[3][0].code == "NV022" and doc.removed[5][0].code == "NV022"
    drop_stale_flags(doc)
    assert doc.flags == [] and doc.tail_flags == {}


def test_a_tail_flag_goes_when_another_rule_removes_its_marker() -> None:
    """Two tail rules read the same marker: one flags it (prose follows), the other removes
    it with the headlines under it. No flag may point at a line the output lacks."""
    text = "\n\n".join([*STORY, "Most Popular", *FOOTER[1:4], STORY[2]]) + "\n"
    res = Cleaner().clean(text)
    assert "Most Popular" in {e.text.strip() for e in res.edits}
    assert all(res.text.count(res.original[f.start:f.end].strip()) for f in res.flags)
    assert not any("prose follows the marker" in f.message for f in res.flags)


def test_the_scorer_is_opt_in_on_article_text_and_on_with_full_page() -> None:
    text = "\n".join([*STORY, *MENU[:8]])  # the scorer removes the menu after the story
    assert any(e.rule == "SC001" for e in DEFAULT.clean(text).edits)
    rules_only = Cleaner()
    assert rules_only.scorer is False and not any(r.kind == "scorer" for r in rules_only.rules)
    assert not any(e.rule == "SC001" for e in rules_only.clean(text).edits)
    assert rules_only.clean(text) == Cleaner(ignore=["SC001"], scorer=True).clean(text)
    assert FULL.scorer is True and Cleaner(full_page=True, scorer=False).scorer is False
    assert not any(e.rule == "SC001" for e in Cleaner(full_page=True, scorer=False).clean(page()).edits)


def test_a_cleaner_without_the_scorer_never_loads_its_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Left out, the scorer costs nothing: its rule is never compiled, so its model is
    never read."""
    import cleaner.engine as engine

    compiled: list[str] = []
    real = engine.compile_rule

    def counting(rule, **kwargs):  # type: ignore[no-untyped-def]
        compiled.append(rule.code)
        return real(rule, **kwargs)

    monkeypatch.setattr(engine, "compile_rule", counting)
    for off in (Cleaner(), Cleaner(full_page=True, scorer=False)):
        assert off._passes.scorers == ()
        off.clean(page())
    assert compiled and "SC001" not in compiled
    Cleaner(scorer=True)
    assert compiled[-1] == "SC001"


def test_selecting_the_scorer_turns_it_on() -> None:
    only = Cleaner(select=["SC001"])
    assert only.scorer is True and [r.code for r in only.rules] == ["SC001"]
    assert Cleaner(select=["scorer"]).scorer is True  # its pack's name
    assert Cleaner(select=["NV"]).scorer is False
    with pytest.raises(RuleError, match="only the line scorer"):
        Cleaner(select=["SC001"], scorer=False)
    with pytest.raises(ValueError, match="scorer must be"):
        Cleaner(scorer="yes")  # type: ignore[arg-type]


def test_cli_scorer_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cleaner.cli import main

    src = tmp_path / "story.txt"
    src.write_text("\n".join([*STORY, *MENU[:8]]) + "\n", encoding="utf-8")

    def scored(*flags: str) -> bool:
        out = tmp_path / "out"
        assert main([str(src), "-o", str(out), "-q", *flags]) == 0
        report = json.loads((out / "story.report.json").read_text(encoding="utf-8"))
        return any(e["rule"] == "SC001" for e in report["edits"])

    assert not scored() and scored("--scorer") and not scored("--full-page", "--no-scorer")
    assert scored("--select", "SC001") and scored("--extend-select", "SC001")
    (tmp_path / "cleaner.toml").write_text("scorer = true\n", encoding="utf-8")
    assert scored() and not scored("--no-scorer")
    assert main(["rules", "--format", "json"]) == 0
    assert "SC001" in {r["code"] for r in json.loads(capsys.readouterr().out)}
