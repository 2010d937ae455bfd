"""Keep a few megabytes of freed heap in the process between forecasts.

A forecast allocates and frees a few hundred kilobytes of numpy temporaries (arrays of
about 60 KB each). glibc hands free memory at the top of its heap back to the operating
system as soon as more than 128 KB collects there, so the next forecast takes every page
back by a page fault: about 75 per forecast, measured as 35-40% of a forecast's time on
the 2-core VMs this runs on (`python -m benchmarks core`). A trim threshold of 4 MB keeps
those pages; a process then holds at most 4 MB it is not using. Larger blocks are still
mapped and returned on their own (glibc's mmap threshold), so big one-off arrays are not
kept. Where the C library is not glibc, or the user has set MALLOC_TRIM_THRESHOLD_
themselves, nothing changes.
"""

from __future__ import annotations

import ctypes
import os
import sys

M_TRIM_THRESHOLD = -1  # glibc's mallopt parameter number (malloc.h)
KEEP_BYTES = 4 * 2**20


def keep_freed_heap() -> bool:
    """Raise glibc's trim threshold once per process; True if this call set it."""
    if not sys.platform.startswith("linux") or "MALLOC_TRIM_THRESHOLD_" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process already uses
    except (OSError, AttributeError):  # not glibc (e.g. musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_TRIM_THRESHOLD, KEEP_BYTES))
