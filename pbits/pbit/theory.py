"""Analytic theory of the p-bit transfer curve: the current scale I0, the sign mean, the read-out, a time scale.

One idea: closed-form (or quadrature) predictions that the sLLG transfer curve of :mod:`pbits.pbit.transfer` is
compared with and that set its defaults -- no simulation here. The behavioural p-bit (docs/physics.md §3.4, §4;
Camsari et al., PRX 7, 031014 (2017))

    <s> = tanh(I/I0 + offset),   s = sgn(m.n),

has, for a PMA magnet with collinear torque in the Ising limit, I0 = 2 e alpha k_B T/hbar in spin-current units
(:func:`i0_spin_pma`; the torque enters as an axial field H_DL/alpha, :func:`h0_theory`); an in-plane magnet
with hard axis H_D follows tanh(Delta h/h_c), h_c = alpha(1 + H_D/2H_K) (docs/physics.md §3.4, O17). :func:`i0_theory`
adds the field-like and Oersted fields along the easy axis as a Zeeman bias (§3.1), :func:`sign_mean_exact`
is the exact <sgn(m_z)> of the uniaxial equilibrium (§3.1, O16), :func:`mtj_conductance` the MTJ read-out
(§4) and :func:`tau_estimate` a rough fluctuation time for default run lengths (§3.2, §3.5; Kaiser et al.,
PRApplied 12, 054056 (2019)). Device: the FM/AFM-insulator self-torque stack of Choi et al., Nature
Communications 2025, doi:10.1038/s41467-025-61073-w.
"""
from __future__ import annotations

import numpy as np
from jax.typing import ArrayLike

from pbits import constants as C
from pbits.analysis import analytic
from pbits.device import magnet as _magnet
from pbits.device.stack import Device


def tau_estimate(mag: _magnet.Magnet) -> np.ndarray:
    """Rough fluctuation time [s] used for default run lengths (not an oracle).

    Axially symmetric magnets: tau_N tau_int(Delta)/tau_N (docs/physics.md §3.2). With a hard axis H_D (in-plane
    disks) also the dephasing time [gamma0 sqrt(H_D k_B T/(mu0 M_s V))]^-1 e^Delta (docs/physics.md §3.5; Kaiser
    et al., PRApplied 12, 054056 (2019)); the smaller one is returned. Device of Choi et al. 2025.

    Example:
        >>> t = tau_estimate(_magnet.preset("pma_low_barrier"))
        >>> round(float(t) * 1e6, 2)  # us
        0.45
    """
    d = _magnet.derived(mag)
    delta = np.atleast_1d(np.asarray(d.delta, dtype=float))
    t_axial = np.atleast_1d(d.tau_n) * np.array([analytic.tau_int(float(min(x, 30.0)), n=20001) for x in delta])
    kt = C.KB * np.asarray(mag.temperature, dtype=float)
    with np.errstate(divide="ignore"):
        mv = C.MU0 * np.asarray(mag.ms) * np.asarray(mag.volume)
        t_deph = 1.0 / (C.GAMMA0 * np.sqrt(np.asarray(d.h_d) * kt / mv))
    out = np.minimum(t_axial, 4 * np.atleast_1d(t_deph) * np.exp(np.minimum(delta, 30.0)))
    return out.reshape(np.broadcast_shapes(np.shape(d.delta), np.shape(d.tau_n)))


def h0_theory(mag: _magnet.Magnet) -> np.ndarray:
    """Damping-like field scale H_DL,0 [A/m] of <m> = tanh(H_DL/H_DL,0) for sigma || easy axis.

    Axially symmetric (PMA) magnet, collinear torque, Ising limit: H_DL enters as an axial field H_DL/alpha,
    so H_DL,0 = alpha k_B T/(mu0 M_s V); in spin-current units I0 = 2 e alpha k_B T/hbar (docs/physics.md §3.4, O3,
    O16). In-plane magnet with hard axis H_D: H_DL,0 = alpha (H_K + H_D/2)/Delta, i.e. tanh(Delta h/h_c) with
    h_c = alpha(1 + H_D/2H_K) (docs/physics.md §3.4, O17; Camsari et al., PRX 7, 031014 (2017)). Device of
    Choi et al. 2025.

    Example:
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=_magnet.volume_for_delta(4, ms=1e6, hk_eff=1e5),
        ...                    alpha=0.1, hk=1e5, easy_axis=(0, 1, 0), demag=(0, 0, 1))
        >>> round(float(h0_theory(mag)))  # alpha (H_K + H_D/2)/Delta = 0.1 * 6e5 / 4
        15000
    """
    d = _magnet.derived(mag)
    alpha = np.asarray(mag.alpha, dtype=float)
    kt = C.KB * np.asarray(mag.temperature, dtype=float)
    pma = alpha * kt / (C.MU0 * np.asarray(mag.ms) * np.asarray(mag.volume))
    with np.errstate(divide="ignore", invalid="ignore"):
        inplane = alpha * (d.hk_eff + d.h_d / 2) / d.delta
    return np.where(np.asarray(d.h_d) > 0, inplane, pma)


