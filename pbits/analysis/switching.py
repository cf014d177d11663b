"""Switching: zero-temperature thresholds and the switching probability vs pulse current.

Critical fields and currents follow the linear stability of the easy-axis state (Sun, PRB 62, 570 (2000);
Liu et al., Science 336, 555 (2012)); switching probabilities come from one vectorised sLLG run of many
magnets (docs/physics.md §3.3). The device is that of Choi et al., Nature Communications 2025,
doi:10.1038/s41467-025-61073-w, compared with a heavy-metal SOT baseline.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

import pbits.sllg as sllg
from pbits import constants as C
from pbits.device import magnet as _magnet
from pbits.device.stack import Device


def critical_field(mag: _magnet.Magnet) -> np.ndarray:
    """Damping-like field [A/m] at the zero-temperature instability for sigma || easy axis.

    H_DL,c = alpha (H_1 + H_2)/2 with H_1, H_2 the perpendicular stiffnesses: in-plane type-y
    SOT alpha (H_K + H_D/2) (Liu et al., Science 336, 555 (2012); Sun, PRB 62, 570 (2000)), PMA with
    collinear torque alpha H_K,eff (docs/physics.md §3.3). Device of Choi et al. 2025.

    Example:
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.01, hk=2e4,
        ...                    easy_axis=(0, 1, 0), demag=(0, 0, 1))
        >>> float(critical_field(mag))
        5200.0
    """
    h1, h2 = _magnet.stiffness(mag)
    return np.asarray(mag.alpha, dtype=float) * (h1 + h2) / 2


def critical_current(device: Device) -> np.ndarray:
    """Zero-temperature critical current I_c0 [A] for a drive whose sigma is along the easy axis.

    The field-like torque -gamma0 H_FL m x sigma and the Oersted field act as a field along the easy axis, which
    lowers the stiffness of the state being destabilised; with the damping-like threshold of :func:`critical_field`
    (Sun, PRB 62, 570 (2000); Liu et al., Science 336, 555 (2012)) the instability sits at

        I_c = alpha (H_1 + H_2)/2 / |g_DL s + alpha (g_FL s + g_Oe.n)|,   s = sigma.n = +-1,

    with g the per-ampere fields of the drive (docs/physics.md §3.3). Without an Oersted field this is
    I_c0/(1 + alpha beta_FL) with I_c0 = H_DL,c/g_DL (Taniguchi, Mitani & Hayashi, arXiv:1503.01478 discuss the
    field-like correction). Raises if sigma is not collinear with the easy axis (then use :func:`threshold_current`,
    a T = 0 simulation).

    Example:
        >>> from pbits.device import torques
        >>> mag = _magnet.preset("ni_afmi")
        >>> dev = Device(mag, torques.drive_self(torques.preset_self("ni")._replace(beta_fl=0.0), mag))
        >>> i_c0 = float(critical_current(dev))
        >>> dev_fl = Device(mag, torques.drive_self(torques.preset_self("ni")._replace(beta_fl=2.0), mag))
        >>> round(i_c0 / float(critical_current(dev_fl)), 4)  # 1 + alpha beta_FL = 1 + 0.03 * 2
        1.06
    """
    s = np.asarray(device.drive.sigma, dtype=float)
    n = np.asarray(device.magnet.easy_axis, dtype=float)
    s, n = np.broadcast_arrays(s, n)
    sn = np.sum(s * n, axis=0)
    if np.any(np.abs(np.abs(sn) - 1) > 1e-6):
        raise ValueError("switching.critical_current: the drive's sigma is not along the easy axis; "
                         "use switching.threshold_current (a T = 0 simulation) instead")
    oe = np.asarray(device.drive.oe, dtype=float)
    oe, n2 = np.broadcast_arrays(oe, n)
    oe_n = np.sum(oe * n2, axis=0)
    alpha = np.asarray(device.magnet.alpha, dtype=float)
    g = (np.asarray(device.drive.dl, dtype=float) * sn
         + alpha * (np.asarray(device.drive.fl, dtype=float) * sn + oe_n))
    with np.errstate(divide="ignore"):
        return critical_field(device.magnet) / np.abs(g)


def _perp(n: np.ndarray) -> np.ndarray:
    ref = np.array([1.0, 0.0, 0.0]) if abs(n[0]) < 0.9 else np.array([0.0, 1.0, 0.0])
    p = np.cross(n, ref)
    return p / np.linalg.norm(p)


def threshold_current(device: Device, currents: ArrayLike, *, width: float, dt: float, settle: float = 0.0,
                      tilt: float = 0.01) -> tuple[float, np.ndarray]:
    """Smallest current [A] of ``currents`` that switches the magnet at T = 0 (one vectorised run).

    Each current drives one copy of the magnet, started at -n tilted by ``tilt`` rad, for ``width`` [s],
    then relaxes for ``settle`` [s] with no current; switched means m.n > 0 at the end (docs/physics.md §3.3,
    oracles O14, O15).

    Returns:
        (threshold or NaN, switched boolean array per current).

    Example:
        >>> from pbits.device import torques
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=1e5, temperature=0.0)
        >>> dev = Device(mag, torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> i_c, sw = threshold_current(dev, [5e3, 5e4], width=2e-9, dt=2e-13)
        >>> i_c
        50000.0
    """
    currents = np.asarray(currents, dtype=float)
    mag = device.magnet._replace(temperature=np.zeros_like(np.asarray(device.magnet.temperature, dtype=float)))
    dev = device._replace(magnet=mag)
    n = np.asarray(mag.easy_axis, dtype=float)
    if n.ndim != 1:
        raise ValueError("switching.threshold_current: needs a single magnet (easy_axis of shape (3,))")
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


def switching_probability(key, device: Device, currents: ArrayLike, *, width: float, dt: float,
                          n_trials: int = 100, reset_current: float | None = None, reset_width: float | None = None,
                          settle: float | None = None, dtype=jnp.float32, progress=None) -> SwitchingCurve:
    """Switching probability vs pulse amplitude for a pulse of ``width`` [s], with a reset pulse.

    All ``len(currents) * n_trials`` magnets run in one vectorised simulation: start at -n, reset pulse
    ``-reset_current`` for ``reset_width`` then ``settle`` [s] at zero current, then the write pulse
    I for ``width`` and ``settle`` again. A trial switched if sign(m.n) after the write differs from
    sign(m.n) after the reset. Thermally activated regime: P = 1 - exp(-t_p/tau(I)) (docs/physics.md §3.3;
    Koch et al., PRL 92, 088302 (2004)); device of Choi et al. 2025.

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
        progress: ``progress(steps_done, steps, record)`` between chunks of the two sLLG runs (reset, write).

    Returns:
        :class:`SwitchingCurve`.

    Example:
        >>> from pbits.device import torques
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=1e5, temperature=0.0)
        >>> dev = Device(mag, torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> curve = switching_probability(jax.random.key(0), dev, [0.0, 5e4], width=2e-9, dt=2e-13, n_trials=4,
        ...                               settle=5e-10, reset_current=0.0)
        >>> curve.probability.tolist()
        [0.0, 1.0]
    """
    currents = np.asarray(currents, dtype=float)
    if currents.ndim != 1 or currents.size == 0:
        raise ValueError(f"switching.switching_probability: currents must be a non-empty 1-D array [A], got {currents!r}")
    if n_trials < 1:
        raise ValueError(f"switching.switching_probability: n_trials must be >= 1, got {n_trials}")
    n = np.asarray(device.magnet.easy_axis, dtype=float)
    if n.ndim != 1:
        raise ValueError("switching.switching_probability: needs a single magnet (easy_axis of shape (3,))")
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
                      current=sllg.pulses(np.array([-big, 0.0]), [reset_width, settle]), progress=progress)
    s_reset = np.sign(np.sum(r.m * ax, axis=0))
    steps_w = int(round((width + settle) / dt))
    w = sllg.simulate(k2, device, r.m, dt=dt, n_steps=steps_w, record=(), record_every=max(steps_w, 1),
                      current=sllg.pulses(np.stack([levels, np.zeros(nm)]), [width, settle]), progress=progress)
    s_write = np.sign(np.sum(w.m * ax, axis=0))
    p = (s_write != s_reset).reshape(k, n_trials).mean(axis=1)
    return SwitchingCurve(currents, p, np.sqrt(p * (1 - p) / n_trials), float(width))


def current_scale(device: Device) -> float:
    """A characteristic switching current [A]: I_c0 for sigma || easy axis, else the Lee et al. estimate.

    sigma || n: :func:`critical_current`. Otherwise (PMA with in-plane sigma): (H_K,eff/2 - H_x/sqrt 2)/(H_DL/I),
    with H_x the applied field along x, the current direction (Lee, Lee, Min & Lee, APL 102, 112410 (2013);
    docs/physics.md §3.3, a +-20 % estimate). Device of Choi et al. 2025.

    Example:
        >>> from pbits.device import torques
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=1e5)
        >>> current_scale(Device(mag, torques.Drive(1.0, 0.0, (0.0, 1.0, 0.0), (0.0, 0.0, 0.0))))
        50000.0
    """
    try:
        return float(np.max(critical_current(device)))
    except ValueError:
        h1 = float(np.max(_magnet.stiffness(device.magnet)[0]))
        hx = float(np.asarray(device.h_ext, dtype=float).reshape(3, -1)[0].max())
        return float(max(h1 / 2 - hx / np.sqrt(2), 0.0) / float(np.max(np.abs(device.drive.dl))))
