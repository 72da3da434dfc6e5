"""Vietnamese text helpers: NFC, diacritic folding (bỏ dấu), search input, spreadsheet safety."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """The NFC form of a string, trimmed, with runs of whitespace collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower-case, diacritics removed, đ → d: 'Sở Y tế' → 'so y te'."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.replace("đ", "d")).strip()


# Searches longer than this are cut (a search is a few words; a 60,000-character one is an attack).
SEARCH_MAX_CHARS = 200
# A spreadsheet evaluates a cell typed as text beginning with one of these (CSV/formula
# injection, OWASP): such texts are written with a leading apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def strip_invisible(text: str) -> str:
    """`text` without control characters, zero-width and bidirectional marks (categories Cc and
    Cf); tabs and line breaks become spaces."""
    return "".join(
        " " if ch in "\t\n\r" else ch
        for ch in text
        if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cf")
    )


def search_input(text: str, limit: int = SEARCH_MAX_CHARS) -> tuple[str, bool]:
    """A user's search text made safe to search with: NFC, invisible characters removed, at most
    `limit` characters. Returns (text, whether it was shortened)."""
    clean = nfc(strip_invisible(text))
    if len(clean) <= limit:
        return clean, False
    return clean[:limit].rstrip(), True


_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")


def neutralise_formula(text: str) -> str:
    """A text no spreadsheet evaluates: one beginning with =, +, -, @, tab or CR gets a leading
    apostrophe (OWASP CSV injection); so does one beginning with apostrophes before such a
    character, so that `restore_formula` gives back exactly the text written. Any other text is
    returned unchanged.

    Every XLSX and CSV export writes its texts through this. Word documents need no such
    prefix: their texts are plain runs, never fields (see `render_docx` in
    core/briefing/rendering.py)."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def restore_formula(text: str) -> str:
    """The text `neutralise_formula` was given (the importer reads exports back with it): one
    leading apostrophe before =, +, -, @, tab or CR (or before more apostrophes and one of
    them) is dropped, as a spreadsheet shows it; any other text is returned unchanged."""
    return text[1:] if text.startswith("'") and _NEEDS_QUOTE.match(text[1:]) else text