def i0_theory(device: Device) -> np.ndarray:
    """I0 [A] of <m> = tanh(I/I0) from :func:`h0_theory`, the drive's H_DL per ampere and its Oersted field.

    1/I0 = |(H_DL/I)(sigma.n)/H_DL,0 + mu0 M_s V [(H_FL/I) sigma.n + (H_Oe/I).n]/(k_B T)| (docs/physics.md §3.4; the
    field-like and Oersted fields along the easy axis act as a Zeeman bias, §3.1; Ising limit). For a PMA magnet
    with a collinear spin current I_s this is
    I0 = 2 e alpha k_B T/hbar (0.126 uA at alpha = 0.01, 300 K). Choi et al. 2025.

    Example:
        >>> mag = _magnet.uniaxial(10.0, 0.01)
        >>> per_amp = C.HBAR / (2 * C.E_CHARGE * C.MU0 * float(mag.ms) * float(mag.volume))  # spin current
        >>> from pbits.device.torques import Drive
        >>> dev = Device(mag, Drive(per_amp, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> round(float(i0_theory(dev)) * 1e6, 3)  # uA
        0.126
    """
    mag, drv = device.magnet, device.drive
    n = np.asarray(mag.easy_axis, dtype=float)
    sig_n = np.sum(np.asarray(drv.sigma, dtype=float).reshape(3, -1) * n.reshape(3, -1), axis=0).reshape(
        np.broadcast_shapes(np.shape(drv.sigma)[1:], n.shape[1:]))
    oe_n = np.sum(np.asarray(drv.oe, dtype=float).reshape(3, -1) * n.reshape(3, -1), axis=0).reshape(
        np.broadcast_shapes(np.shape(drv.oe)[1:], n.shape[1:]))
    kt = C.KB * np.asarray(mag.temperature, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        # the Oersted field along n is a Zeeman bias, xi = mu0 M_s V H/(k_B T) per ampere (docs/physics.md §3.1)
        zeeman = C.MU0 * np.asarray(mag.ms) * np.asarray(mag.volume) / kt  # xi per (A/m) of field along n
        g = (np.asarray(drv.dl, dtype=float) * sig_n / h0_theory(mag)
             + zeeman * (np.asarray(drv.fl, dtype=float) * sig_n + oe_n))
        return 1.0 / np.abs(g)


def i0_spin_pma(alpha: ArrayLike, temperature: ArrayLike) -> np.ndarray:
    """I0 = 2 e alpha k_B T / hbar [A] in spin-current units (PMA, collinear torque; docs/physics.md §3.4, O16).

    Linear in alpha and T. Choi et al. 2025.

    Example:
        >>> round(float(i0_spin_pma(0.01, 300.0)) * 1e6, 4)
        0.1259
    """
    a, t = np.asarray(alpha, dtype=float), np.asarray(temperature, dtype=float)
    if np.any(~np.isfinite(a)) or np.any(a < 0) or np.any(~np.isfinite(t)) or np.any(t < 0):
        raise ValueError(f"theory.i0_spin_pma: alpha and temperature must be finite and >= 0, got {alpha!r}, "
                         f"{temperature!r}")
    return 2 * C.E_CHARGE * a * C.KB * t / C.HBAR


def sign_mean_exact(xi: float, delta: float, *, n: int = 40001) -> float:
    """<sgn(m_z)> = P(m_z > 0) - P(m_z < 0) for p(x) ~ exp(Delta x^2 + xi x) on [-1, 1] (docs/physics.md §3.1, O16).

    Equals tanh(xi/2) at Delta = 0 and tends to tanh(xi) for Delta >> 1.

    Example:
        >>> import math
        >>> round(sign_mean_exact(1.0, 0.0), 5) == round(math.tanh(0.5), 5)
        True
    """
    x = np.linspace(-1.0, 1.0, n)
    lp = delta * x * x + xi * x
    w = np.exp(lp - lp.max())
    return float(np.trapezoid(np.sign(x) * w, x) / np.trapezoid(w, x))


def mtj_conductance(x: ArrayLike, *, r_p: float, tmr: float) -> np.ndarray:
    """MTJ read-out conductance [S] for the projection x = m.p on the reference layer p (docs/physics.md §4).

    G = (G_P + G_AP)/2 + (G_P - G_AP) x/2, G_P = 1/R_P, G_AP = 1/(R_P (1 + TMR)) [M]. Linear in x, so the mean
    read-out conductance of a p-bit follows the analog transfer curve <m.n> (``mean_m`` of
    :class:`pbits.pbit.transfer.TransferCurve`) when p = n. Read-out of the Choi et al. 2025 device through an MTJ
    whose MgO barrier is the cap ().

    Example:
        >>> [round(float(g) * 1e3, 4) for g in mtj_conductance([1.0, -1.0], r_p=5e3, tmr=1.0)]
        [0.2, 0.1]
    """
    if not (np.isfinite(r_p) and r_p > 0 and np.isfinite(tmr) and tmr >= 0):
        raise ValueError(f"theory.mtj_conductance: need r_p > 0 Ohm and tmr >= 0, got r_p={r_p!r}, "
                         f"tmr={tmr!r}")
    g_p, g_ap = 1.0 / r_p, 1.0 / (r_p * (1 + tmr))
    return 0.5 * (g_p + g_ap) + 0.5 * (g_p - g_ap) * np.asarray(x, dtype=float)

