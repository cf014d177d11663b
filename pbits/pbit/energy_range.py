"""Energy-per-bit ratios over the uncertain inputs, from one sLLG measurement of the magnet's two responses.

A p-bit biased along its easy axis n responds to two kinds of drive: the damping-like field H_DL (with sigma || n)
and any field along n (the field-like torque H_FL sigma and the Oersted field are both fields; docs/physics.md §2.1,
§3.4). Near zero bias the transfer curve <s> = tanh(x) has

    x = I [g_DL (H_DL/I) s + g_Z ((H_FL/I) s + (H_Oe/I).n)],   s = sigma.n,

with two gains of the *magnet* alone: g_DL [1/(A/m)] and g_Z [1/(A/m)] (for a PMA magnet in the Ising limit
g_DL = g_Z/alpha, docs/physics.md §3.4; for an in-plane disk g_Z/g_DL ~ alpha (2 + H_D/H_K), which is why a field-like
torque matters so much there). :func:`gains` measures both from one sLLG calibration (a damping-like drive and a pure
field drive of the same magnet), and :func:`ratio_range` then gives the energy-per-bit ratio of the two torque schemes
of a :class:`pbits.device.stack.Stack` for every combination of the inputs the sources leave open: the heavy metal's
field-like ratio, the sign of its Oersted field (which side of the HM the FM sits on), whether the FM shunts current
(and the sign of the torque that shunted current exerts, docs/physics.md §1.6), and the resistivities. Both schemes
share one magnet, so one tau_c serves both and cancels from the ratio: ratio = (R_HM I0_HM^2)/(R_self I0_self^2).
The device is that of Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w.
"""
from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np

from pbits import constants as C
from pbits.analysis import energy, switching
from pbits.device import torques
from pbits.device.stack import Device, Stack, drives

# Field-like / damping-like ratios of the heavy-metal baselines: (value used with torques="all", low, high).
# Pt: Garello et al., Nat. Nanotechnol. 8, 587 (2013) and Nguyen, Ralph & Buhrman, PRL 116, 126601 (2016) report
# field-like torques from a small fraction up to about half of the damping-like one [M]; beta-Ta/CoFeB: Kim et al.,
# Nat. Mater. 12, 240 (2013), field-like up to ~2-3x the damping-like one in ultrathin CoFeB [M]; beta-W: no value for
# this geometry, the Pt range doubled [P]. The sign relative to the damping-like torque is taken as positive (as for the
# Ni self-torque of the KMS 2025 poster); the opposite sign is not in the range.
FIELD_LIKE = {"pt": (0.2, 0.0, 0.5), "ta": (1.0, 0.0, 3.0), "w": (0.3, 0.0, 1.0)}
# Resistivity ranges [uOhm cm]: Pt 20-50 (Liu et al., PRL 106, 036601 (2011)) [M]; beta-Ta 150-230 around the 190 of
# Liu et al., Science 336, 555 (2012) [M/P]; beta-W 200-260 (Pai et al., APL 101, 122404 (2012)) [M]; the FM x0.7-1.5
# (thin films, docs/physics.md §1.5) [M].
RHO_HM = {"pt": (20.0, 50.0), "ta": (150.0, 230.0), "w": (200.0, 260.0)}
RHO_FM_FACTOR = (0.7, 1.5)
ATANH09 = math.atanh(0.9)


class Gains(NamedTuple):
    """The magnet's linear response near zero bias: x = g_DL H_DL s + g_Z H_n (module docstring)."""

    g_dl: float  # gain per damping-like field [1/(A/m)]
    g_dl_err: float  # its standard error [1/(A/m)]
    g_z: float  # gain per field along the easy axis [1/(A/m)]
    g_z_err: float  # its standard error [1/(A/m)]
    alpha: float = float("nan")  # damping of the magnet they were measured on [-]


def gain_of(params) -> tuple[float, float]:
    """Signed gain 1/I0 [1/A] and its standard error from a :class:`pbits.pbit.calibrate.PbitParams`."""
    i0, err = float(params.i0), float(params.i0_err)
    return 1.0 / i0, abs(err) / (i0 * i0)


def _along(drive: torques.Drive, mag) -> tuple[float, float, float]:
    """(H_DL/I) s, (H_FL/I) s and (H_Oe/I).n of a drive on a single magnet, s = sigma.n."""
    n = np.asarray(mag.easy_axis, dtype=float)
    s = float(np.dot(np.asarray(drive.sigma, dtype=float), n))
    return float(drive.dl) * s, float(drive.fl) * s, float(np.dot(np.asarray(drive.oe, dtype=float), n))


