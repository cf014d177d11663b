"""Memory before allocation: what this machine has free, and the one check that refuses a run that would not fit.

Drivers estimate the bytes a run needs from its shapes (replicas x spins, neighbour tables, traces, the
schedule chunk, sLLG magnets and records) before they allocate anything, and :func:`check` refuses an estimate
above the available memory with the estimate, what it is made of and the knob to turn, instead of an
allocation traceback or the out-of-memory killer.
"""
from __future__ import annotations

import os

GIB = 2.0**30


def available() -> float:
    """Bytes of memory available to new allocations (``MemAvailable`` of ``/proc/meminfo``; elsewhere the free
    physical pages), or infinity when the system does not say."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return float("inf")


def check(need: float, where: str, what: str, knob: str, *, fraction: float = 0.8) -> None:
    """Raise a ValueError if ``need`` bytes exceed ``fraction`` of the available memory.

    Args:
        need: estimated bytes.
        where: the function or command, for the message.
        what: what the estimate is made of (e.g. "2000 spins x 1e8 replicas").
        knob: what to lower (e.g. "--replicas").

    Example:
        >>> check(1e3, "demo", "a small run", "--replicas")
        >>> check(1e30, "demo", "1e30 bytes", "--replicas")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: demo: this run needs about 9.31e+20 GiB (1e30 bytes) but only ... GiB of memory are available; lower --replicas
    """
    free = available()
    if need > fraction * free:
        raise ValueError(f"{where}: this run needs about {need / GIB:.3g} GiB ({what}) but only "
                         f"{free / GIB:.3g} GiB of memory are available; lower {knob}")
