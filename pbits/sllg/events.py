"""Switching events counted on the fly: a hysteretic detector on p = m.axis, carried through the time loop.

State +1 above ``hi``, -1 below ``lo``, else unchanged (0 before the first crossing is never used: the state
starts from the sign of p). A switch is a change between +1 and -1; a dwell is the time between two switches
(completed) or since the last one (open, censored). With many magnets these give escape rates and mean
first-passage times without storing trajectories (docs/physics.md §3.2, oracle O8).
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike


class Events(NamedTuple):
    """Hysteretic switching detector on p = m.axis: state +1 above ``hi``, -1 below ``lo``."""

    axis: ArrayLike = (0.0, 0.0, 1.0)  # projection axis, (3,) or (3, N) [-]
    lo: ArrayLike = -0.5  # lower threshold [-]
    hi: ArrayLike = 0.5  # upper threshold [-]


class EventCarry(NamedTuple):
    """Per-magnet counters carried through the time loop (int32 arrays, times in steps)."""

    state: jax.Array  # (N,) current hysteretic state +1/-1
    last: jax.Array  # (N,) step of the last switch (or of the first entry), -1 before
    first: jax.Array  # (N,) step of the first switch, -1 before
    n_switches: jax.Array  # (N,) switches so far
    dwell_sum: jax.Array  # (2, N) total length of completed dwells in +1 (row 0) and -1 (row 1) [steps]
    dwell_count: jax.Array  # (2, N) completed dwells per state
    occupancy: jax.Array  # (2, N) steps spent in each state
    exits: jax.Array  # (2, N) switches out of each state


class EventStats(NamedTuple):
    """Per-magnet switching statistics accumulated on the fly (times in seconds)."""

    n_switches: np.ndarray  # number of switches (N,)
    first_time: np.ndarray  # time of the first switch, NaN if none [s] (first-passage time)
    state: np.ndarray  # final state +1/-1 (N,)
    dwell_sum: np.ndarray  # (2, N): total length of completed dwells in state +1 (row 0) and -1 (row 1) [s]
    dwell_count: np.ndarray  # (2, N): number of completed dwells in each state
    open_time: np.ndarray  # (N,) time spent since the last switch (or since t = 0) [s]
    occupancy: np.ndarray  # (2, N): total time in state +1 (row 0) and -1 (row 1), censored dwells included [s]
    exits: np.ndarray  # (2, N): number of switches out of state +1 (row 0) and -1 (row 1)


def start(events: Events, m0, dtype) -> tuple[EventCarry, tuple]:
    """The initial carry (state = sign of m0.axis) and the detector parameters (unit axis, lo, hi) as arrays."""
    ax = jnp.asarray(events.axis, dtype=dtype)
    ax = ax / jnp.sqrt(jnp.sum(ax * ax, axis=0))
    par = (ax, jnp.asarray(events.lo, dtype=dtype), jnp.asarray(events.hi, dtype=dtype))
    n = m0.shape[1]
    p0 = jnp.sum(m0 * (ax if ax.ndim == 2 else ax[:, None]), axis=0)
    z, z2 = jnp.zeros(n, jnp.int32), jnp.zeros((2, n), jnp.int32)
    none = jnp.full(n, -1, jnp.int32)
    return EventCarry(jnp.where(p0 >= 0, 1, -1).astype(jnp.int32), none, none, z, z2, z2, z2, z2), par


def update(ev: EventCarry, par, m, n) -> EventCarry:
    """The carry after step ``n`` (1-based) with magnetisation ``m`` (an (x, y, z) tuple)."""
    axis, lo, hi = par
    p = m[0] * axis[0] + m[1] * axis[1] + m[2] * axis[2]
    s = ev.state
    s_new = jnp.where(p > hi, 1, jnp.where(p < lo, -1, s))
    switched = (s_new != s) & (s != 0)
    complete = switched & (ev.last >= 0)
    dwell = jnp.where(complete, n - ev.last, 0)
    up = s == 1
    entered = switched | ((s == 0) & (s_new != 0))
    return EventCarry(
        state=s_new, last=jnp.where(entered, n, ev.last), first=jnp.where(switched & (ev.first < 0), n, ev.first),
        n_switches=ev.n_switches + switched.astype(jnp.int32),
        dwell_sum=ev.dwell_sum + jnp.stack([jnp.where(up, dwell, 0), jnp.where(up, 0, dwell)]),
        dwell_count=ev.dwell_count + jnp.stack([complete & up, complete & ~up]).astype(jnp.int32),
        occupancy=ev.occupancy + jnp.stack([s_new == 1, s_new == -1]).astype(jnp.int32),
        exits=ev.exits + jnp.stack([switched & up, switched & ~up]).astype(jnp.int32))


def stats(ev: EventCarry, n_steps: int, dt: float) -> EventStats:
    """Seconds and counts (numpy) from the carry after ``n_steps`` steps of ``dt`` [s]."""
    e = EventCarry(*(np.asarray(x) for x in ev))
    return EventStats(e.n_switches, np.where(e.first >= 0, e.first * dt, np.nan), e.state, e.dwell_sum * dt,
                      e.dwell_count, (n_steps - np.maximum(e.last, 0)) * dt, e.occupancy * dt, e.exits)
