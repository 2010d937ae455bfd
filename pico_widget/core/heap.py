"""Let the C library keep a forecast's freed memory instead of faulting it back each call.

A forecast allocates and frees numpy temporaries of 60-250 KB. In a fresh process glibc
hands freed memory at the top of its heap back to the system once more than 128 KB
collects there, so every forecast took its pages back by page faults: about 180 a call,
40% of a forecast's time on the 2-core VMs this runs on. glibc raises those thresholds by
itself once a larger block has been freed (the mmap threshold to that block's size, the
trim threshold to twice it; mallopt(3), "dynamic threshold"). Freeing one 4 MB block at
import does that once: blocks up to 4 MB then come from the heap and up to 8 MB of freed
memory is kept. Setting the thresholds with mallopt instead would switch that adjustment
off for the whole process, and a 2 MB numpy operation elsewhere ran 20 times slower.
Elsewhere than glibc this frees a block and changes nothing.
"""

from __future__ import annotations

import numpy as np

WARM_BYTES = 4 * 2**20


def warm_heap_thresholds() -> None:
    """Allocate and free one WARM_BYTES block (never touched, so it costs no page)."""
    np.empty(WARM_BYTES, dtype=np.uint8)
