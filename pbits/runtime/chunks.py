"""The one chunked driver loop of every long run: sLLG integration, annealing, tempering, device networks,
learning and factoring restarts.

A long run is cut into chunks (a compiled ``lax.scan`` each, of static length). Between chunks, in Python,
the loop asks whether to stop -- a target reached, a wall-clock time limit, the caller's ``progress``
callback returning True, Ctrl-C -- reports progress and saves a checkpoint. The drivers make every random
number a function of the key and the global step (``fold_in(key, t)``), so the chunk length never changes a
result and a resumed run continues bit for bit.

The protocol, shared by every driver of both packages:

* ``advance(state, done, m) -> (state, record)`` runs ``m`` units (steps, sweeps, epochs, restarts) from
  ``done``; ``record`` is the chunk's small trace (a NamedTuple of arrays or numbers);
* ``progress(done, total, record) -> bool | None`` is called after each chunk; returning True stops the
  run (``stopped = "interrupt"``). The library never draws anything: progress bars belong to the faces;
* ``stop(state, done) -> str | None`` names a reason to stop before the next chunk (e.g. ``"target"``);
* ``save(loop)`` receives the :class:`Loop` so far after every chunk and once at the end (checkpoints);
* ``total`` is a number of units, or a callable ``total(done, elapsed) -> int`` evaluated before every
  chunk, so a driver can size its schedule at run time (from the measured cost of the first chunks).

With several processes (``jax.distributed``), the time limit and the callback of process 0 decide for all
(:func:`pbits.runtime.sharding.agree`); a target is computed alike on every process, and a callable
``total`` must then give the same answer on every process.
"""
from __future__ import annotations

import time
from typing import Any, Callable, NamedTuple

import numpy as np

from pbits.runtime import sharding

STOPS = ("done", "target", "time_limit", "interrupt", "keyboard")


class Loop(NamedTuple):
    """Where a chunked run stands (and, at the end, how it ended)."""

    state: Any  # the driver's state after the last finished chunk
    done: int  # units done (including those before a resume)
    stopped: str  # one of STOPS ("done" while running)
    records: tuple  # one record per chunk of this call, as returned by ``advance``
    times: np.ndarray  # (chunks,) elapsed seconds at the end of each chunk (``elapsed0`` included) [s]
    dones: np.ndarray  # (chunks,) units done at the end of each chunk


def run_chunks(advance: Callable, state, *, total: int | Callable[[int, float], int], chunk: int, done: int = 0,
               time_limit: float | None = None, stop: Callable | None = None, progress: Callable | None = None,
               save: Callable[[Loop], None] | None = None, t_start: float | None = None,
               elapsed0: float = 0.0) -> Loop:
    """Run ``advance`` chunk by chunk until ``total`` units are done or a stop rule fires.

    Args:
        advance: ``advance(state, done, m) -> (state, record)`` for ``1 <= m <= chunk`` units.
        state: the initial state.
        total: units to do, or ``total(done, elapsed) -> int`` re-evaluated before every chunk.
        chunk: largest number of units per call of ``advance``.
        done: units already done (a resumed run).
        time_limit: wall seconds since ``t_start``; checked between chunks, after at least one chunk of
            this call, so a run always makes progress.
        stop: ``stop(state, done) -> reason | None``, checked before every chunk and at the end.
        progress: ``progress(done, total, record) -> bool | None`` after every chunk; True stops the run.
        save: ``save(loop)`` after every chunk and once at the end (Ctrl-C included).
        t_start: ``time.perf_counter()`` at the start of the driver (default: now), so that its set-up and
            compilation count towards ``time_limit``.
        elapsed0: seconds spent before a resume, added to :attr:`Loop.times`.

    Returns:
        The final :class:`Loop`; ``stopped`` is "done", "target" (or the reason ``stop`` gave), "time_limit",
        "interrupt" (``progress`` returned True) or "keyboard" (Ctrl-C; the last finished chunk is kept).

    Example:
        >>> out = run_chunks(lambda s, d, m: (s + m, m), 0, total=10, chunk=4)
        >>> out.state, out.records, out.dones.tolist(), out.stopped
        (10, (4, 4, 2), [4, 8, 10], 'done')
    """
    if int(chunk) != chunk or chunk < 1:
        raise ValueError(f"run_chunks: chunk must be a positive integer, got {chunk!r}")
    t_start = time.perf_counter() if t_start is None else t_start
    size = total if callable(total) else (lambda d, e: total)
    records, times, dones = [], [], []
    done0, stopped = done, "done"

    def snapshot(why):
        return Loop(state, done, why, tuple(records), np.asarray(times, float), np.asarray(dones, int))

    try:
        while True:
            elapsed = time.perf_counter() - t_start
            goal = int(size(done, elapsed))
            reason = stop(state, done) if stop is not None else None
            if reason is None and done >= goal:
                break
            if reason is None:
                late = time_limit is not None and done > done0 and elapsed >= time_limit
                reason = sharding.agree("time_limit" if late else None, ("time_limit", "interrupt"))
            if reason:
                stopped = reason
                break
            m = min(int(chunk), goal - done)
            state, record = advance(state, done, m)
            done += m
            records.append(record)
            times.append(elapsed0 + time.perf_counter() - t_start)
            dones.append(done)
            asked = bool(progress(done, goal, record)) if progress is not None else False
            if sharding.agree("interrupt" if asked else None, ("time_limit", "interrupt")):
                stopped = "interrupt"
                break
            if save is not None:
                save(snapshot("done"))
    except KeyboardInterrupt:
        stopped = "keyboard"
    out = snapshot(stopped)
    if save is not None:
        save(out)
    return out
