"""Observables: dwell times, switching events, switching probability, critical current, <m>, tau_int.

Trace-based functions take numpy arrays of shape (n_records, N) (time first, one column per magnet),
as returned in ``sllg.simulate(...).trace``. Simulation-based functions call :func:`pbits.sllg.simulate`
with many magnets in one vectorised run. Physics: PHYSICS.md §3 (Brown, Phys. Rev. 130, 1677 (1963);
Sun, PRB 62, 570 (2000); Liu et al., Science 336, 555 (2012)); device of Choi et al., Nature
Communications 2025, doi:10.1038/s41467-025-61073-w.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from pbits import constants as C
from pbits import magnet as _magnet
from pbits import sllg


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
    (PHYSICS.md §7, O8: thresholds +-0.5).

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
    2 tau_int-like for a symmetric double well (PHYSICS.md §3.2, O8).

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
    ``dt``). Oracle: tau_int/tau_N of PHYSICS.md §3.2 (Coffey et al., PRE 49, 1869 (1994)).

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


# ---------------------------------------------------------------------------------------------
# zero-temperature thresholds


def critical_field(mag: _magnet.Magnet) -> np.ndarray:
    """Damping-like field [A/m] at the zero-temperature instability for sigma || easy axis.

    H_DL,c = alpha (H_1 + H_2)/2 with H_1, H_2 the perpendicular stiffnesses: in-plane type-y
    SOT alpha (H_K + H_D/2) (Liu et al., Science 336, 555 (2012); Sun, PRB 62, 570 (2000)), PMA with
    collinear torque alpha H_K,eff (PHYSICS.md §3.3). Device of Choi et al., Nat. Commun. 2025,
    doi:10.1038/s41467-025-61073-w.

    Example:
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.01, hk=2e4,
        ...                    easy_axis=(0, 1, 0), demag=(0, 0, 1))
        >>> float(critical_field(mag))
        5200.0
    """
    h1, h2 = _magnet.stiffness(mag)
    return np.asarray(mag.alpha, dtype=float) * (h1 + h2) / 2


def critical_current(device: sllg.Device) -> np.ndarray:
    """Zero-temperature critical current I_c0 [A] for a drive whose sigma is along the easy axis.

    I_c0 = H_DL,c / (H_DL per ampere), see :func:`critical_field` (PHYSICS.md §3.3). Raises if sigma is
    not collinear with the easy axis (then use :func:`threshold_current`, a T = 0 simulation).

    Example:
        >>> from pbits import torques
        >>> mag = _magnet.preset("ni_afmi")
        >>> dev = sllg.Device(mag, torques.drive_self(torques.preset_self("ni"), mag))
        >>> round(float(critical_current(dev)) * 1e3, 2)  # mA
        0.21
    """
    s = np.asarray(device.drive.sigma, dtype=float)
    n = np.asarray(device.magnet.easy_axis, dtype=float)
    if np.any(np.abs(np.abs(np.sum(s * n, axis=0)) - 1) > 1e-6):
        raise ValueError("observables.critical_current: the drive's sigma is not along the easy axis; "
                         "use observables.threshold_current (a T = 0 simulation) instead")
    return critical_field(device.magnet) / np.abs(np.asarray(device.drive.dl, dtype=float))


def _perp(n: np.ndarray) -> np.ndarray:
    ref = np.array([1.0, 0.0, 0.0]) if abs(n[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    p = np.cross(n, ref)
    return p / np.linalg.norm(p)


def threshold_current(device: sllg.Device, currents: ArrayLike, *, width: float, dt: float, settle: float = 0.0,
                      tilt: float = 0.01) -> tuple[float, np.ndarray]:
    """Smallest current [A] of ``currents`` that switches the magnet at T = 0 (one vectorised run).

    Each current drives one copy of the magnet, started at -n tilted by ``tilt`` rad, for ``width`` [s],
    then relaxes for ``settle`` [s] with no current; switched means m.n > 0 at the end (PHYSICS.md §3.3,
    oracles O14, O15).

    Returns:
        (threshold or NaN, switched boolean array per current).

    Example:
        >>> from pbits import torques
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=1e5, temperature=0.0)
        >>> dev = sllg.Device(mag, torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> i_c, sw = threshold_current(dev, [5e3, 5e4], width=2e-9, dt=2e-13)
        >>> i_c
        50000.0
    """
    currents = np.asarray(currents, dtype=float)
    mag = device.magnet._replace(temperature=np.zeros_like(np.asarray(device.magnet.temperature, dtype=float)))
    dev = device._replace(magnet=mag)
    n = np.asarray(mag.easy_axis, dtype=float)
    if n.ndim != 1:
        raise ValueError("observables.threshold_current: needs a single magnet (easy_axis of shape (3,))")
    m0 = -n * np.cos(tilt) + _perp(n) * np.sin(tilt)
    k = currents.size
    wf = sllg.pulses(np.stack([currents, np.zeros(k)]), [width, settle])
    n_steps = int(round((width + settle) / dt))
    r = sllg.simulate(jax.random.key(0), dev, np.tile(m0[:, None], (1, k)), dt=dt, n_steps=n_steps,
                      current=wf, record=(), record_every=max(n_steps, 1))
    switched = np.sum(r.m * n[:, None], axis=0) > 0
    return (float(currents[np.argmax(switched)]) if switched.any() else float("nan")), switched


class SwitchingCurve(NamedTuple):
    """Switching probability vs pulse amplitude."""

    currents: np.ndarray  # pulse amplitudes [A]
    probability: np.ndarray  # fraction of trials that switched [-]
    stderr: np.ndarray  # binomial standard error [-]
    width: float  # pulse width [s]


def switching_probability(key, device: sllg.Device, currents: ArrayLike, *, width: float, dt: float,
                          n_trials: int = 100, reset_current: float | None = None, reset_width: float | None = None,
                          settle: float | None = None, dtype=jnp.float32) -> SwitchingCurve:
    """Switching probability vs pulse amplitude for a pulse of ``width`` [s], with a reset pulse.

    All ``len(currents) * n_trials`` magnets run in one vectorised simulation: start at -n, reset pulse
    ``-reset_current`` for ``reset_width`` then ``settle`` [s] at zero current, then the write pulse
    I for ``width`` and ``settle`` again. A trial switched if sign(m.n) after the write differs from
    sign(m.n) after the reset. Thermally activated regime: P = 1 - exp(-t_p/tau(I)) (PHYSICS.md §3.3;
    Koch et al., PRL 92, 088302 (2004)); device of Choi et al., Nat. Commun. 2025,
    doi:10.1038/s41467-025-61073-w.

    Args:
        key: ``jax.random`` key.
        device: one magnet (easy axis shape (3,)) with its drive.
        currents: pulse amplitudes [A], shape (K,).
        width: write-pulse width [s].
        dt: time step [s].
        n_trials: trials per amplitude.
        reset_current: reset amplitude [A] (default: the largest |current|); 0 disables the reset.
        reset_width: reset width [s] (default: ``width``).
        settle: relaxation time after each pulse [s]; default three damping times
            3/(alpha gamma0 (H_1 + H_2)/2) (the small-angle decay rate about the easy axis).

    Returns:
        :class:`SwitchingCurve`.

    Example:
        >>> from pbits import torques
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=1e5, temperature=0.0)
        >>> dev = sllg.Device(mag, torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> curve = switching_probability(jax.random.key(0), dev, [0.0, 5e4], width=2e-9, dt=2e-13, n_trials=4,
        ...                               settle=5e-10, reset_current=0.0)
        >>> curve.probability.tolist()
        [0.0, 1.0]
    """
    currents = np.asarray(currents, dtype=float)
    if currents.ndim != 1 or currents.size == 0:
        raise ValueError(f"observables.switching_probability: currents must be a non-empty 1-D array [A], got {currents!r}")
    if n_trials < 1:
        raise ValueError(f"observables.switching_probability: n_trials must be >= 1, got {n_trials}")
    n = np.asarray(device.magnet.easy_axis, dtype=float)
    if n.ndim != 1:
        raise ValueError("observables.switching_probability: needs a single magnet (easy_axis of shape (3,))")
    k = currents.size
    if settle is None:
        h1, h2 = _magnet.stiffness(device.magnet)
        rate = float(np.min(np.asarray(device.magnet.alpha) * C.GAMMA0 * (h1 + h2) / 2))
        settle = 3 / rate if rate > 0 else width
    big = float(np.max(np.abs(currents))) if reset_current is None else float(reset_current)
    reset_width = width if reset_width is None else reset_width
    levels = np.repeat(currents, n_trials)
    nm = levels.size
    m0 = np.tile((-n * np.cos(0.01) + _perp(n) * np.sin(0.01))[:, None], (1, nm)).astype(dtype)
    k1, k2 = jax.random.split(key)
    ax = np.asarray(n)[:, None]
    steps_r = int(round((reset_width + settle) / dt))
    r = sllg.simulate(k1, device, m0, dt=dt, n_steps=steps_r, record=(), record_every=max(steps_r, 1),
                      current=sllg.pulses(np.array([-big, 0.0]), [reset_width, settle]))
    s_reset = np.sign(np.sum(r.m * ax, axis=0))
    steps_w = int(round((width + settle) / dt))
    w = sllg.simulate(k2, device, r.m, dt=dt, n_steps=steps_w, record=(), record_every=max(steps_w, 1),
                      current=sllg.pulses(np.stack([levels, np.zeros(nm)]), [width, settle]))
    s_write = np.sign(np.sum(w.m * ax, axis=0))
    p = (s_write != s_reset).reshape(k, n_trials).mean(axis=1)
    return SwitchingCurve(currents, p, np.sqrt(p * (1 - p) / n_trials), float(width))


def suggest_dt(device: sllg.Device, *, angle: float = 0.02, max_current: float = 0.0) -> float:
    """A time step [s] with gamma0 |H_max| dt = ``angle`` rad (PHYSICS.md §2.5: 0.02-0.05 rad).

    Example:
        >>> dt = suggest_dt(sllg.Device(_magnet.preset("pma")))
        >>> 1e-13 < dt < 1e-11
        True
    """
    mag = device.magnet
    dt = angle / (C.GAMMA0 * sllg.max_field(device, max_current))
    tau_n = float(np.min(_magnet.derived(mag).tau_n))
    return min(dt, 0.005 * tau_n) if np.isfinite(tau_n) else dt


class Rates(NamedTuple):
    """Escape rates out of the +1 and -1 states (censored-exponential maximum likelihood)."""

    rate: np.ndarray  # (2,) exits / occupancy for states +1, -1 [1/s]
    stderr: np.ndarray  # (2,) rate / sqrt(exits) [1/s]
    exits: np.ndarray  # (2,) number of exits


def escape_rates(stats: sllg.EventStats) -> Rates:
    """Escape rate of each hysteretic state from on-the-fly event statistics of many magnets.

    Gamma_s = (number of exits from s) / (total time spent in s), the maximum-likelihood rate of an
    exponential waiting time with censoring; mean dwell time = 1/Gamma_s (Brown 1963, PHYSICS.md §3.2:
    lambda_1 = Gamma_+ + Gamma_-; Choi et al., Nat. Commun. 2025, doi:10.1038/s41467-025-61073-w).

    Example:
        >>> st = sllg.EventStats(*([None] * 6), occupancy=np.array([[4.0], [2.0]]), exits=np.array([[2], [1]]))
        >>> escape_rates(st).rate.tolist()
        [0.5, 0.5]
    """
    occ = np.asarray(stats.occupancy, dtype=float).sum(axis=1)
    ex = np.asarray(stats.exits, dtype=float).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = ex / occ
        return Rates(rate, rate / np.sqrt(ex), ex.astype(int))


def current_scale(device: sllg.Device) -> float:
    """A characteristic switching current [A]: I_c0 for sigma || easy axis, else the Lee et al. estimate.

    sigma || n: :func:`critical_current`. Otherwise (PMA with in-plane sigma): (H_K,eff/2 - H_x/sqrt 2)/(H_DL/I),
    with H_x the applied field along x, the current direction (Lee, Lee, Min & Lee, APL 102, 112410 (2013);
    PHYSICS.md §3.3, a +-20 % estimate). Device of Choi et al. 2025, doi:10.1038/s41467-025-61073-w.

    Example:
        >>> from pbits import torques
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=1e5)
        >>> current_scale(sllg.Device(mag, torques.Drive(1.0, 0.0, (0.0, 1.0, 0.0), (0.0, 0.0, 0.0))))
        50000.0
    """
    try:
        return float(np.max(critical_current(device)))
    except ValueError:
        h1 = float(np.max(_magnet.stiffness(device.magnet)[0]))
        hx = float(np.asarray(device.h_ext, dtype=float).reshape(3, -1)[0].max())
        return float(max(h1 / 2 - hx / np.sqrt(2), 0.0) / float(np.max(np.abs(device.drive.dl))))