def gains(dl_device: Device, dl_params, probe_device: Device, probe_params) -> Gains:
    """g_DL and g_Z from the calibrations of a drive with a damping-like part and of a pure field drive.

    The probe has no damping-like torque: g_Z = gain_probe/(H/I). Then g_DL = (gain - g_Z H_n/I)/((H_DL/I) s) for the
    other drive (module docstring). Errors propagated from the fits' I0 errors.

    Example:
        >>> from pbits.device import magnet
        >>> from pbits.pbit.calibrate import PbitParams
        >>> mag = magnet.uniaxial(1.0, 1.0)
        >>> p = lambda i0: PbitParams(*(np.asarray(v) for v in (i0, 1 / i0, 0.0, 1e-9, 1.0, 1e-9, 0.0, 0.0, 0.0)))
        >>> g = gains(Device(mag, torques.Drive(2.0, 0.0, (0, 0, 1), (0, 0, 0))), p(1.0),
        ...           Device(mag, torques.Drive(0.0, 4.0, (0, 0, 1), (0, 0, 0))), p(1.0))
        >>> g.g_dl, g.g_z
        (0.5, 0.25)
    """
    dl, fl, oe = _along(dl_device.drive, dl_device.magnet)
    _, fl_p, oe_p = _along(probe_device.drive, probe_device.magnet)
    if dl == 0 or fl_p + oe_p == 0:
        raise ValueError("energy_range.gains: the first drive needs a damping-like torque along the easy axis and the "
                         "probe a field along it; got H_DL/I = 0 or a probe field of 0")
    gp, gp_err = gain_of(probe_params)
    gd, gd_err = gain_of(dl_params)
    g_z, g_z_err = gp / (fl_p + oe_p), gp_err / abs(fl_p + oe_p)
    g_dl = (gd - g_z * (fl + oe)) / dl
    g_dl_err = math.hypot(gd_err, abs(fl + oe) * g_z_err) / abs(dl)
    return Gains(g_dl, g_dl_err, g_z, g_z_err, float(dl_device.magnet.alpha))


def predicted_gain(g: Gains, device: Device) -> float:
    """The linear-response gain 1/I0 [1/A] of a drive on the calibrated magnet (module docstring).

    A magnet with another damping than the one measured: the damping-like gain scales as 1/alpha (the torque enters as
    H_DL/alpha, docs/physics.md §3.3-3.4) and the field gain, an equilibrium property, does not.
    """
    dl, fl, oe = _along(device.drive, device.magnet)
    scale = g.alpha / float(device.magnet.alpha) if np.isfinite(g.alpha) else 1.0
    return g.g_dl * scale * dl + g.g_z * (fl + oe)


class Case(NamedTuple):
    """One combination of the uncertain inputs and its predicted energy-per-bit ratio."""

    beta_hm: float  # field-like ratio of the heavy metal [-]
    oersted: float  # Oersted field sign (+1 FM on top of the HM, -1 below, 0 compensated) [-]
    shunt: bool  # the FM conducts in the bilayer (current divider) [-]
    shunt_torque: float  # sign of the shunted current's own torque relative to the HM's (0: not counted) [-]
    rho_hm: float  # heavy-metal resistivity [Ohm m]
    rho_fm: float  # FM resistivity (both schemes) [Ohm m]
    ratio: float  # E_bit(HM)/E_bit(self) [-] (inf: the HM drive gives no net bias, not a p-bit)
    ratio_switch: float  # E_switch(HM)/E_switch(self) at the zero-temperature critical currents [-]


class Range(NamedTuple):
    """The ratio over all cases, with the extreme cases."""

    low: Case  # case with the smallest energy-per-bit ratio
    high: Case  # case with the largest one
    cases: list  # every :class:`Case`
    switch_low: float  # smallest energy-per-switch ratio [-]
    switch_high: float  # largest energy-per-switch ratio [-]


def _heavy_metal_variant(stack: Stack, *, beta, rho_hm, rho_fm, shunt, shunt_torque):
    hm = stack.heavy_metal
    st = stack.self_torque
    # an FM that does not shunt: the bilayer current flows in the HM only (rho_F -> infinity in the divider)
    rho_div = rho_fm if shunt else 1e6 * float(hm.rho_hm)
    xi_fm = 0.0
    if shunt and shunt_torque:
        # the FM's own torque from its share of the current, with the HM as the spin sink (same loss fraction as
        # the AFMI of the self-torque stack [P]) and the cap unchanged (docs/physics.md §1.4)
        xi_fm = shunt_torque * abs(float(torques.xi_self(st, stack.magnet.thickness))) * np.sign(float(hm.xi_inf))
    return hm._replace(beta_fl=beta, rho_hm=rho_hm, rho_fm=rho_div, xi_fm=xi_fm)


