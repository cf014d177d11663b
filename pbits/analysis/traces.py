"""Statistics of recorded traces: switching events, dwell times, averages, autocorrelation, escape rates.

Trace functions take numpy arrays of shape (n_records, N) (time first, one column per magnet), as returned in
``sllg.simulate(...).trace``; :func:`escape_rates` takes the on-the-fly :class:`pbits.sllg.EventStats`.
Physics: docs/physics.md §3.2 (Brown, Phys. Rev. 130, 1677 (1963); Coffey et al., PRE 49, 1869 (1994)).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from jax.typing import ArrayLike

from pbits.sllg.events import EventStats


def _states(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Hysteretic state (+1 above hi, -1 below lo, else the previous state; 0 before the first crossing)."""
    x = np.asarray(x, dtype=float)
    s = np.zeros(x.shape, dtype=np.int8)
    cur = np.where(x[0] > hi, 1, np.where(x[0] < lo, -1, 0)).astype(np.int8)
    for t in range(x.shape[0]):
        cur = np.where(x[t] > hi, 1, np.where(x[t] < lo, -1, cur)).astype(np.int8)
        s[t] = cur
    return s


def switching_events(x: ArrayLike, *, lo: float = -0.5, hi: float = 0.5):
    """Switching events of a trace with hysteresis thresholds (lo, hi) on the projection x.

    A switch is a change of the hysteretic state between +1 (x > hi) and -1 (x < lo)
    (docs/physics.md §7, O8: thresholds +-0.5).

    Args:
        x: trace (n_records, N), e.g. m_z.
        lo, hi: thresholds.

    Returns:
        (record_index, magnet_index, new_state) integer arrays, in time order per magnet.

    Example:
        >>> t, i, s = switching_events(np.array([[0.9], [0.1], [-0.8], [0.7]]))
        >>> t.tolist(), s.tolist()
        ([2, 3], [-1, 1])
    """
    s = _states(np.asarray(x), lo, hi)
    prev = np.vstack([s[:1], s[:-1]])
    mask = (s != prev) & (prev != 0)
    t, i = np.nonzero(mask)
    order = np.lexsort((t, i))
    return t[order], i[order], s[t[order], i[order]].astype(int)


def dwell_times(x: ArrayLike, dt: float, *, lo: float = -0.5, hi: float = 0.5):
    """Completed dwell times [s] in the +1 and -1 states of a trace sampled every ``dt`` [s].

    The first (censored) dwell of each magnet is dropped. Mean dwell time between switches is
    2 tau_int-like for a symmetric double well (docs/physics.md §3.2, O8).

    Returns:
        (dwell_up, dwell_down): 1-D arrays of times [s].

    Example:
        >>> up, down = dwell_times(np.array([[0.9], [-0.9], [-0.9], [0.9], [-0.9]]), 1.0)
        >>> up.tolist(), down.tolist()
        ([1.0], [2.0])
    """
    t, i, s = switching_events(x, lo=lo, hi=hi)
    up, down = [], []
    for j in np.unique(i):
        tj, sj = t[i == j], s[i == j]
        d = np.diff(tj) * dt
        up += list(d[sj[:-1] == 1])
        down += list(d[sj[:-1] == -1])
    return np.asarray(up), np.asarray(down)


def time_average(x: ArrayLike, *, burn_in: int = 0):
    """Time- and ensemble-average of a trace after ``burn_in`` records, with its standard error.

    The standard error treats the N magnets as independent (each column's time average is one sample).

    Returns:
        (mean, standard_error).

    Example:
        >>> time_average(np.array([[1.0, -1.0], [1.0, -1.0]]))
        (0.0, 1.0)
    """
    x = np.asarray(x, dtype=float)[burn_in:]
    per = x.mean(axis=0)
    return float(per.mean()), float(per.std(ddof=1) / np.sqrt(per.size)) if per.size > 1 else float("nan")


def autocorrelation(x: ArrayLike, *, mean: float | None = None, max_lag: int | None = None) -> np.ndarray:
    """Normalised autocorrelation C(k)/C(0) of a trace (n_records, N), averaged over magnets (FFT).

    Args:
        x: trace; each column a stationary time series.
        mean: known mean (e.g. 0 by symmetry); default: the overall sample mean.
        max_lag: number of lags returned (default n_records // 2).

    Example:
        >>> c = autocorrelation(np.random.default_rng(0).normal(size=(4000, 4)), mean=0.0)
        >>> bool(abs(c[1]) < 0.05)
        True
    """
    x = np.asarray(x, dtype=float)
    t = x.shape[0]
    x = x - (x.mean() if mean is None else mean)
    f = np.fft.rfft(x, n=2 * t, axis=0)
    acf = np.fft.irfft(f * np.conj(f), axis=0)[:t].mean(axis=1) / np.arange(t, 0, -1)
    max_lag = t // 2 if max_lag is None else max_lag
    return acf[:max_lag] / acf[0]


def autocorrelation_time(x: ArrayLike, dt: float, *, mean: float | None = None, window: float = 6.0) -> float:
    """Integrated autocorrelation time tau_int = int_0^inf C(t)/C(0) dt [s] (Sokal's adaptive window).

    The sum runs to the smallest lag W with W >= ``window`` * tau(W) (trapezoid rule, records every
    ``dt``). Oracle: tau_int/tau_N of docs/physics.md §3.2 (Coffey et al., PRE 49, 1869 (1994)).

    Example:
        >>> rng = np.random.default_rng(1); x = np.zeros((20000, 8))
        >>> for k in range(1, 20000): x[k] = 0.9 * x[k - 1] + rng.normal(size=8)
        >>> round(autocorrelation_time(x, 1.0, mean=0.0), 0)  # (1 + 0.9)/(2 (1 - 0.9)) = 9.5
        9.0
    """
    c = autocorrelation(x, mean=mean)
    tau = 0.5
    for w in range(1, c.size):
        tau += c[w]
        if w >= window * tau:
            break
    return float(tau * dt)


class Rates(NamedTuple):
    """Escape rates out of the +1 and -1 states (censored-exponential maximum likelihood)."""

    rate: np.ndarray  # (2,) exits / occupancy for states +1, -1 [1/s]
    stderr: np.ndarray  # (2,) rate / sqrt(exits) [1/s]
    exits: np.ndarray  # (2,) number of exits


def escape_rates(stats: EventStats) -> Rates:
    """Escape rate of each hysteretic state from on-the-fly event statistics of many magnets.

    Gamma_s = (number of exits from s) / (total time spent in s), the maximum-likelihood rate of an
    exponential waiting time with censoring; mean dwell time = 1/Gamma_s (Brown 1963, docs/physics.md §3.2:
    lambda_1 = Gamma_+ + Gamma_-).

    Example:
        >>> st = EventStats(*([None] * 6), occupancy=np.array([[4.0], [2.0]]), exits=np.array([[2], [1]]))
        >>> escape_rates(st).rate.tolist()
        [0.5, 0.5]
    """
    occ = np.asarray(stats.occupancy, dtype=float).sum(axis=1)
    ex = np.asarray(stats.exits, dtype=float).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = ex / occ
        return Rates(rate, rate / np.sqrt(ex), ex.astype(int))
