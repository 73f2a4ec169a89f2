"""One place that decides how many threads BLAS (OpenBLAS under numpy) may use.

OpenBLAS has a single, process-wide thread setting. Changing it from one thread while
another is inside a BLAS call is unsafe, and two overlapping limits from different threads
restore each other's values in the wrong order. So: a headless, single-threaded run (the
CLI, the benchmarks) may pick a count per task with ``blas_threads(n)``; a program that runs
BLAS on several threads at once (the GUI: training worker, task thread, GUI thread) calls
``fix_blas_threads(n)`` once at start-up, after which ``blas_threads`` changes nothing.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import numpy  # noqa: F401 - loads OpenBLAS, so the controller below finds it

_fixed: int | None = None


@functools.cache
def _controller():
    # One controller: scanning the loaded libraries costs 0.15 ms per call.
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def fix_blas_threads(n: int) -> None:
    """Set BLAS to ``n`` threads for the rest of the process; later requests are ignored."""
    global _fixed
    _controller().limit(limits=n, user_api="blas")  # kept: the returned limiter is not restored
    _fixed = n


def fixed_blas_threads() -> int | None:
    """The count fixed by ``fix_blas_threads``, or None when tasks may choose."""
    return _fixed


@contextlib.contextmanager
def blas_threads(n: int) -> Iterator[None]:
    """Run the block with ``n`` BLAS threads (a no-op once the count is fixed)."""
    if _fixed is not None:
        yield
        return
    with _controller().limit(limits=n, user_api="blas"):
        yield
