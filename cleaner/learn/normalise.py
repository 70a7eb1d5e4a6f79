"""A line's key: the form under which its repetitions are counted as one.

Lower-cased, whitespace collapsed, curly quotes made straight, dates -> ``<date>`` and
other numbers -> ``<num>``: "© 2021 Gazette Ltd." and "©  2022 Gazette Ltd." share the key
"© <num> gazette ltd.". The key is also the rule: ``pattern_for`` turns it back into a
regex that matches, in full and regardless of case, every line that has this key.
"""

from __future__ import annotations

import regex

# Placeholders are private-use characters, so no text can spell one by accident (a line
# that holds either character is not learned from at all).
DATE, NUM = "\ue000", "\ue001"

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# Dates as sites print them: "March 5, 2021", "5 March 2021", "2021-03-05", "05/03/21".
# Matched on the lower-cased line; the same text is the regex that `pattern_for` emits,
# so a key never holds a placeholder its pattern cannot match back.
DATE_RE = (rf"(?:{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+\d{{4}}"
           r"|\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})")
# Grouped digits count as one number ("1,234", "14:05", "3.5"), so a clock and a price
# each become one placeholder.
NUM_RE = r"\d+(?:[.,:]\d+)*"

_DATE = regex.compile(rf"(?<!\d){DATE_RE}(?!\d)")
_NUM = regex.compile(NUM_RE)
_SPACE = regex.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_PLACEHOLDER = regex.compile(f"([{DATE}{NUM}])")
_WORD = regex.compile(r"\w+")


def normalise(line: str) -> str:
    """The counting key of one line (stripped of surrounding whitespace); "" when the line
    cannot have one (it holds a placeholder character)."""
    if DATE in line or NUM in line:
        return ""
    key = _SPACE.sub(" ", line.strip()).lower().translate(_QUOTES)
    key = _DATE.sub(DATE, key)
    return _NUM.sub(NUM, key)


def split_key(key: str) -> list[str]:
    """Literal parts and placeholders, in order: 'page \ue001 of \ue001' -> ['page ', NUM, ' of ', NUM]."""
    return [p for p in _PLACEHOLDER.split(key) if p]


def _literal(text: str) -> str:
    out = []
    for ch in text:
        if ch == " ":
            out.append(r"\s+")
        elif ch == "'":
            out.append("['\u2018\u2019]")
        elif ch == '"':
            out.append('["\u201c\u201d]')
        else:
            out.append(regex.escape(ch))
    return "".join(out)


def pattern_for(key: str) -> str:
    """A regex that matches, in full and case-insensitively, every line with this key."""
    return "".join(f"(?:{DATE_RE})" if p == DATE else NUM_RE if p == NUM else _literal(p)
                   for p in split_key(key))


def literal_words(key: str) -> list[str]:
    """The words of the key's literal parts: every line with this key contains each of them."""
    return [w for p in split_key(key) if p not in (DATE, NUM) for w in _WORD.findall(p)]


def display(key: str) -> str:
    """The key as a person reads it: placeholders spelt <date> and <num>."""
    return key.replace(DATE, "<date>").replace(NUM, "<num>")
