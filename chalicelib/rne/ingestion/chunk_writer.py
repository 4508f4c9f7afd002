"""Writing a first snapshot's chunks while the next rows are read."""

from __future__ import annotations

import contextvars
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

_Result = TypeVar("_Result")


class ChunkWriter:
    """Writes chunks in background threads, two at once, at most AHEAD behind the reading;
    each chunk's checkpoint is then taken in the reading thread, in the order of the file,
    and never after a chunk that failed."""

    AHEAD = 3
    WORKERS = 2

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self.WORKERS, thread_name_prefix="rne-chunk")
        self._pending: deque[tuple[Future[Any], Callable[[Any], None]]] = deque()

    def submit(self, write: Callable[[], _Result], then: Callable[[_Result], None]) -> None:
        """`write` in the background; `then(its result)` here once it and those before are
        done."""
        while len(self._pending) >= self.AHEAD:
            self._finish_oldest()
        future = self._pool.submit(contextvars.copy_context().run, write)
        self._pending.append((future, then))

    def wait(self) -> None:
        while self._pending:
            self._finish_oldest()

    def _finish_oldest(self) -> None:
        future, then = self._pending.popleft()
        then(future.result())  # re-raises a failed chunk's error: no checkpoint after it

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
