"""Energy per random bit of a p-bit: bias range, Joule power and power x tau_c, self-torque vs heavy metal.

For a low-barrier p-bit with <s> = tanh(I/I0 + offset) (calibrated from sLLG, :mod:`pbits.pbit.calibrate`):

* the bias current that sweeps <s> from -0.9 to +0.9 spans I0 (atanh(-0.9) - offset) ... I0 (atanh(0.9) - offset),
  a range 2 I0 atanh(0.9) = 2.94 I0;
* the Joule power at the larger end of that range, P = sum_layers rho_i J_i^2 V_i (docs/physics.md §1.6, with the
  current divider of the HM/FM bilayer);
* the energy per independent random bit E_bit = P x tau_c (one bit per correlation time; docs/physics.md §4 "energy
  per flip", write part).

The self-torque of the FM/AFM-insulator stack (Choi et al., Nature Communications 2025,
doi:10.1038/s41467-025-61073-w) and a heavy-metal SOT baseline (Pt, beta-Ta or beta-W, docs/physics.md §1.6) bias the
*same* magnet, so tau_c is the same and the ratio of energies is (R_HM I0_HM^2)/(R_F I0_self^2). The ratio is
computed from parameters and sLLG fits, and always reported with the baseline it was computed against (the
press release's "up to 3x" is never used as an input).

In the p-bit (low-barrier) mode a field-like torque with sigma || easy axis acts as a Zeeman bias, xi = mu0 M_s V H_FL
/(k_B T) per unit field, which at Delta ~ 1 is as effective as the damping-like torque (xi = H_DL/H_DL,0 with
H_DL,0 = alpha (H_K + H_D/2)/Delta, docs/physics.md §3.4). The self-torque presets carry the poster's field-like ratio
(Ni: 0.16, CoFeB: 1.0) and the heavy-metal presets none, so the energy-per-bit ratio can exceed the ratio of
switching energies at the zero-temperature critical current, which depends on xi_DL alone (both are reported).

Several drives are calibrated in *one* sLLG run: each drive's per-ampere coefficients are rescaled by its
theoretical I0 (:func:`pbits.pbit.theory.i0_theory`), so all devices share one dimensionless current axis.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import jax
import numpy as np
from jax.typing import ArrayLike

from pbits.analysis import energy
from pbits.device import torques
from pbits.device.stack import Device, Stack, drives
from pbits.pbit import calibrate, theory, transfer

ATANH09 = math.atanh(0.9)  # I/I0 at <s> = 0.9 [-]


class EnergyPerBit(NamedTuple):
    """Energy per random bit of one p-bit and torque scheme (SI units)."""

    scheme: str  # "self" or the heavy-metal baseline name
    i0: float  # fitted current scale I0 [A]
    offset: float  # fitted offset [-]
    i_low: float  # bias current giving <s> = -0.9 [A]
    i_high: float  # bias current giving <s> = +0.9 [A]
    power: float  # Joule power at max(|i_low|, |i_high|) [W]
    tau_c: float  # correlation time of s at zero bias [s]
    energy: float  # power x tau_c, energy per independent random bit [J]


class BitComparison(NamedTuple):
    """Energy per random bit, self-torque vs a named heavy-metal baseline."""

    self_torque: EnergyPerBit  # the FM/AFMI self-torque p-bit
    heavy_metal: EnergyPerBit  # the baseline p-bit (same magnet)
    ratio: float  # E_bit(baseline) / E_bit(self) [-]
    baseline: str  # what the ratio was computed against (material, xi, rho, thickness)
    ratio_critical_current: float  # the same ratio from zero-temperature critical currents (energy module) [-]
    curves: dict  # scheme -> transfer.TransferCurve (currents in A)
    params: dict  # scheme -> calibrate.PbitParams


def energy_per_bit(stack: Stack, scheme: str, params: calibrate.PbitParams) -> EnergyPerBit:
    """Bias range for <s> in [-0.9, 0.9], Joule power and power x tau_c for a calibrated p-bit.

    I(<s> = +-0.9) = I0 (+-atanh 0.9 - offset); P = sum rho J^2 V at the larger |I| (docs/physics.md §1.6);
    E_bit = P tau_c. ``scheme`` is ``"self"`` (current only in the FM) or anything else for the heavy-metal
    bilayer of ``stack``. Choi et al. 2025.

    Example:
        >>> from pbits.device import stack
        >>> st = stack.preset("inplane_low_barrier")
        >>> p = calibrate.PbitParams(*(np.asarray(v) for v in (1e-4, 1e4, 0.0, 1e-9, 1.0, 1e-9, 0.0, 0.0, 0.0)))
        >>> e = energy_per_bit(st, "self", p)
        >>> round(e.i_high / 1e-4, 4), e.energy == e.power * 1e-9
        (1.4722, True)
    """
    i0, off, tau = abs(float(params.i0)), float(params.offset), float(params.tau_c)
    if not (np.isfinite(i0) and i0 > 0 and np.isfinite(off) and np.isfinite(tau) and tau > 0):
        raise ValueError(f"energy_per_bit.energy_per_bit: need finite I0 > 0, offset and tau_c > 0, got I0={i0!r}, "
                         f"offset={off!r}, tau_c={tau!r}; a flat transfer curve (no torque) has no finite I0")
    lo, hi = i0 * (-ATANH09 - off), i0 * (ATANH09 - off)
    p = float(energy.pulse_energy(stack, scheme, max(abs(lo), abs(hi)), 1.0))  # energy in 1 s = power [W]
    return EnergyPerBit(scheme, i0, off, lo, hi, p, tau, p * tau)


def _scaled(dev: Device, unit: float) -> Device:
    d = dev.drive
    return dev._replace(drive=d._replace(dl=np.asarray(d.dl) * unit, fl=np.asarray(d.fl) * unit,
                                         oe=np.asarray(d.oe) * unit))


def _batch(devs: list[Device]) -> Device:
    """Stack devices that share a magnet and differ in their drives into one batched device."""
    d = [x.drive for x in devs]
    drive = torques.Drive(np.array([float(x.dl) for x in d]), np.array([float(x.fl) for x in d]),
                       np.stack([np.asarray(x.sigma, dtype=float) for x in d], axis=1),
                       np.stack([np.asarray(x.oe, dtype=float) for x in d], axis=1))
    return Device(devs[0].magnet, drive, devs[0].h_ext)


def calibrate_drives(key, devs: list[Device], *, span: float = 3.0, n_points: int = 9, n_magnets: int = 96,
                     duration: float | None = None, burn_in: float | None = None, dt: float | None = None,
                     record_dt: float | None = None, progress=None):
    """Calibrate several drives of the *same* magnet in one sLLG run (currents in units of each I0_theory).

    Each drive is rescaled by a current unit u: first its :func:`pbits.theory.i0_theory` times
    1 + 1/(1 + Delta), then the I0 of a short pilot run on the grid 0, +-2^k u (k = -3..3; a quarter of the
    duration but at least 8 x :func:`pbits.pbit.theory.tau_estimate`; a quarter of the magnets). The batch then runs
    over x = I/u in [-span, span] (``n_points``) and the fitted I0 and errors are scaled back by u.

    Returns:
        (list of :class:`pbits.pbit.calibrate.PbitParams`, list of :class:`pbits.pbit.transfer.TransferCurve` (currents in
        A), array of current units u [A]).

    Example:
        >>> from pbits.device import magnet
        >>> mag = magnet.uniaxial(0.0, 1.0)
        >>> devs = [Device(mag, torques.Drive(g, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0))) for g in (1.0, 2.0)]
        >>> ps, curves, u = calibrate_drives(jax.random.key(0), devs, n_points=3, n_magnets=8, duration=1e-9)
        >>> len(ps), curves[0].mean.shape
        (2, (3,))
    """
    if not devs:
        raise ValueError("energy_per_bit.calibrate_drives: devs must be a non-empty list of Device")
    k_p, key = jax.random.split(key)
    units = np.array([float(np.max(np.asarray(calibrate.default_currents(d, span=1.0, n_points=2)))) for d in devs])
    batch = _batch([_scaled(d, u) for d, u in zip(devs, units)])
    # pilot on a geometric grid 0, +-2^k (the in-plane theory can be off by a few), then +-span fitted I0
    pos = 2.0 ** np.arange(-3, 4)
    tau = float(np.min(theory.tau_estimate(devs[0].magnet)))
    dur = 25 * tau if duration is None else max(duration / 4, 8 * tau)
    pilot = transfer.measure(k_p, batch, np.concatenate([-pos[::-1], [0.0], pos]), n_magnets=max(8, n_magnets // 4),
                             duration=dur, burn_in=dur / 10, dt=dt, record_dt=record_dt, progress=progress)
    units = units * np.abs(np.atleast_1d(transfer.fit(pilot).i0))
    batch = _batch([_scaled(d, u) for d, u in zip(devs, units)])
    x = span * np.linspace(-1.0, 1.0, n_points)
    params, curve = calibrate.calibrate(key, batch, currents=x, n_magnets=n_magnets, duration=duration,
                                        burn_in=burn_in, dt=dt, record_dt=record_dt, return_curve=True,
                                        progress=progress)
    out = []
    per_device = ("mean", "stderr", "mean_m", "stderr_m", "mean_abs", "tau_c", "tau_m", "dwell")
    curves = [curve._replace(currents=curve.currents * u, **{f: np.asarray(getattr(curve, f))[q] for f in per_device})
              for q, u in enumerate(units)]
    for q, u in enumerate(units):
        pq = calibrate.PbitParams(*(np.asarray(v)[q] if np.ndim(v) else np.asarray(v) for v in params))
        out.append(pq._replace(i0=pq.i0 * u, gain=pq.gain / u, i0_err=pq.i0_err * u))
    return out, curves, units


def compare(key, stack: Stack, *, oersted: bool = False, **kw) -> BitComparison:
    """Energy per random bit, self-torque vs the stack's heavy-metal baseline, both calibrated by sLLG.

    Both drives bias the same magnet in one run (:func:`calibrate_drives`); energies from
    :func:`energy_per_bit`. Also reports the ratio predicted from the zero-temperature critical currents
    (:func:`pbits.analysis.energy.compare_at_critical_current`), which it should match when I0 is proportional to
    I_c0 (sigma || easy axis, docs/physics.md §3.3-3.4) and the field-like torques are negligible. The heavy metal's
    Oersted field lies along the easy axis in this (type-y) geometry and acts as a bias whose sign depends on the
    stacking order; like :func:`pbits.analysis.energy.compare_at_critical_current` the default (``oersted=False``)
    leaves it out, ``oersted=True`` keeps it with the sign of :func:`pbits.device.torques.drive_heavy_metal`.
    Other keyword arguments go to :func:`calibrate_drives`.
    Choi et al. 2025.

    Example:
        >>> from pbits.device import stack
        >>> c = compare(jax.random.key(0), stack.preset("inplane_low_barrier"), n_points=3, n_magnets=4,
        ...             duration=2e-10, burn_in=0.0)
        >>> c.baseline.startswith("pt")
        True
    """
    d = drives(stack)
    hm_dev = d[stack.baseline]
    if not oersted:
        hm_dev = hm_dev._replace(drive=hm_dev.drive._replace(oe=np.zeros(3)))
    ps, curves, _ = calibrate_drives(key, [d["self"], hm_dev], **kw)
    e_s = energy_per_bit(stack, "self", ps[0])
    e_b = energy_per_bit(stack, stack.baseline, ps[1])
    hm = stack.heavy_metal
    desc = (f"{stack.baseline}{'' if oersted else ' without Oersted field'} "
            f"(xi_HM = {float(torques.xi_heavy_metal(hm)):.3g}, rho = {float(hm.rho_hm) / 1e-8:.4g} "
            f"uOhm cm, t = {float(hm.thickness) * 1e9:.3g} nm) vs self-torque (xi_DL = "
            f"{float(torques.xi_self(stack.self_torque, stack.magnet.thickness)):.3g}, rho_F = "
            f"{float(stack.self_torque.rho_fm) / 1e-8:.4g} uOhm cm, "
            f"t_F = {float(stack.magnet.thickness) * 1e9:.3g} nm)")
    try:
        rc = energy.compare_at_critical_current(stack.magnet, stack.self_torque, hm, t_p=1e-9,
                                                name=stack.baseline).ratio
    except ValueError:
        rc = float("nan")
    return BitComparison(e_s, e_b, e_b.energy / e_s.energy, desc, float(rc),
                         {"self": curves[0], stack.baseline: curves[1]}, {"self": ps[0], stack.baseline: ps[1]})


def vs_dissipation(key, stack: Stack, a_afmi: ArrayLike, **kw) -> tuple[np.ndarray, list[EnergyPerBit]]:
    """Energy per random bit of the self-torque p-bit vs the AFMI spin-loss fraction a_AFMI (one sLLG run).

    The stack's sigma || Neel vector loss fraction ``a_par`` is set to each value (the dissipation parameter of
    docs/physics.md §1.4-1.5: xi_DL = theta_FM eta(a_AFMI, a_cap, t_F/lambda)); values with a_AFMI = a_cap give
    xi_DL = 0 (symmetric stack, no bias) and are returned as NaN energies. Keyword arguments go to
    :func:`calibrate_drives`. Choi et al. 2025.

    Returns:
        (xi_DL per value, list of :class:`EnergyPerBit` or None for the symmetric stack).

    Example:
        >>> from pbits.device import stack
        >>> xi, e = vs_dissipation(jax.random.key(0), stack.preset("inplane_low_barrier"), [0.0, 0.5],
        ...                        n_points=3, n_magnets=4, duration=2e-10, burn_in=0.0)
        >>> e[0] is None, bool(xi[1] > 0)
        (True, True)
    """
    a = np.asarray(a_afmi, dtype=float).reshape(-1)
    if a.size == 0 or np.any(~np.isfinite(a)) or np.any(a < 0) or np.any(a >= 1):
        raise ValueError(f"energy_per_bit.vs_dissipation: a_afmi must be a non-empty list of fractions in [0, 1), "
                         f"got {a_afmi!r}")
    mag = stack.magnet
    sts = [stack.self_torque._replace(a_par=float(v), neel=stack.self_torque.sigma) for v in a]
    xi = np.array([float(torques.xi_self(st, mag.thickness)) for st in sts])
    live = [q for q in range(a.size) if abs(xi[q]) > 0]
    out: list = [None] * a.size
    if live:
        devs = [Device(mag, torques.drive_self(sts[q], mag)) for q in live]
        ps, _, _ = calibrate_drives(key, devs, **kw)
        for q, p in zip(live, ps):
            out[q] = energy_per_bit(stack._replace(self_torque=sts[q]), "self", p)
    return xi, out
