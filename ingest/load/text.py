"""Bytes → text: BOM, strict UTF-8, a declared charset, GB18030, charset-normalizer — and the
plain-text (.txt/.md) extractor."""
from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

from ingest.load.errors import LoadError


def normalize_newlines(text: str) -> str:
    """CRLF / CR / Unicode line separators → ``\\n``."""
    return re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)


def has_visible_text(text: str) -> bool:
    return any(not ch.isspace() and ch not in "\ufeff\u200b" for ch in text)


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_GB_ALIASES = {"gb2312", "gbk", "gb_2312", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "gb18030"}


def sniff_bom(data: bytes) -> tuple[str, bytes] | None:
    """(encoding, bytes without BOM) when ``data`` starts with a Unicode BOM."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, data[len(bom):]
    return None


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes to (text, encoding name); raise ValueError when they are not text.

    Order: BOM → strict UTF-8 → declared charset (HTML) → strict GB18030 (superset of
    GBK/GB2312; statistical detectors misjudge short Chinese texts) → charset-normalizer.
    """
    bom = sniff_bom(data)
    if bom:
        name, body = bom
        try:
            text = body.decode(name.replace("-sig", ""), errors="strict")
        except UnicodeDecodeError as exc:
            raise ValueError(f"it starts with a {name} byte-order mark but is not valid "
                             f"{name} text (byte {exc.start})") from exc
        return _checked(text), name
    if b"\x00" in data:
        utf16 = utf16_without_bom(data)
        if utf16 is not None:
            return _checked(utf16[0]), utf16[1]
        raise ValueError("it looks like a binary file (contains NUL bytes)")
    # strict UTF-8 first even when a charset is declared: it practically never decodes
    # non-UTF-8 multibyte text, while pages that mis-declare their charset are common
    candidates = ["utf-8", _canonical_codec(declared) if declared else "", "gb18030"]
    for name in dict.fromkeys(c for c in candidates if c):
        try:
            text = data.decode(name, errors="strict")
        except (UnicodeDecodeError, LookupError):
            if name == "utf-8" and (text := nearly_utf8(data)) is not None:
                return _checked(text), "utf-8"
            continue
        if name == "gb18030" and not _plausible_chinese(text):
            continue
        return _checked(text), name
    return _detect_with_charset_normalizer(data)


def utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """(text, codec) for UTF-16 text without a byte-order mark: its ASCII characters (digits, line
    breaks, punctuation) put NUL bytes on one side of the byte pairs only; None otherwise."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if min(even, odd) * 4 > max(even, odd):
        return None  # NULs on both sides alike: binary, not UTF-16 text (一 U+4E00 has one NUL byte)
    codec = "utf-16-le" if odd > even else "utf-16-be"
    try:
        text = data.decode(codec, errors="strict")
    except UnicodeDecodeError:
        return None
    bad = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or 0xE000 <= ord(ch) <= 0xF8FF)
    return (text, codec) if bad == 0 else None


def nearly_utf8(data: bytes, max_errors: int = 3) -> str | None:
    """UTF-8 text damaged in a few places (e.g. a character cut at the end of a scraped page),
    decoded with U+FFFD replacements; None when the bytes are not UTF-8 at all.

    Without this a nearly-UTF-8 Chinese text would pass strict GB18030 as mojibake.
    """
    text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    valid = sum(1 for ch in text if ord(ch) > 0x7F) - errors  # GBK read as UTF-8: ~all errors
    if 0 < errors <= max_errors and valid >= 3 * errors:
        return text
    return None


def _canonical_codec(label: str) -> str:
    """Python codec name for a declared charset; GB2312/GBK are read as their superset."""
    label = label.strip().strip("'\"").lower()
    if label in _GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return ""


def _detect_with_charset_normalizer(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.chaos > 0.3:
        raise ValueError("it is not decodable text (binary data or an unknown encoding)")
    return _checked(str(best)), best.encoding


def _plausible_chinese(text: str) -> bool:
    """True when a GB18030 decoding consists of common characters (not mojibake/binary)."""
    chars = [ch for ch in text if not ch.isspace()]
    if not chars:
        return True
    common = sum(1 for ch in chars if ch.isascii() or "\u4e00" <= ch <= "\u9fff"
                 or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
                 or "\u2010" <= ch <= "\u206f" or ch in "·×÷°±")
    return common / len(chars) >= 0.95


def _checked(text: str) -> str:
    """Reject decoded text with more than 1% control / unassigned / private-use characters."""
    bad = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
              and ch not in "\t\n\r\f\v")
    if text and bad / len(text) > 0.01:
        raise ValueError("it looks like a binary file (mostly control or undecodable bytes)")
    return text


def extract_plain(path: Path, data: bytes) -> tuple[str, str]:
    try:
        return decode_text(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise LoadError(path, str(exc)) from exc
