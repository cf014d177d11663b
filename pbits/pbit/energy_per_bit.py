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
*same* magnet; at equal damping tau_c is the same and the ratio of energies is (R_HM I0_HM^2)/(R_F I0_self^2); with
the spin-pumping damping of each scheme's sink (:func:`pbits.device.stack.drives`, docs/physics.md §1.8) the two
magnets differ in alpha and each has its own tau_c. The ratio is
computed from parameters and sLLG fits, and always reported with the baseline it was computed against (the
press release's "up to 3x" is never used as an input).

Like for like (:func:`compare`). In the p-bit (low-barrier) mode a field-like torque with sigma || easy axis and the
heavy metal's Oersted field act as a Zeeman bias, which on a Delta ~ 1 in-plane disk is worth about alpha (2 + H_D/H_K)
times a damping-like field of the same size (:mod:`pbits.pbit.energy_range`). A comparison that gives one scheme its
field-like torque and not the other measures bookkeeping, not the torque mechanism; :func:`compare` therefore gives
*both* schemes the same kinds of torque: damping-like only (``torques="dl"``, the default) or damping-like,
field-like and, where the geometry has one, the Oersted field (``torques="all"``), and says which. tau_c is measured
once for a shared magnet (both schemes' zero-current points and a field probe pooled), so it cancels from the ratio,
and every energy carries a standard error and a range over the inputs the sources leave open
(:func:`pbits.pbit.energy_range.ratio_range`).

Several drives are calibrated in *one* sLLG run: each drive's per-ampere coefficients are rescaled by its
theoretical I0 (:func:`pbits.pbit.theory.i0_theory`), so all devices share one dimensionless current axis.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import jax
import numpy as np
from jax.typing import ArrayLike

from pbits.analysis import energy, switching
from pbits.device import torques
from pbits.device import torques as torques_mod
from pbits.device.stack import Device, Stack, drives
from pbits.pbit import calibrate, energy_range, theory, transfer

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
    energy_err: float = float("nan")  # standard error of ``energy`` (from the errors of I0 and tau_c) [J]


class BitComparison(NamedTuple):
    """Energy per random bit, self-torque vs a named heavy-metal baseline, like for like."""

    self_torque: EnergyPerBit  # the FM/AFMI self-torque p-bit
    heavy_metal: EnergyPerBit  # the baseline p-bit (same magnet)
    ratio: float  # E_bit(baseline) / E_bit(self) [-]
    ratio_err: float  # its standard error (tau_c is shared and cancels; from the two I0 errors) [-]
    baseline: str  # what the ratio was computed against (material, xi, rho, thickness)
    torques: str  # which torques both schemes carry in this comparison
    ratio_critical_current: float  # E_switch(baseline)/E_switch(self) at the T = 0 critical currents, same torques [-]
    energy_per_switch: dict  # scheme -> Joule energy of a 1 ns pulse at its critical current (analytic) [J]
    tau_c: dict  # scheme -> (tau_c at zero bias, its standard error) [s]; one shared value when the magnets agree
    gains: dict  # scheme -> energy_range.Gains, the magnet's damping-like and field gains (for the range)
    range: "energy_range.Range"  # ratios over the uncertain inputs
    curves: dict  # scheme -> transfer.TransferCurve (currents in A); "probe": the field-only drive
    params: dict  # scheme -> calibrate.PbitParams


TORQUES = ("dl", "all")


def energy_per_bit(stack: Stack, scheme: str, params: calibrate.PbitParams, *, tau_c: float | None = None,
                   tau_c_err: float = 0.0) -> EnergyPerBit:
    """Bias range for <s> in [-0.9, 0.9], Joule power and power x tau_c for a calibrated p-bit.

    I(<s> = +-0.9) = I0 (+-atanh 0.9 - offset); P = sum rho J^2 V at the larger |I| (docs/physics.md §1.6);
    E_bit = P tau_c, with ``tau_c`` the p-bit's own fitted value unless given (a shared measurement, :func:`compare`).
    Standard error from the I0 error (P ~ I0^2) and ``tau_c_err``. ``scheme`` is ``"self"`` (current only in the FM) or
    the baseline of ``stack`` (the heavy-metal bilayer). Choi et al. 2025.

    Example:
        >>> from pbits.device import stack
        >>> st = stack.preset("inplane_low_barrier")
        >>> p = calibrate.PbitParams(*(np.asarray(v) for v in (1e-4, 1e4, 0.0, 1e-9, 1.0, 1e-9, 0.0, 0.0, 0.0)))
        >>> e = energy_per_bit(st, "self", p)
        >>> round(e.i_high / 1e-4, 4), e.energy == e.power * 1e-9
        (1.4722, True)
    """
    i0, off = abs(float(params.i0)), float(params.offset)
    tau = float(params.tau_c) if tau_c is None else float(tau_c)
    if not (np.isfinite(i0) and i0 > 0 and np.isfinite(off) and np.isfinite(tau) and tau > 0):
        raise ValueError(f"energy_per_bit.energy_per_bit: need finite I0 > 0, offset and tau_c > 0, got I0={i0!r}, "
                         f"offset={off!r}, tau_c={tau!r}; a flat transfer curve (no torque) has no finite I0")
    lo, hi = i0 * (-ATANH09 - off), i0 * (ATANH09 - off)
    p = float(energy.pulse_energy(stack, scheme, max(abs(lo), abs(hi)), 1.0))  # energy in 1 s = power [W]
    rel = math.hypot(2 * float(params.i0_err) / i0, float(tau_c_err) / tau)
    return EnergyPerBit(scheme, i0, off, lo, hi, p, tau, p * tau, p * tau * rel)


def _scaled(dev: Device, unit: float) -> Device:
    d = dev.drive
    return dev._replace(drive=d._replace(dl=np.asarray(d.dl) * unit, fl=np.asarray(d.fl) * unit,
                                         oe=np.asarray(d.oe) * unit))


def _batch(devs: list[Device]) -> Device:
    """Stack devices that share a magnet (up to its damping) and differ in their drives into one batched device."""
    mags = [x.magnet for x in devs]
    for name in mags[0]._fields:
        if name != "alpha" and any(not np.array_equal(np.asarray(getattr(m, name)), np.asarray(getattr(mags[0], name)))
                                   for m in mags):
            raise ValueError(f"energy_per_bit: the drives must bias the same magnet (they may differ in alpha only); "
                             f"magnet.{name} differs")
    alphas = np.array([float(m.alpha) for m in mags])
    mag = mags[0] if np.all(alphas == alphas[0]) else mags[0]._replace(alpha=alphas)
    d = [x.drive for x in devs]
    drive = torques.Drive(np.array([float(x.dl) for x in d]), np.array([float(x.fl) for x in d]),
                       np.stack([np.asarray(x.sigma, dtype=float) for x in d], axis=1),
                       np.stack([np.asarray(x.oe, dtype=float) for x in d], axis=1))
    return Device(mag, drive, devs[0].h_ext)


def calibrate_drives(key, devs: list[Device], *, span: float = 3.0, n_points: int = 9, n_magnets: int = 96,
                     duration: float | None = None, burn_in: float | None = None, dt: float | None = None,
                     record_dt: float | None = None, progress=None):
    """Calibrate several drives of the *same* magnet in one sLLG run (currents in units of each I0_theory).

    Each drive is rescaled by a current unit u: first its :func:`pbits.theory.i0_theory` times
    1 + 1/(1 + Delta), then the I0 of a short pilot run on the grid 0, +-2^k u (k = -3..2; a quarter of the
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
    # pilot on a geometric grid 0, +-2^k (the in-plane theory can be off by a few), then +-span fitted I0; the grid
    # stops at 4 u: far above the critical current (I0 ~ I_c0/Delta) the drive excites precession and <s> need not
    # be monotonic, which misleads the pilot fit
    pos = 2.0 ** np.arange(-3, 3)
    tau = float(np.min([np.min(theory.tau_estimate(d.magnet)) for d in devs]))
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
    curves = [curve._replace(currents=curve.currents * u,
                             **{f: np.asarray(getattr(curve, f))[q] for f in transfer.PER_DEVICE})
              for q, u in enumerate(units)]
    for q, u in enumerate(units):
        pq = calibrate.PbitParams(*(np.asarray(v)[q] if np.ndim(v) else np.asarray(v) for v in params))
        out.append(pq._replace(i0=pq.i0 * u, gain=pq.gain / u, i0_err=pq.i0_err * u))
    return out, curves, units


def scheme_devices(stack: Stack, *, torques_on: str = "dl", oersted: float = 1.0) -> tuple[Device, Device, str]:
    """The two schemes' devices with the same kinds of torque, and a sentence saying which.

    ``torques_on="dl"``: damping-like torques only, for both (field-like torques and the Oersted field off).
    ``"all"``: both with damping- and field-like torques (self-torque: the stack's beta_FL, the poster's 0.16 for Ni;
    heavy metal: its beta_FL if set, else the value of :data:`pbits.pbit.energy_range.FIELD_LIKE`) and the heavy metal's
    Oersted field times ``oersted`` (+1: FM on top of the HM as in :func:`pbits.device.torques.drive_heavy_metal`,
    -1: below, 0: a compensated write line); the self-torque stack has none (docs/physics.md §1.5-1.6).

    Example:
        >>> from pbits.device import stack
        >>> d_s, d_h, what = scheme_devices(stack.ni_disk("pt"))
        >>> float(d_s.drive.fl), float(d_h.drive.fl), what.startswith("damping-like only")
        (0.0, 0.0, True)
    """
    if torques_on not in TORQUES:
        raise ValueError(f"energy_per_bit.scheme_devices: torques must be one of {TORQUES} (damping-like only, or all "
                         f"torques and the Oersted field), got {torques_on!r}")
    if oersted not in (-1, 0, 1):
        raise ValueError(f"energy_per_bit.scheme_devices: oersted is the Oersted field's sign, one of -1, 0, +1, "
                         f"got {oersted!r}")
    st, hm, name = stack.self_torque, stack.heavy_metal, stack.baseline
    if torques_on == "dl":
        st, hm = st._replace(beta_fl=0.0), hm._replace(beta_fl=0.0)
        what = f"damping-like only for both (field-like torques and the {name} Oersted field off)"
    else:
        if float(hm.beta_fl) == 0.0:
            hm = hm._replace(beta_fl=energy_range.FIELD_LIKE[name][0])
        what = (f"damping- and field-like torques for both (beta_FL: self {float(st.beta_fl):g}, {name} "
                f"{float(hm.beta_fl):g}); {name} Oersted field sign {oersted:+g} (self-torque stack: none)")
    d = drives(stack._replace(self_torque=st, heavy_metal=hm))
    d_s, d_h = d["self"], d[name]
    d_h = d_h._replace(drive=d_h.drive._replace(oe=np.asarray(d_h.drive.oe) * (0.0 if torques_on == "dl" else
                                                                               float(oersted))))
    a_s, a_h = float(d_s.magnet.alpha), float(d_h.magnet.alpha)
    what += (f"; damping alpha = {a_s:.3g} (self) and {a_h:.3g} ({name}) with spin pumping into the sinks"
             if (st.spin_pumping or hm.spin_pumping) else f"; damping alpha = {a_s:.3g} for both (no spin pumping)")
    return d_s, d_h, what


def _shared_tau(curves: list, params: list) -> tuple[float, float]:
    """tau_c at zero current pooled over drives of the same magnet (inverse-variance mean), with its error."""
    vals, errs = [], []
    for c, p in zip(curves, params):
        j = int(np.argmin(np.abs(np.asarray(c.currents))))
        t, e = float(np.asarray(c.tau_c)[j]), float(np.asarray(c.tau_c_err)[j])
        if abs(float(np.asarray(c.currents)[j])) > 0 or not (np.isfinite(e) and e > 0):
            t, e = float(p.tau_c), float("nan")  # no zero-current point: the fitted tau_c
        vals.append(t)
        errs.append(e)
    vals, errs = np.array(vals), np.array(errs)
    ok = np.isfinite(errs) & (errs > 0)
    if not ok.any():
        return float(np.mean(vals)), float("nan")
    w = 1 / errs[ok] ** 2
    return float(np.sum(w * vals[ok]) / np.sum(w)), float(1 / np.sqrt(np.sum(w)))


def compare(key, stack: Stack, *, torques: str = "dl", oersted: float = 1.0, **kw) -> BitComparison:
    """Energy per random bit, self-torque vs the stack's heavy-metal baseline, like for like, both by sLLG.

    Both schemes carry the same kinds of torque (:func:`scheme_devices`: damping-like only by default, or all of them
    with the Oersted sign ``oersted``) and bias the same magnet in one run (:func:`calibrate_drives`), together with a
    field-only probe drive that measures the magnet's response to a field along the easy axis. tau_c is shared: the
    zero-current tau_c of the three drives (the same magnet at I = 0) pooled, so the ratio has the error of the two I0
    alone. With spin pumping on (the default, :func:`pbits.device.stack.drives`) the two schemes' magnets differ in
    alpha; then each has its own probe and tau_c and the ratio's error includes both tau_c errors. The range over the inputs the sources leave open (field-like ratio, Oersted sign, shunting and the shunted
    current's torque, resistivities) is :func:`pbits.pbit.energy_range.ratio_range` on the measured gains. The energy
    per switch at the zero-temperature critical currents (:func:`pbits.analysis.switching.critical_current`, same
    torques) is analytic, without sampling error. Other keyword arguments go to :func:`calibrate_drives`.
    Choi et al. 2025.

    Example:
        >>> from pbits.device import stack
        >>> c = compare(jax.random.key(0), stack.preset("inplane_low_barrier"), n_points=3, n_magnets=4,
        ...             duration=2e-10, burn_in=0.0)
        >>> c.baseline.startswith("pt"), c.torques.startswith("damping-like only")
        (True, True)
    """
    d_self, d_hm, what = scheme_devices(stack, torques_on=torques, oersted=oersted)
    name = stack.baseline
    n = np.asarray(stack.magnet.easy_axis, dtype=float)
    shared = float(d_self.magnet.alpha) == float(d_hm.magnet.alpha)
    # field-only probes (one per distinct magnet): the magnet's response to a field along the easy axis
    probe_s = Device(d_self.magnet, torques_mod.Drive(0.0, abs(float(d_self.drive.dl)), n, np.zeros(3)))
    probe_h = Device(d_hm.magnet, torques_mod.Drive(0.0, abs(float(d_self.drive.dl)), n, np.zeros(3)))
    devs = [d_self, d_hm, probe_s] + ([] if shared else [probe_h])
    ps, curves, _ = calibrate_drives(key, devs, **kw)
    if shared:  # one magnet: tau_c from the zero-current points of all three drives
        tau_s = tau_h = _shared_tau(curves, ps)
    else:
        tau_s, tau_h = _shared_tau([curves[0], curves[2]], [ps[0], ps[2]]), _shared_tau([curves[1], curves[3]],
                                                                                         [ps[1], ps[3]])
    e_s = energy_per_bit(stack, "self", ps[0], tau_c=tau_s[0], tau_c_err=_finite(tau_s[1]))
    e_b = energy_per_bit(stack, name, ps[1], tau_c=tau_h[0], tau_c_err=_finite(tau_h[1]))
    ratio = e_b.energy / e_s.energy
    rel = [2 * float(ps[0].i0_err) / e_s.i0, 2 * float(ps[1].i0_err) / e_b.i0]
    if not shared:  # the two tau_c are independent measurements
        rel += [_finite(tau_s[1]) / tau_s[0], _finite(tau_h[1]) / tau_h[0]]
    ratio_err = ratio * math.sqrt(sum(r * r for r in rel))
    hm = stack.heavy_metal
    mag = stack.magnet
    desc = (f"{name} (xi_HM = {float(torques_mod.xi_heavy_metal(hm)):.3g}, rho = {float(hm.rho_hm) / 1e-8:.4g} "
            f"uOhm cm, t = {float(hm.thickness) * 1e9:.3g} nm) vs self-torque (xi_DL = "
            f"{float(torques_mod.xi_self(stack.self_torque, mag.thickness)):.3g}, rho_F = "
            f"{float(stack.self_torque.rho_fm) / 1e-8:.4g} uOhm cm, t_F = {float(mag.thickness) * 1e9:.3g} nm)")
    i_s, i_h = float(switching.critical_current(d_self)), float(switching.critical_current(d_hm))
    e_sw = {"self": float(energy.pulse_energy(stack, "self", i_s, 1e-9)),
            name: float(energy.pulse_energy(stack, name, i_h, 1e-9))}
    try:
        g_s = energy_range.gains(d_self, ps[0], probe_s, ps[2])
        g_h = g_s if shared else energy_range.gains(d_hm, ps[1], probe_h, ps[3])
        rng = energy_range.ratio_range(stack, g_s, g_h, torques_on=torques, offsets=(e_s.offset, e_b.offset),
                                       tau_ratio=tau_h[0] / tau_s[0])
    except ValueError:
        g_s, g_h, rng = None, None, None
    labels = ["self", name, "probe"] + ([] if shared else ["probe_" + name])
    return BitComparison(e_s, e_b, ratio, ratio_err, desc, what, e_sw[name] / e_sw["self"], e_sw,
                         {"self": tau_s, name: tau_h}, {"self": g_s, name: g_h}, rng,
                         dict(zip(labels, curves)), dict(zip(labels, ps)))


def _finite(x: float) -> float:
    return float(x) if np.isfinite(x) else 0.0


def vs_dissipation(key, stack: Stack, a_afmi: ArrayLike, **kw) -> tuple[np.ndarray, list[EnergyPerBit]]:
    """Energy per random bit of the self-torque p-bit vs the AFMI spin-loss fraction a_AFMI (one sLLG run).

    The stack's sigma || Neel vector loss fraction ``a_par`` is set to each value (the dissipation parameter of
    docs/physics.md §1.4-1.5: xi_DL = theta_FM eta(a_AFMI, a_cap, t_F/lambda)); the damping includes the spin pumping of
    the same interface unless ``stack.self_torque.spin_pumping`` is off (:func:`pbits.device.stack.drives`). Values with
    a_AFMI = a_cap give xi_DL = 0 (symmetric stack, no bias) and are returned as None. Keyword arguments go to
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
    a = _check_a(a_afmi, "vs_dissipation")
    mag = stack.magnet
    sts = [stack.self_torque._replace(a_par=float(v), neel=stack.self_torque.sigma) for v in a]
    xi = np.array([float(torques.xi_self(st, mag.thickness)) for st in sts])
    live = [q for q in range(a.size) if abs(xi[q]) > 0]
    out: list = [None] * a.size
    if live:
        devs = [drives(stack._replace(self_torque=sts[q]))["self"] for q in live]
        ps, _, _ = calibrate_drives(key, devs, **kw)
        for q, p in zip(live, ps):
            out[q] = energy_per_bit(stack._replace(self_torque=sts[q]), "self", p)
    return xi, out


def _check_a(a_afmi, where):
    a = np.asarray(a_afmi, dtype=float).reshape(-1)
    if a.size == 0 or np.any(~np.isfinite(a)) or np.any(a < 0) or np.any(a >= 1):
        raise ValueError(f"energy_per_bit.{where}: a_afmi must be a non-empty list of fractions in [0, 1), "
                         f"got {a_afmi!r}")
    return a


class DissipationSweep(NamedTuple):
    """Self-torque p-bit vs the AFMI spin-loss fraction, with and without spin-pumping damping (rows 0 and 1)."""

    a_afmi: np.ndarray  # (K,) spin-loss fractions [-]
    xi_dl: np.ndarray  # (K,) damping-like efficiency [-]
    alpha: np.ndarray  # (2, K) damping: with spin pumping (row 0), without (row 1) [-]
    i_c: np.ndarray  # (2, K) zero-temperature critical current [A]
    e_switch: np.ndarray  # (2, K) Joule energy of a 1 ns pulse at I_c [J]
    e_bit: np.ndarray  # (2, K) energy per random bit from sLLG (NaN if not measured) [J]
    e_bit_err: np.ndarray  # (2, K) its standard error [J]
    optimum: dict  # quantity -> (a at the minimum with pumping, without) from a fine analytic grid or the sLLG points


def dissipation_sweep(key, stack: Stack, a_afmi: ArrayLike, *, sllg: bool = True, **kw) -> DissipationSweep:
    """I_c, energy per switch and energy per random bit of the self-torque p-bit vs a_AFMI, with and without spin
    pumping, and the dissipation that minimises each.

    The spin-loss fraction a_AFMI sets the torque, xi_DL = theta_FM eta(a, a_cap, t_F/lambda), and, through the same
    interface conductance G = (sigma_F/lambda) a/(1 - a), the spin-pumping damping delta_alpha = g mu_B g_r/(4 pi M_s t_F)
    (Tserkovnyak, Brataas & Bauer, PRL 88, 117601 (2002); :func:`pbits.device.pumping.spin_pumping_self`). Without it
    (fixed alpha) "more loss, less current" holds at every a; with it I_c ~ alpha(a)/xi_DL(a) has a minimum. I_c from
    :func:`pbits.analysis.switching.critical_current` (field-like torque included), E_switch = R I_c^2 x 1 ns, both
    analytic, their optimum on a 400-point grid over [a_cap, 0.995]; E_bit from one sLLG calibration of all 2K devices
    (``sllg=False`` skips it; keyword arguments go to :func:`calibrate_drives`), its optimum the best measured point.

    Example:
        >>> from pbits.device import stack
        >>> sw = dissipation_sweep(jax.random.key(0), stack.ni_disk(), [0.2, 0.5, 0.8], sllg=False)
        >>> a_opt_with, a_opt_without = sw.optimum["i_c"]
        >>> 0.2 < a_opt_with < 0.6 < a_opt_without
        True
    """
    a = _check_a(a_afmi, "dissipation_sweep")
    base = stack.self_torque._replace(neel=stack.self_torque.sigma)

    def analytic(values, pumping):
        sts = [base._replace(a_par=float(v), spin_pumping=pumping) for v in values]
        xi = np.array([float(torques.xi_self(st, stack.magnet.thickness)) for st in sts])
        devs = [drives(stack._replace(self_torque=st))["self"] for st in sts]
        alpha = np.array([float(d.magnet.alpha) for d in devs])
        with np.errstate(divide="ignore"):
            i_c = np.array([float(switching.critical_current(d)) if x != 0 else np.inf for d, x in zip(devs, xi)])
        e_sw = np.array([float(energy.pulse_energy_self(st, stack.magnet, i, 1e-9)) if np.isfinite(i) else np.inf
                         for st, i in zip(sts, i_c)])
        return xi, alpha, i_c, e_sw, devs, sts

    rows = [analytic(a, True), analytic(a, False)]
    fine = np.linspace(float(base.a_cap), 0.995, 400)[1:]
    opt = {"i_c": [], "e_switch": []}
    for pumping in (True, False):
        _, _, i_c, e_sw, _, _ = analytic(fine, pumping)
        opt["i_c"].append(float(fine[int(np.argmin(i_c))]))
        opt["e_switch"].append(float(fine[int(np.argmin(e_sw))]))
    e_bit = np.full((2, a.size), np.nan)
    e_err = np.full((2, a.size), np.nan)
    if sllg:
        live = [(r, q) for r in range(2) for q in range(a.size) if rows[r][0][q] != 0]
        ps, _, _ = calibrate_drives(key, [rows[r][4][q] for r, q in live], **kw)
        for (r, q), p in zip(live, ps):
            e = energy_per_bit(stack._replace(self_torque=rows[r][5][q]), "self", p,
                               tau_c_err=0.0)
            e_bit[r, q], e_err[r, q] = e.energy, e.energy * 2 * float(p.i0_err) / e.i0
        opt["e_bit"] = [float(a[int(np.nanargmin(e_bit[r]))]) if np.any(np.isfinite(e_bit[r])) else float("nan")
                        for r in range(2)]
    opt = {k: tuple(v) for k, v in opt.items()}
    return DissipationSweep(a, rows[0][0], np.stack([rows[0][1], rows[1][1]]), np.stack([rows[0][2], rows[1][2]]),
                            np.stack([rows[0][3], rows[1][3]]), e_bit, e_err, opt)
