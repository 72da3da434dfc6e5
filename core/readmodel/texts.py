"""The folded search text of every task, held beside the read model's columns, and the phrase
search of the task list over it.

The texts read at load time stay in one Arrow string array (about 230 bytes a task: 230 MB at a
million tasks); a text written since is kept apart by row until the next compaction. A search
is the pipelines' own regex (`core.explorer.text_search`: the folded words as one phrase, whole
words), run by RE2 over the array (`pyarrow.compute`, which releases the GIL: the array is
searched in two halves side by side; `_matches` says how it skips ahead) and by Python's `re`
over the texts kept apart. The three engines agree on this regex: it holds only ASCII letters,
digits, spaces and `\\b`, and `\\b` is the ASCII word boundary in RE2, in Python with
`re.ASCII` and in MongoDB's PCRE (no Unicode properties). Property tests hold the read model's
pages equal to the pipelines' (tests/integration/test_readmodel_lists.py).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

_PARTS = 2  # this machine's cores; each part of the array is searched in its own thread
_SPLIT_FROM = 200_000  # below this many texts one thread is as quick
_POOL = ThreadPoolExecutor(max_workers=_PARTS, thread_name_prefix="cddh-text")
# Texts written since the array was built are folded back into it when they exceed this share.
_COMPACT_SHARE = 0.02
_COMPACT_MIN = 20_000


def _found(array: pa.Array, pattern: str) -> npt.NDArray[np.bool_]:
    found = pc.match_substring_regex(array, pattern).fill_null(False)
    return np.asarray(found.to_numpy(zero_copy_only=False), np.bool_)


# The bytes that are regex word characters (`\\w` in ASCII mode: letters, digits, underscore).
# A byte of a multi-byte UTF-8 character is none of them, as the character is not.
_WORD_BYTE = np.zeros(256, np.bool_)
_WORD_BYTE[[*range(48, 58), *range(65, 91), *range(97, 123), 95]] = True


def _matches(array: pa.Array, pattern: str) -> npt.NDArray[np.bool_]:
    """Which texts of `array` hold a match of `pattern`.

    A pattern that starts with `\\b` is looked for without it, and the byte before each text's
    first find is checked to be no word character: RE2 then skips ahead to the phrase's first
    letters, several times faster than when each position must be checked for a word boundary
    first (0.07 s against 0.4 s at a million texts for "so y te"). The few texts whose first
    find is inside a word are searched again with the whole pattern (a later find may be
    whole)."""
    if not pattern.startswith(r"\b"):
        return _found(array, pattern)
    at = pc.find_substring_regex(array, pattern[2:]).fill_null(-1)
    first = np.asarray(at.to_numpy(zero_copy_only=False), np.int64)
    out = first >= 0
    inside = np.flatnonzero(first > 0)
    if len(inside):
        offsets = np.frombuffer(array.buffers()[1], np.int32)[
            array.offset : array.offset + len(array)
        ]
        data = np.frombuffer(array.buffers()[2], np.uint8)
        glued = inside[_WORD_BYTE[data[offsets[inside] + first[inside] - 1]]]
        if len(glued):
            out[glued] = _found(array.take(pa.array(glued)), pattern)
    return out


class TaskTexts:
    """The folded search text of rows 0…n-1 (a row without a text has "")."""

    def __init__(self, base: pa.Array | pa.ChunkedArray | None = None) -> None:
        if base is None:
            base = pa.array([], pa.string())
        if isinstance(base, pa.Array):
            base = pa.chunked_array([base])
        # Kept in its chunks: a mapped snapshot's are views of the file, combining them would
        # copy every text at a restart.
        self._base: pa.ChunkedArray = base if base.type == pa.string() else base.cast(pa.string())
        self._written: dict[int, str] = {}  # row → text written since the array was built

    def __len__(self) -> int:
        return max(len(self._base), max(self._written, default=-1) + 1)

    def set(self, row: int, text: str | None) -> None:
        """The text of a row (an upserted task)."""
        self._written[row] = text or ""

    def text(self, row: int) -> str:
        """The text of one row."""
        if row in self._written:
            return self._written[row]
        if row < len(self._base):
            return str(self._base[row].as_py() or "")
        return ""

    def _pieces(self, n: int) -> list[tuple[int, pa.Array]]:
        """(first row, texts) of the stored texts of rows 0…n-1, a large chunk cut in two so
        that both threads have work."""
        out: list[tuple[int, pa.Array]] = []
        start = 0
        for chunk in self._base.chunks:
            if start >= n:
                break
            chunk = chunk.slice(0, n - start)
            if len(chunk) >= _SPLIT_FROM:
                half = -(-len(chunk) // _PARTS)
                out += [(start + a, chunk.slice(a, half)) for a in range(0, len(chunk), half)]
            elif len(chunk):
                out.append((start, chunk))
            start += len(chunk)
        return out

    def matches(self, pattern: str, n: int) -> npt.NDArray[np.bool_]:
        """Which of rows 0…n-1 hold a match of `pattern` (a regex of `explorer.text_search`)."""
        out = np.zeros(n, np.bool_)
        pieces = self._pieces(n)
        if sum(len(texts) for _, texts in pieces) >= _SPLIT_FROM:
            found = list(_POOL.map(lambda piece: _matches(piece[1], pattern), pieces))
        else:
            found = [_matches(texts, pattern) for _, texts in pieces]
        for (start, texts), hits in zip(pieces, found, strict=True):
            out[start : start + len(texts)] = hits
        if self._written:
            rx = re.compile(pattern, re.ASCII)
            for row, text in self._written.items():
                if row < n:
                    out[row] = rx.search(text) is not None
        return out

    def array(self, n: int) -> pa.ChunkedArray:
        """The texts of rows 0…n-1 (the snapshot's column), in the stored chunks."""
        chunks: list[pa.Array] = []
        start = 0
        written = sorted((row, text) for row, text in self._written.items() if row < n)
        for chunk in self._base.chunks:
            if start >= n:
                break
            chunk = chunk.slice(0, n - start)
            chunks.append(_replaced(chunk, start, written))
            start += len(chunk)
        if start < n:
            chunks.append(_replaced(_blank(n - start), start, written))
        return pa.chunked_array(chunks, pa.string())

    def compact(self, n: int, force: bool = False) -> bool:
        """Fold the texts written since into the array when they have grown past a small share
        of it (or when `force`); True when it did."""
        if not self._written:
            return False
        if not force and len(self._written) < max(_COMPACT_MIN, _COMPACT_SHARE * len(self._base)):
            return False
        self._base = self.array(n)
        self._written = {}
        return True

    def nbytes(self) -> int:
        """Memory held by the texts (bytes, the written ones roughly)."""
        return int(self._base.nbytes) + sum(len(t) + 64 for t in self._written.values())


def _replaced(texts: pa.Array, start: int, written: list[tuple[int, str]]) -> pa.Array:
    """`texts` (rows `start`…) with the rows of `written` (sorted by row) replaced."""
    rows = [(row - start, text) for row, text in written if start <= row < start + len(texts)]
    if not rows:
        return texts
    mask = np.zeros(len(texts), np.bool_)
    mask[[row for row, _ in rows]] = True
    values = pa.array([text for _, text in rows], pa.string())
    return pc.replace_with_mask(texts, pa.array(mask), values)


def _blank(count: int) -> pa.Array:
    return pa.array(np.full(count, "", dtype=object), pa.string())
