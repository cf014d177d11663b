"""Time steps for the sLLG integrator: the largest precession field, a check and a suggestion.

Rule (docs/physics.md §2.5): keep the deterministic rotation per step gamma0 |H_max| dt <~ 0.02-0.05 rad and the
rms thermal rotation per step small against 1.
"""
from __future__ import annotations

import numpy as np

from pbits import constants as C
from pbits.device import magnet as _magnet


def max_field(device, max_current: float = 0.0) -> float:
    """Largest field [A/m] that sets the precession rate: the span of the eigenvalues of the linear
    field H_eff = (H_K n n^T - M_s N) m (a field along m does not rotate m), plus |H_ext| and the
    current-driven fields at ``max_current`` [A] (docs/physics.md §2.5).

    ``device`` is a :class:`pbits.device.stack.Device`.

    Example:
        >>> from pbits.device.stack import Device
        >>> round(max_field(Device(_magnet.preset("inplane_low_barrier"))) / 1.1e6, 2)  # ~ H_D = M_s (N_z - N_y)
        0.84
    """
    mag, drv = device.magnet, device.drive
    ms = np.asarray(mag.ms, dtype=float)
    hk = np.asarray(mag.hk, dtype=float)
    n = np.asarray(mag.easy_axis, dtype=float)
    d = np.asarray(mag.demag, dtype=float)
    shape = np.broadcast_shapes(ms.shape, hk.shape, n.shape[1:], d.shape[1:])
    n = np.broadcast_to(n.reshape(3, -1) if n.ndim > 1 else n[:, None], (3, int(np.prod(shape)) or 1))
    d = np.broadcast_to(d.reshape(3, -1) if d.ndim > 1 else d[:, None], n.shape)
    ms_b = np.broadcast_to(ms.reshape(-1), n.shape[1:])
    hk_b = np.broadcast_to(hk.reshape(-1), n.shape[1:])
    a = hk_b[:, None, None] * np.einsum("in,jn->nij", n, n) - ms_b[:, None, None] * np.einsum("in,ij->nij", d, np.eye(3))
    ev = np.linalg.eigvalsh(a)
    span = ev[:, -1] - ev[:, 0]
    ext = np.sqrt(np.sum(np.asarray(device.h_ext, dtype=float) ** 2, axis=0))
    drive = max_current * (np.abs(np.asarray(drv.dl, dtype=float)) + np.abs(np.asarray(drv.fl, dtype=float))
                           + np.sqrt(np.sum(np.asarray(drv.oe, dtype=float) ** 2, axis=0)))
    return float(np.max(span + np.max(ext) + np.max(drive)))


def check_dt(device, dt: float, max_current: float = 0.0, *, max_angle: float = 0.1) -> None:
    """Raise ValueError if ``dt`` is too large for the fields or the thermal noise (with a suggested dt).

    Deterministic rotation per step gamma0 |H_max| dt must stay <= ``max_angle`` (docs/physics.md §2.5
    recommends 0.02-0.05 rad), and the rms thermal rotation per step sqrt(2 dt/tau_N) <= 0.3 rad.

    Example:
        >>> from pbits.device.stack import Device
        >>> check_dt(Device(_magnet.preset("pma")), 1e-10)
        Traceback (most recent call last):
        ...
        ValueError: sllg: dt = 1e-10 s is too large for the fields (gamma0 |H_max| dt = 1.35 rad > 0.1 rad, |H_max| = 6.1e+04 A/m); use dt <= 1.48e-12 s
    """
    mag = device.magnet
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"sllg: dt must be a finite time > 0 s, got {dt!r}")
    h_max = max_field(device, max_current)
    angle = C.GAMMA0 * h_max * dt
    if angle > max_angle and h_max > 0:
        raise ValueError(f"sllg: dt = {dt:.3g} s is too large for the fields (gamma0 |H_max| dt = {angle:.3g} rad > "
                         f"{max_angle} rad, |H_max| = {h_max:.3g} A/m); use dt <= {0.02 / (C.GAMMA0 * h_max):.3g} s")
    tau_n = float(np.min(_magnet.derived(mag).tau_n))
    if np.isfinite(tau_n) and np.sqrt(2 * dt / tau_n) > 0.3:
        raise ValueError(f"sllg: dt = {dt:.3g} s is too large for the thermal noise (rms rotation per step "
                         f"{np.sqrt(2 * dt / tau_n):.3g} rad > 0.3 rad, tau_N = {tau_n:.3g} s); use dt <= "
                         f"{0.005 * tau_n:.3g} s")


def suggest_dt(device, *, angle: float = 0.02, max_current: float = 0.0) -> float:
    """A time step [s] with gamma0 |H_max| dt = ``angle`` rad (docs/physics.md §2.5: 0.02-0.05 rad), and at
    most 0.005 tau_N (thermal rotation per step).

    Example:
        >>> from pbits.device.stack import Device
        >>> dt = suggest_dt(Device(_magnet.preset("pma")))
        >>> 1e-13 < dt < 1e-11
        True
    """
    dt = angle / (C.GAMMA0 * max_field(device, max_current))
    tau_n = float(np.min(_magnet.derived(device.magnet).tau_n))
    return min(dt, 0.005 * tau_n) if np.isfinite(tau_n) else dt
