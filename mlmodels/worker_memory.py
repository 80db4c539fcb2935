"""The training worker's memory: a fit's large arrays kept on the allocator's heap.

Django-free, so a benchmark or a test process can set it up exactly as the worker does.
"""

from __future__ import annotations

from functools import cache

# glibc's mallopt parameters (malloc.h) and the sizes the training worker sets them to.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
HEAP_ARRAY_BYTES = 64 << 20
HEAP_KEEP_BYTES = 128 << 20


@cache
def keep_training_arrays_on_the_heap() -> bool:
    """Let this process's allocator serve arrays up to 64 MiB from its heap and keep up to
    128 MiB of freed heap, instead of mapping each large array anew and unmapping it at free.

    A fit allocates and frees arrays of a few MiB to a few tens (the history features, the
    standardised designs, the sparse Hessians) many times over. glibc maps every one above its
    starting threshold (128 KiB) and the kernel zero-fills each page at first touch: on 50,000
    attempts the learning kind's first fit in a process spent 0.1-0.3 s in those page faults
    (~50,000 of them; ~8,000 with this). Later fits were cheaper only because glibc raises the
    threshold as mapped arrays are freed. The worker is long-lived and trains only, so holding
    the freed memory for the next array costs it nothing. False where the C library is not
    glibc (the setting is skipped).
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, HEAP_ARRAY_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, HEAP_KEEP_BYTES)
    )
