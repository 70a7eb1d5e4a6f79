"""Digit substitutions: a scrape that wrote a token wherever one digit stood (``src`` for 1).

A document is judged by evidence, not by one signature. Every run of the token
(``srcsrc`` is a run of two) is placed by what surrounds it:

- **number**: it stands where a number stands, in a shape clean text never gives the
  token: fused into digits (``20srcsrc``, ``src950s``), around a decimal point or a
  thousands separator (``$src,src99``, ``14.src``), before ``%``, an ordinal or a unit
  (``7srcst``, ``srcTB``), in a time, date, score or range (``src:src5pm``, ``3-src``),
  inside a code or model name (``HsrcNsrc``), a run of two or more standing alone
  (``srcsrc``), or alone beside a word that takes a number ("May src", "src million");
- **weak**: a number shape that code also writes (``src2``, ``Msrc``: a variable, a key);
- **meant**: the token as a word: an HTML attribute (``src=``), a property (``img.src``),
  an option (``--src``, ``data-src``), a path (``src/``), a variable (``$src``), a word
  (``srcset``), or prose about it ("the src attribute");
- **bare**: alone in prose with nothing to tell (``the total was src``).

A document is corrupted when number runs stand in it and the digit itself does not
(a scrape that replaced every 1 leaves none), or, where some digits survived (a date
taken from elsewhere in the page), when number runs far outnumber them. Then number
runs are repaired; weak and bare runs are repaired too unless the document also uses
the token in code or markup, where weak runs are only flagged and bare ones left alone;
meant runs are never touched.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, replace

import regex

from .number_words import CODE_BEFORE, CODE_WORDS, FOLLOWERS, JOINERS, LABELS, MONTHS, ORDINALS, UNITS

NUMBER, WEAK, BARE, MEANT = "number", "weak", "bare", "meant"
# Meant shapes that show the document uses the token in code or markup.
CODE_SHAPES = frozenset({"attribute", "tag", "property", "file", "path", "option", "variable", "identifier",
                         "quoted", "prose"})

# How far a token (a stretch without white space) is read around a run: a hostile
# input of one endless token must not make every run read all of it.
_REACH = 64

_OPEN = "([{\"'“‘«¿¡<*_`#"
_CLOSE = ")]}\"'”’»>.,;:!?…*_`"
_QUOTES = "`'\"‘’“”"
_PUNCT = "([{\"'“‘«¿¡)]}”’»,;:!?…"  # stripped from a neighbouring word
_ASSIGN = frozenset(("=", ":=", "==", "+=", "=>", "<-"))  # "src2 = Path(...)": a variable

# The whole token once its runs are digits: a number with optional currency, sign,
# separators and one suffix (unit, ordinal, percent). Possessive: no backtracking.
_NUMBER = regex.compile(
    r"(?P<cur>[$€£¥₹₩₽]|[A-Z]{1,3}\$)?+(?P<sign>[+\-−±~≈])?+"
    r"(?P<num>\d++(?:(?:[.,:'’/\-–]|h)\d++)*+)"
    r"(?P<suf>%|‰|\.?[ºª]|['’]?[^\W\d_]{1,4}+(?:/[a-z])?+|°[CF]?+|(?:[-‑][^\W\d_]++)++)?+")
_VERSION = regex.compile(r"[vV]\d++(?:\.\d++)++")
_LABEL_EDGE = regex.compile(r"[^\w.#]")
_N_IN_1 = regex.compile(r"\d[-‑](?:in|to|of|for|by)[-‑]\Z")
_HYPHENATED = regex.compile(r"[a-z]-\Z")
_YEAR = regex.compile(r"\d{4}")


@dataclass(frozen=True, slots=True)
class Run:
    """One run of the token in a text: where, how many tokens, and how it was placed."""

    start: int
    end: int
    count: int
    role: str  # number | weak | meant | bare
    shape: str


class Substitution:
    """One declared substitution: ``token`` written where ``digit`` stood."""

    def __init__(self, token: str, digit: str, *, ignore_case: bool = False) -> None:
        self.token, self.digit = token, digit
        flags = regex.IGNORECASE if ignore_case else 0
        self._run = regex.compile(f"(?:{regex.escape(token)})++", flags)
        self._width = len(token)

    def runs(self, text: str) -> list[Run]:
        return [self._place(text, m.start(), m.end()) for m in self._run.finditer(text)]

    def digit_count(self, text: str) -> int:
        return text.count(self.digit)

    # -- placing one run ----------------------------------------------------

    def _place(self, text: str, s: int, e: int) -> Run:
        k = (e - s) // self._width
        role, shape = self._role(text, s, e, k)
        if role == WEAK:
            role, shape = self._weak_by_neighbours(text, s, e, role, shape)
        return Run(s, e, k, role, shape)

    def _weak_by_neighbours(self, text: str, s: int, e: int, role: str, shape: str) -> tuple[str, str]:
        """A weak run read by the words around its token: "the field src2" is a name,
        "October src2" and "src5 minutes" are numbers."""
        ws = text.rfind(" ", max(0, s - _REACH), s) + 1 if s else 0
        we = text.find(" ", e, e + _REACH)
        we = we if we >= 0 else min(len(text), e + _REACH)
        before, after = _words_before(text, ws, 3), _words_after(text, we, 3)
        prev1, prev2 = (before + ["", ""])[:2]
        next1, next2 = (after + ["", ""])[:2]
        if CODE_WORDS.intersection(after) or CODE_BEFORE.intersection(before):
            return MEANT, "prose"  # "the variables srcsrc and src2"
        if next1 in _ASSIGN:
            return MEANT, "identifier"
        if prev1 in MONTHS or prev1 in LABELS:
            return NUMBER, "label"
        if next1 in ("de", "of") and next2 in MONTHS:
            return NUMBER, "date"
        if next1 in FOLLOWERS or (next1 in JOINERS and self._numeric(next2)) or (
                prev1 in JOINERS and self._numeric(prev2)):
            return NUMBER, "follower"
        return role, shape

    def _repaired(self, fragment: str) -> str:
        return self._run.sub(lambda m: self.digit * (len(m.group()) // self._width), fragment)

    def _role(self, text: str, s: int, e: int, k: int) -> tuple[str, str]:
        ws = s
        lo = max(0, s - _REACH)
        # An em dash joins words without spaces ("Jan srcst—though"): it ends a token too.
        while ws > lo and not text[ws - 1].isspace() and text[ws - 1] != "—":
            ws -= 1
        we = e
        hi = min(len(text), e + _REACH)
        while we < hi and not text[we].isspace() and text[we] != "—":
            we += 1
        pre, post = text[ws:s], text[e:we]
        p, n = pre[-1:], post[:1]
        word = pre + text[s:e] + post
        # The token with its runs as digits, without the punctuation around it.
        lead = len(word) - len(word.lstrip(_OPEN))
        core = self._repaired(word.strip(_OPEN).rstrip(_CLOSE) or word)
        at = len(self._repaired(pre[lead:]))  # where this run starts inside ``core``
        number = _NUMBER.fullmatch(core)
        if number and self._is_number(number, k):
            placed = self._number_shape(number, at, k, p)
            if placed:
                return placed
        if _VERSION.fullmatch(core):
            return NUMBER, "version"
        before, after = self._repaired(pre), self._repaired(post)
        if p == "." and _norm(_LABEL_EDGE.split(before)[-1]) in LABELS:
            return NUMBER, "label"  # "No.src", "pt.src"
        if (p in ".,:" and before[-2:-1].isdigit()) or (n in ".,:" and after[1:2].isdigit()):
            return NUMBER, "separator"  # "802.srcsrcac": a number with letters after it
        if _N_IN_1.search(before):
            return NUMBER, "range"  # "3-in-src"
        if k >= 2 and not (p.islower() or n.islower()) and "://" not in word and core != self.digit * k:
            return NUMBER, "run"  # no word holds the token twice over: "site-srcsrc"
        meant = self._meant(text, s, e, word, pre, before, after, p, n)
        if meant:
            return MEANT, meant
        if core == self.digit * k or (number and number.group("num") == self.digit * k and not number.group("suf")):
            return self._alone(text, ws, we, k, word, p)
        return self._in_code(word, pre, post, p, n)

    def _is_number(self, m: regex.Match[str], k: int) -> bool:
        """A number-shaped token whose suffix really is a unit, an ordinal or a percent."""
        suf = m.group("suf")
        if suf is None:
            return True
        bare = suf.lstrip("'’.")
        if suf in ("%", "‰") or suf.startswith("°"):
            return True
        if suf[0] in "-‑":  # "src0-year-old", "$src.src-million"
            first = suf[1:].split("-")[0]
            return first.lower() in FOLLOWERS or first in UNITS
        if bare in ORDINALS:
            # "srcs" is a plural of the word as often as "1s": only after other digits.
            return bare != "s" or len(m.group("num")) > k
        return bare in UNITS

    def _number_shape(self, m: regex.Match[str], at: int, k: int, p: str) -> tuple[str, str] | None:
        """The shape of a number-shaped token; None for a lone run that only its
        neighbouring words can place ("$src": $1, or a shell variable)."""
        num, suf = m.group("num"), (m.group("suf") or "").lstrip("'’.")
        whole = len(num) > k  # other digits or separators stand in the number too
        if m.group("cur"):
            return (NUMBER, "currency") if whole else None
        if suf in ("%", "‰"):
            return NUMBER, "percent"
        if suf[:1] in "-‑" and suf:
            return NUMBER, "compound"
        if suf == "s" and num.endswith("0"):
            return NUMBER, "decade"
        if suf in ORDINALS:
            return NUMBER, "ordinal"
        if suf:
            # A one-letter unit after a lone run ("srcX") is also a variable name in code.
            return (NUMBER, "unit") if whole or len(suf) > 1 else (WEAK, "unit")
        if len(num) == k and not m.group("sign"):
            return None  # the run alone ("srcsrc"): placed by its neighbours
        if ":" in num:
            return NUMBER, "time"
        if "/" in num:
            return NUMBER, "date"
        if "-" in num or "–" in num:
            return NUMBER, "range"
        if "." in num or "," in num or "'" in num or "’" in num:
            return NUMBER, "separator"
        if k >= 2 or at > 0 or p.isdigit() or len(num) >= 3:
            return NUMBER, "digits"
        if m.group("sign"):
            return NUMBER, "signed"
        return WEAK, "leading"  # "src2": 12, or a variable named src2

    def _meant(self, text: str, s: int, e: int, word: str, pre: str, before: str, after: str, p: str,
               n: str) -> str | None:
        """The token used as a word: attribute, property, option, path, variable, word.
        ``before``/``after``: the token's text around the run, its runs as digits."""
        if n == "=" or text.startswith((": url(", ":url("), e):
            return "attribute"
        if p == "<" or pre.endswith("</"):
            return "tag"
        if "://" in word or word.startswith("www.") or p in "/\\" and p or n in "/\\" and n:
            # Inside a link or path, a segment that is all digits once repaired is a
            # number ("/20srcsrc/src0/"): a date in a URL, an id, a hash.
            seg = _segment(text, s, e)
            if seg != self.token and (_number_segment(self._repaired(seg)) or p.isdigit()):
                return None
            return "path"
        if p == "." and len(before) >= 2 and (before[-2].isalpha() or before[-2] in "_)]"):
            return "property"
        if n == "." and after[1:2].isalpha():
            return "file"
        if (pre.endswith("--") or _HYPHENATED.search(pre)) and not n.isdigit():
            return "option"
        if p and p in "{@%" and not n.isdigit() or (p == "$" and n and n in "}\"')];:"):
            return "variable"
        if p == "_" or n == "_":
            return "identifier"
        if _hex(self._repaired(word)) and len(word.strip(_OPEN + _CLOSE)) >= 6:
            return None  # a hash: "3fasrcb9c" holds letters no hex digit is
        if n.islower() or (n.isupper() and after[1:2].islower()):
            return "word"
        if p.islower() and not n.isdigit():
            return "suffix"  # "imgsrc", or a user name "bugsrc": meant, but no sign of code
        return None

    def _alone(self, text: str, ws: int, we: int, k: int, word: str, p: str) -> tuple[str, str]:
        """A run that is the whole token: placed by its neighbouring words."""
        if word[:1] in _QUOTES and any(c in _QUOTES for c in word[-3:]):
            return MEANT, "quoted"
        if word.lstrip("([{\"'“‘«")[:1] == "#":
            return NUMBER, "label"  # "#src": number one
        before = _words_before(text, ws, 2)
        after = _words_after(text, we, 2)
        prev1, prev2 = (before + ["", ""])[:2]
        next1, next2 = (after + ["", ""])[:2]
        if next1 in CODE_WORDS or prev1 in CODE_BEFORE or (next1 in JOINERS and next2 in CODE_WORDS) or (
                prev1 in JOINERS and prev2 in CODE_WORDS):
            return MEANT, "prose"
        if next1 in _ASSIGN:
            return MEANT, "identifier"  # "srcsrc = Path(...)": a variable being assigned
        if k >= 2:
            return NUMBER, "run"
        if p != "$" and (prev1 in MONTHS or prev1 in LABELS):
            return NUMBER, "label"
        if next1 in ("de", "of") and next2 in MONTHS:
            return NUMBER, "date"  # "src de enero", "the src of May"
        if next1 in FOLLOWERS or next1.rstrip(".") in FOLLOWERS:
            return NUMBER, "follower"
        if (next1 in JOINERS and self._numeric(next2)) or (prev1 in JOINERS and self._numeric(prev2)):
            return NUMBER, "range"
        if word.endswith(",") and _YEAR.fullmatch(next1):
            return NUMBER, "date"
        if ws == 0 or text[ws - 1] == "\n":
            if word.endswith((".", ")")) and len(word) == len(self.token) * k + 1:
                return NUMBER, "list"
        if p == "$":
            return BARE, "currency"
        return BARE, "alone"

    def _numeric(self, w: str) -> bool:
        w = self._repaired(w)
        return bool(w) and (w[0].isdigit() or w[0] in "$€£") and any(c.isdigit() for c in w)

    def _in_code(self, word: str, pre: str, post: str, p: str, n: str) -> tuple[str, str]:
        """Inside a token of letters: a model name, a strain, a code, a hash."""
        rest = self._repaired(word)
        digits = sum(c.isdigit() for c in rest)
        if p.isdigit() or n.isdigit() or (p in "-" and n.isdigit()):
            return NUMBER, "code"
        if _hex(rest) and digits >= 2 and len(rest.strip(_OPEN + _CLOSE)) >= 6:
            return NUMBER, "hash"
        upper_near = p.isupper() or (p == "-" and pre[-2:-1].isupper()) or (n.isupper() and not post[1:2].islower())
        if upper_near:
            return (NUMBER, "code") if digits > self._run_digits(word) or self._runs_in(word) > 1 else (WEAK, "code")
        return MEANT, "word"

    def _runs_in(self, word: str) -> int:
        return sum(1 for _ in self._run.finditer(word))

    def _run_digits(self, word: str) -> int:
        return sum(len(m.group()) // self._width for m in self._run.finditer(word))


_SEGMENT_EDGE = regex.compile(r"[/\\?&=#._,\-]")


def _segment(text: str, s: int, e: int) -> str:
    """The stretch of a link or path around a run, between separators."""
    a = s
    while a > max(0, s - _REACH) and not text[a - 1].isspace() and not _SEGMENT_EDGE.match(text[a - 1]):
        a -= 1
    b = e
    while b < min(len(text), e + _REACH) and not text[b].isspace() and not _SEGMENT_EDGE.match(text[b]):
        b += 1
    return text[a:b]


def _number_segment(seg: str) -> bool:
    return bool(seg) and any(c.isdigit() for c in seg) and (seg.isdigit() or (len(seg) >= 4 and _hex(seg)))


def _hex(s: str) -> bool:
    core = s.strip(_OPEN + _CLOSE)
    return bool(core) and all(c in "0123456789abcdef" for c in core)


def _words_before(text: str, ws: int, n: int) -> list[str]:
    ls = text.rfind("\n", max(0, ws - 80), ws) + 1 if ws else 0
    words = text[max(ls, ws - 80):ws].split()
    return [_norm(w) for w in reversed(words[-n:])]


def _words_after(text: str, we: int, n: int) -> list[str]:
    le = text.find("\n", we, we + 80)
    words = text[we: le if le >= 0 else we + 80].split()
    return [_norm(w) for w in words[:n]]


def _norm(w: str) -> str:
    return w.strip(_PUNCT).lower()


@dataclass(frozen=True, slots=True)
class Verdict:
    """A document's evidence and the decision taken on it."""

    repair: bool
    reason: str
    digit_count: int
    shapes: dict[str, Counter[str]]  # role -> shape -> runs
    meant_in_doc: bool
    source: str = ""  # the text judged, whose ``runs`` the repairs can reuse
    runs: tuple[Run, ...] = ()


def judge(sub: Substitution, text: str) -> Verdict:
    shapes: dict[str, Counter[str]] = {NUMBER: Counter(), WEAK: Counter(), BARE: Counter(), MEANT: Counter()}
    runs = tuple(sub.runs(text))
    for run in runs:
        shapes[run.role][run.shape] += 1
    strong, weak = sum(shapes[NUMBER].values()), sum(shapes[WEAK].values())
    # Only the token in code or markup shows the document writes about it: a run fused
    # into letters ("srcBman", a user name "bugsrc") is as often the corruption itself.
    meant = sum(n for shape, n in shapes[MEANT].items() if shape in CODE_SHAPES)
    digits = sub.digit_count(text)
    if not strong and not weak:
        repair, reason = False, "no run stands where a number stands"
    elif digits == 0:
        # Weak runs alone ("src2") are also what code writes: they decide only where the
        # document shows no use of the token in code or markup.
        repair = strong >= 1 or (weak >= 1 and meant == 0)
        reason = (f"{strong} number and {weak} weak runs, no digit {sub.digit} left" if repair
                  else f"only {weak} weak run(s), {meant} meant")
    else:
        # Some digits survived: a scrape can join a corrupted body to an intact date line.
        repair = strong >= 3 and strong >= 2 * digits
        reason = (f"{strong} number runs outweigh the {digits} digit {sub.digit} left" if repair
                  else f"{digits} digit {sub.digit} present against {strong} number runs")
    return Verdict(repair, reason, digits, shapes, meant > 0, text, runs)


def repairs(sub: Substitution, content: str, verdict: Verdict, *, text: str | None = None,
            start: int = 0) -> list[tuple[int, int, str, bool, str]]:
    """(start, end, replacement, sure, shape) for each run to repair in ``content``;
    ``sure`` False where it is only flagged (weak runs in a document that also uses the
    token in code or markup; bare runs there are left alone). ``content`` is
    ``text[start:start + len(content)]``: where ``text`` is what the verdict judged, its
    placed runs are reused (a run's place depends only on its own line)."""
    if text is not None and text is verdict.source:
        end = start + len(content)
        lo = bisect_left(verdict.runs, start, key=_START)
        found = [replace(r, start=r.start - start, end=r.end - start)
                 for r in verdict.runs[lo:bisect_left(verdict.runs, end, key=_START)]]
    else:
        found = sub.runs(content)
    out = []
    for run in found:
        if run.role == MEANT or (run.role == BARE and verdict.meant_in_doc):
            continue  # a lone src in a document about code is the word far more often than 1
        sure = run.role == NUMBER or not verdict.meant_in_doc
        out.append((run.start, run.end, sub.digit * run.count, sure, run.shape))
    return out


def _START(run: Run) -> int:
    return run.start