def ratio_range(stack: Stack, g: Gains, g_hm: Gains | None = None, *, torques_on: str = "all",
                offsets: tuple[float, float] = (0.0, 0.0), tau_ratio: float = 1.0) -> Range:
    """Energy-per-bit (and per-switch) ratio HM/self over the uncertain inputs, from the measured gains.

    ``torques_on="all"``: both schemes with their damping- and field-like torques and the HM's Oersted field; the HM
    field-like ratio spans :data:`FIELD_LIKE`, the Oersted sign {-1, 0, +1}. ``"dl"``: damping-like torques only.
    Both: resistivities over :data:`RHO_HM` and :data:`RHO_FM_FACTOR`, the FM shunting on/off and, when it shunts,
    its own torque off or with either sign. Energy per bit P(I at <s> = +-0.9) tau_c, so the ratio is
    (R_HM I_HM^2 tau_HM)/(R_self I_self^2 tau_self), I = I0 (atanh 0.9 + |offset|) (``offsets``: the measured self and
    HM offsets; ``tau_ratio`` = tau_HM/tau_self, 1 for a shared magnet). ``g`` are the gains of the self-torque
    device's magnet and ``g_hm`` those of the heavy-metal device's (default ``g``; they differ when spin pumping gives
    the two a different alpha). The devices are those of :func:`pbits.device.stack.drives`; energy per switch from :func:`pbits.analysis.switching.critical_current` (field-like and Oersted
    included) and :func:`pbits.analysis.energy.pulse_energy` (docs/physics.md §1.6, §3.3).

    Example:
        >>> from pbits.device import stack
        >>> r = ratio_range(stack.ni_disk("pt"), Gains(1.0, 0.0, 5.0, 0.0), torques_on="dl")
        >>> r.low.ratio <= r.high.ratio
        True
    """
    if torques_on not in ("all", "dl"):
        raise ValueError(f"energy_range.ratio_range: torques_on must be 'all' or 'dl', got {torques_on!r}")
    g_hm = g if g_hm is None else g_hm
    st, hm, name = stack.self_torque, stack.heavy_metal, stack.baseline
    beta_c, beta_lo, beta_hi = FIELD_LIKE[name]
    betas = (beta_lo, beta_c, beta_hi) if torques_on == "all" else (0.0,)
    signs = (-1.0, 0.0, 1.0) if torques_on == "all" else (0.0,)
    rho_hms = tuple(v * C.UOHM_CM for v in RHO_HM[name]) + (float(hm.rho_hm),)
    rho_fms = tuple(f * float(st.rho_fm) for f in RHO_FM_FACTOR) + (float(st.rho_fm),)
    cases = []
    for beta, sign, shunt, tq, rho_hm, rho_fm in itertools.product(betas, signs, (True, False), (0.0, -1.0, 1.0),
                                                                   rho_hms, rho_fms):
        if tq and not shunt:
            continue
        st_v = st._replace(rho_fm=rho_fm, beta_fl=st.beta_fl if torques_on == "all" else 0.0)
        hm_v = _heavy_metal_variant(stack, beta=beta, rho_hm=rho_hm, rho_fm=rho_fm, shunt=shunt, shunt_torque=tq)
        d = drives(stack._replace(self_torque=st_v, heavy_metal=hm_v))
        d_self, d_hm = d["self"], d[name]
        d_hm = d_hm._replace(drive=d_hm.drive._replace(oe=np.asarray(d_hm.drive.oe) * sign))
        g_s, g_h = abs(predicted_gain(g, d_self)), abs(predicted_gain(g_hm, d_hm))
        r_s = float(energy.pulse_energy_self(st_v, stack.magnet, 1.0, 1.0))
        r_h = float(energy.pulse_energy_heavy_metal(hm_v, stack.magnet, 1.0, 1.0))
        u_s, u_h = ATANH09 + abs(offsets[0]), ATANH09 + abs(offsets[1])
        ratio = tau_ratio * (r_h * (u_h / g_h) ** 2) / (r_s * (u_s / g_s) ** 2) if g_h > 0 else math.inf
        i_s, i_h = float(switching.critical_current(d_self)), float(switching.critical_current(d_hm))
        ratio_sw = (r_h * i_h**2) / (r_s * i_s**2)
        cases.append(Case(beta, sign, shunt, tq, rho_hm, rho_fm, ratio, ratio_sw))
    lo = min(cases, key=lambda c: c.ratio)
    hi = max(cases, key=lambda c: c.ratio)
    sw = [c.ratio_switch for c in cases]
    return Range(lo, hi, cases, float(np.min(sw)), float(np.max(sw)))


def describe(c: Case) -> str:
    """One line naming a case's inputs."""
    shunt = ("FM shunts, its own torque " + {0.0: "not counted", 1.0: "adds", -1.0: "opposes"}[c.shunt_torque]
             if c.shunt else "FM does not shunt")
    return (f"beta_FL(HM) = {c.beta_hm:g}, Oersted sign {c.oersted:+g}, {shunt}, rho_HM = {c.rho_hm / C.UOHM_CM:.4g} "
            f"uOhm cm, rho_F = {c.rho_fm / C.UOHM_CM:.4g} uOhm cm")
