"""Turning an input file's bytes into text, and saying which encoding that took.

UTF-8 is by far the common case, so it is tried first, directly: a file that decodes
strictly as UTF-8 never pays for detection. Only bytes that are not UTF-8 go to
charset-normalizer, and only a prefix of them, so detection costs the same on a 200 MB
file as on a small one. Whatever the encoding, the decoded text must encode back to
exactly the bytes read (a byte-order mark stays in the text as U+FEFF, line endings are
never translated): that is what lets ``clean restore`` rebuild the original bytes from
the report, which records the encoding.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

# Detection looks at this much of the file; the whole file is then decoded strictly.
SNIFF_BYTES = 1 << 20
# A NUL this early, outside UTF-16/32, means binary data (images, archives, PDF streams).
BINARY_WINDOW = 8192

# Byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
# Each maps to the codec that keeps the mark as U+FEFF in the text, so the round trip
# (and every offset in the report) covers the file's first bytes too.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class DecodeError(ValueError):
    """The bytes are not text this tool can decode; the message says what to do next."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # a Python codec name; ``text.encode(encoding)`` gives the bytes back


def decode_bytes(raw: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``raw``: as ``encoding`` when one is forced, else UTF-8, a byte-order mark's
    encoding, UTF-16 without a mark, or what charset-normalizer detects."""
    if encoding is not None:
        return _forced(raw, encoding)
    head = raw[:BINARY_WINDOW]
    utf8_error: UnicodeDecodeError | None = None
    if b"\x00" not in head:
        try:
            return Decoded(raw.decode("utf-8"), "utf-8")  # the common case: no detection at all
        except UnicodeDecodeError as exc:
            utf8_error = exc
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return _strict(raw, name, f"starts with a {name.upper()} byte-order mark")
    if utf8_error is None:  # a NUL early on, and no byte-order mark
        name = _bomless_utf16(head)
        binary = DecodeError(f"looks like a binary file (NUL byte at byte {head.index(0)}); skipped. "
                             "If it is text, pass --encoding")
        if name is None:
            raise binary
        try:
            return _strict(raw, name, "looks like UTF-16 without a byte-order mark")
        except DecodeError:
            raise binary from None
    if _mostly_utf8(raw, utf8_error):
        raise DecodeError(f"UTF-8 with an invalid byte 0x{raw[utf8_error.start]:02x} at byte {utf8_error.start} "
                          "(a damaged or mixed file); repair it, or pass --encoding to read it as another encoding")
    return _detected(raw)


def _forced(raw: bytes, encoding: str) -> Decoded:
    try:
        name = codecs.lookup(encoding).name
    except LookupError as exc:
        raise DecodeError(f"unknown encoding {encoding!r}; use a Python codec name such as cp1252 or utf-16") from exc
    return _strict(raw, name, f"--encoding {encoding}")


def _strict(raw: bytes, name: str, why: str) -> Decoded:
    if name in ("utf-16", "utf-32"):
        # These codecs would drop the byte-order mark on reading and write a native-order
        # one back; the explicit byte orders keep the mark as a character instead.
        bom = raw[:4] if name == "utf-32" else raw[:2]
        order = "be" if bom in (codecs.BOM_UTF32_BE, codecs.BOM_UTF16_BE) else "le"
        name = f"{name}-{order}"
    try:
        text = raw.decode(name)
    except UnicodeDecodeError as exc:
        raise DecodeError(f"{why}, but byte {exc.start} cannot be decoded as {name}; "
                          "pass --encoding with the right encoding") from exc
    if text.encode(name) != raw:
        # A codec with several byte forms for one character: the report could not
        # rebuild the input, so refuse rather than lose bytes silently.
        raise DecodeError(f"decoding as {name} does not round-trip to the same bytes; pass another --encoding")
    return Decoded(text, name)


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 text without a mark has its NULs on one parity (Latin text: every high
    byte is zero); binary data scatters them."""
    n = len(head) - len(head) % 2
    if n < 16:  # too little to tell text from binary
        return None
    even, odd = head[0:n:2].count(0), head[1:n:2].count(0)
    pairs = n // 2
    if odd >= 0.3 * pairs and even <= 0.01 * pairs:
        return "utf-16-le"
    if even >= 0.3 * pairs and odd <= 0.01 * pairs:
        return "utf-16-be"
    return None


def _mostly_utf8(raw: bytes, exc: UnicodeDecodeError) -> bool:
    """Whether the bytes hold valid multi-byte UTF-8 before the bad byte: a legacy
    single-byte file has none, while a UTF-8 file with one damaged byte has many, and
    decoding that one as cp1252 would turn every accent into mojibake."""
    before = raw[max(0, exc.start - SNIFF_BYTES) : exc.start]
    try:
        before.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return max(before, default=0) >= 0xC2


# Windows-1252's typographic bytes: ‘ ’ “ ” • – — … (and €, ™). Nothing else maps them
# to punctuation, and Western text from Word or a CMS is full of them.
_SMART = frozenset(b"\x91\x92\x93\x94\x95\x96\x97\x85\x80\x99")


def smart_punctuation_cp1252(raw: bytes) -> bool:
    """Whether Windows-1252's smart punctuation explains the bytes: mostly ASCII, some
    typographic quote or dash, and every other byte a Latin letter or a common symbol
    in Windows-1252 (or nothing but ASCII and that punctuation, however short). Short text like that ("It’s “fine”.") gives a statistical detector
    too little to go on; it has read it as cp720, cp1125 or UTF-16."""
    sample = raw[:SNIFF_BYTES]
    high = [b for b in sample if b >= 0x80]
    if not high or not any(b in _SMART for b in high):
        return False
    if all(b in _SMART for b in high):
        return True  # ASCII and typographic punctuation only, however short
    if len(high) > 0.3 * len(sample):
        return False
    try:
        text = bytes(high).decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: undefined in Windows-1252
        return False
    return all(b in _SMART or ch.isalpha() and "LATIN" in unicodedata.name(ch, "") or ch in _SYMBOLS
               for b, ch in zip(high, text, strict=True))


_SYMBOLS = frozenset("\u00a0©®°±·«»¡¿§¶£¥¢ºª×÷")


def detect(raw: bytes) -> str | None:
    """The codec charset-normalizer finds for ``raw`` (judged on its first MB), or None
    when no text encoding fits. Shared by text files and HTML pages."""
    if smart_punctuation_cp1252(raw):
        return "cp1252"
    from charset_normalizer import from_bytes  # imported only when some input needs it

    matches = list(from_bytes(raw[:SNIFF_BYTES]))
    if not matches or matches[0].encoding is None:
        return None
    best = matches[0]
    # Short Western text fits several code pages equally well (cp1250 reads "naïve" as
    # "naďve"); on a tie, Windows-1252 wins: it is what legacy web pages mostly are.
    if any(m.chaos <= best.chaos and "cp1252" in m.could_be_from_charset for m in matches):
        return "cp1252"
    return codecs.lookup(best.encoding).name


def _detected(raw: bytes) -> Decoded:
    name = detect(raw)
    if name is None:
        raise DecodeError("not UTF-8, and no text encoding fits its bytes (binary, or damaged text); "
                          "pass --encoding if you know it")
    return _strict(raw, name, f"detected as {name}")
