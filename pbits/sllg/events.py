"""Switching events counted on the fly: a hysteretic detector on p = m.axis, carried through the time loop.

State +1 above ``hi``, -1 below ``lo``, else unchanged (0 before the first crossing is never used: the state
starts from the sign of p). A switch is a change between +1 and -1; a dwell is the time between two switches
(completed) or since the last one (open, censored). With many magnets these give escape rates and mean
first-passage times without storing trajectories (docs/physics.md §3.2, oracle O8).

Continuous-time detection from a discrete path. Checking p once per step misses the crossings the continuous
path makes between steps, so first-passage and dwell times come out long by O(sqrt(dt)) (+4 % for T(1 -> 0) at
Delta = 4, gamma0 H_K dt = 0.01). With ``continuity=True`` (default) the detector uses the continuity correction of
Broadie, Glasserman & Kou, Math. Finance 7, 325 (1997): a discretely monitored barrier b acts like a continuously
monitored one at b -+ beta_c sigma sqrt(dt), beta_c = -zeta(1/2)/sqrt(2 pi) = 0.5826, so the discrete detector
checks b moved *towards* the state being left by beta_c sigma sqrt(dt). sigma^2 = (1 - b^2)/tau_N is the diffusion
rate of p = m.axis at p = b for Brown's thermal field (docs/physics.md §3.2: D(x) = (1 - x^2)/(2 tau_N)); the integrator
passes dt/tau_N per magnet. The crossing time is then interpolated linearly within the step. What remains is the
O(dt) weak error of the integrator.
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
    continuity: bool = True  # continuous-time detection (barrier continuity correction + interpolated times)


BETA_C = 0.5825971579390106  # -zeta(1/2)/sqrt(2 pi), Broadie, Glasserman & Kou (1997)


class EventCarry(NamedTuple):
    """Per-magnet counters carried through the time loop (int32 arrays, times in steps)."""

    state: jax.Array  # (N,) current hysteretic state +1/-1
    last: jax.Array  # (N,) time of the last switch (or of the first entry), -1 before [steps, float]
    first: jax.Array  # (N,) time of the first switch, -1 before [steps, float]
    n_switches: jax.Array  # (N,) switches so far
    dwell_sum: jax.Array  # (2, N) total length of completed dwells in +1 (row 0) and -1 (row 1) [steps, float]
    dwell_count: jax.Array  # (2, N) completed dwells per state
    occupancy: jax.Array  # (2, N) steps spent in each state
    exits: jax.Array  # (2, N) switches out of each state
    prev: jax.Array  # (N,) p = m.axis at the previous step [-]


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


def start(events: Events, m0, dtype, dt_over_tau=0.0) -> tuple[EventCarry, tuple]:
    """The initial carry (state = sign of m0.axis) and the detector parameters (unit axis, lo, hi) as arrays.

    ``dt_over_tau`` is dt/tau_N per magnet (0: no thermal noise); with ``events.continuity`` the thresholds are
    moved by BETA_C sqrt((1 - b^2) dt/tau_N) towards the state being left (module docstring).
    """
    ax = jnp.asarray(events.axis, dtype=dtype)
    ax = ax / jnp.sqrt(jnp.sum(ax * ax, axis=0))
    lo, hi = jnp.asarray(events.lo, dtype=dtype), jnp.asarray(events.hi, dtype=dtype)
    if events.continuity:
        k = jnp.asarray(np.nan_to_num(np.asarray(dt_over_tau, dtype=float), nan=0.0, posinf=0.0), dtype=dtype)
        lo = lo + BETA_C * jnp.sqrt(jnp.maximum(1 - lo * lo, 0.0) * k)
        hi = hi - BETA_C * jnp.sqrt(jnp.maximum(1 - hi * hi, 0.0) * k)
    par = (ax, lo, hi, jnp.asarray(1.0 if events.continuity else 0.0, dtype))
    n = m0.shape[1]
    p0 = jnp.sum(m0 * (ax if ax.ndim == 2 else ax[:, None]), axis=0)
    z, z2 = jnp.zeros(n, jnp.int32), jnp.zeros((2, n), jnp.int32)
    none = jnp.full(n, -1.0, dtype)
    return EventCarry(jnp.where(p0 >= 0, 1, -1).astype(jnp.int32), none, none, z, jnp.zeros((2, n), dtype), z2, z2, z2,
                      p0.astype(dtype)), par


def update(ev: EventCarry, par, m, n) -> EventCarry:
    """The carry after step ``n`` (1-based) with magnetisation ``m`` (an (x, y, z) tuple)."""
    axis, lo, hi, interp = par
    p = m[0] * axis[0] + m[1] * axis[1] + m[2] * axis[2]
    s = ev.state
    s_new = jnp.where(p > hi, 1, jnp.where(p < lo, -1, s))
    switched = (s_new != s) & (s != 0)
    # the crossing time, interpolated linearly within the step (interp = 1) or the end of the step (interp = 0)
    thr = jnp.where(s_new > 0, hi, lo)
    frac = jnp.clip((ev.prev - thr) / jnp.where(ev.prev != p, ev.prev - p, 1.0), 0.0, 1.0)
    t = jnp.asarray(n, p.dtype) - jnp.where(switched, interp * (1 - frac), 0.0)
    complete = switched & (ev.last >= 0)
    dwell = jnp.where(complete, t - ev.last, 0.0)
    up = s == 1
    entered = switched | ((s == 0) & (s_new != 0))
    return EventCarry(
        state=s_new, last=jnp.where(entered, t, ev.last), first=jnp.where(switched & (ev.first < 0), t, ev.first),
        n_switches=ev.n_switches + switched.astype(jnp.int32),
        dwell_sum=ev.dwell_sum + jnp.stack([jnp.where(up, dwell, 0.0), jnp.where(up, 0.0, dwell)]),
        dwell_count=ev.dwell_count + jnp.stack([complete & up, complete & ~up]).astype(jnp.int32),
        occupancy=ev.occupancy + jnp.stack([s_new == 1, s_new == -1]).astype(jnp.int32),
        exits=ev.exits + jnp.stack([switched & up, switched & ~up]).astype(jnp.int32), prev=p)


def stats(ev: EventCarry, n_steps: int, dt: float) -> EventStats:
    """Seconds and counts (numpy) from the carry after ``n_steps`` steps of ``dt`` [s]."""
    e = EventCarry(*(np.asarray(x, dtype=np.float64) if x.dtype.kind == "f" else np.asarray(x) for x in ev))
    return EventStats(e.n_switches, np.where(e.first >= 0, e.first * dt, np.nan), e.state, e.dwell_sum * dt,
                      e.dwell_count, (n_steps - np.maximum(e.last, 0)) * dt, e.occupancy * dt, e.exits)
