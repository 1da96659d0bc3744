"""Values built from data files and kept in memory, rebuilt when a file is replaced.

Several app servers (and workers) on one database each hold their own copy of the road graph
and of the gazetteer. When a file is replaced (``fieldcrm roads fetch``, a new communes file),
every process must notice on its own: :class:`FileBacked` keeps the files' stamps (inode,
modification time in ns, size) taken when it built its value, and compares them with the
files on disk at most once every ``check_every_s`` seconds (a few ``stat`` calls, no read).
A changed stamp rebuilds the value; a file replaced by a rename changes its inode even when
its time and size are equal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

CHECK_EVERY_S = 5.0
"""How stale an in-memory copy may be after its file is replaced, in seconds."""

FileStamp = tuple[str, int, int, int]
"""(path, inode, modification time in ns, size) of one file; size -1 when it is missing."""


def stamps(paths: Iterable[Path]) -> tuple[FileStamp, ...]:
    """The stamp of each file of ``paths`` (a missing file has its own stamp, not an error)."""
    out: list[FileStamp] = []
    for path in paths:
        try:
            info = path.stat()
        except FileNotFoundError:
            out.append((str(path), 0, 0, -1))
            continue
        out.append((str(path), info.st_ino, info.st_mtime_ns, info.st_size))
    return tuple(out)


class FileBacked(Generic[T]):
    """A value built from files, rebuilt when one of them changes (checked at most once every
    ``check_every_s`` seconds, :data:`CHECK_EVERY_S` by default). Thread-safe: one build at a
    time."""

    def __init__(
        self,
        build: Callable[[], T],
        files: Callable[[], Sequence[Path]],
        *,
        check_every_s: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._build = build
        self._files = files
        self.check_every_s = check_every_s
        self._clock = clock
        self._lock = threading.Lock()
        self._value: T | None = None
        self._built = False
        self._stamps: tuple[FileStamp, ...] = ()
        self._checked_at = 0.0
        self.builds = 0
        """How many times the value was built (1 unless a file changed)."""

    @property
    def loaded(self) -> bool:
        """Whether the value is in memory."""
        return self._built

    def get(self) -> T:
        """The value, rebuilt first if a file changed since it was built."""
        with self._lock:
            now = self._clock()
            every = CHECK_EVERY_S if self.check_every_s is None else self.check_every_s
            if self._built and now - self._checked_at < every:
                return self._value  # type: ignore[return-value]
            current = stamps(self._files())  # before the build: a change during it shows next
            self._checked_at = now
            if not self._built or current != self._stamps:
                self._value = self._build()
                self._built = True
                self._stamps = current
                self.builds += 1
            return self._value  # type: ignore[return-value]

    def clear(self) -> None:
        """Forget the value: the next :meth:`get` builds it."""
        with self._lock:
            self._value, self._built, self._stamps = None, False, ()
