"""Unified diffs of changed text files between two versions, read from blob storage.

Only small files are read (both sides under `TEXT_LIMIT`), and only the first
`DIFF_FILES` of them, so a comparison of thousands of changed files reads a bounded
number of bytes. Content that is not UTF-8, or holds a NUL byte, counts as binary and
gets no diff.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from enum import StrEnum

from registry.models import Blob
from registry.selectors.compare import Change, FileDiff
from registry.storage import iter_blob

TEXT_LIMIT = 256 * 1024
DIFF_FILES = 50
DIFF_LINES = 2000  # per file: a longer diff is cut, and says so


class NoDiff(StrEnum):
    TOO_LARGE = "larger than 256 KiB"
    BINARY = "not text"
    OVER_LIMIT = f"past the first {DIFF_FILES} diffs"


@dataclass(frozen=True)
class TextDiff:
    """A changed file with its unified diff lines, or why it has none."""

    file: FileDiff
    lines: tuple[str, ...] = ()
    cut: bool = False  # more lines than DIFF_LINES
    reason: NoDiff | None = None


def text_diffs(changed: list[FileDiff], *, base: str, head: str) -> list[TextDiff]:
    """Diffs of `changed` files (labelled `base`/`head`, e.g. `v3`/`v7`), in their order."""
    diffs, read = [], 0
    for file in changed:
        if file.change != Change.CHANGED:
            continue
        if max(file.a_size, file.b_size) >= TEXT_LIMIT:
            diffs.append(TextDiff(file, reason=NoDiff.TOO_LARGE))
            continue
        if read >= DIFF_FILES:
            diffs.append(TextDiff(file, reason=NoDiff.OVER_LIMIT))
            continue
        read += 1
        old, new = _text(file.a_digest), _text(file.b_digest)
        if old is None or new is None:
            diffs.append(TextDiff(file, reason=NoDiff.BINARY))
            continue
        lines = difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            fromfile=f"{base}/{file.path}",
            tofile=f"{head}/{file.path}",
            lineterm="",
        )
        kept = []
        for line in lines:
            if len(kept) == DIFF_LINES:
                diffs.append(TextDiff(file, tuple(kept), cut=True))
                break
            kept.append(line)
        else:
            diffs.append(TextDiff(file, tuple(kept)))
    return diffs


def _text(digest: str) -> str | None:
    data = b"".join(iter_blob(Blob(sha256=digest)))
    if b"\x00" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
