"""Current-driven torques: magnonic-dissipation self-torque, heavy-metal SOT, STT, applied field.

Every torque model maps a charge current I [A] to a damping-like field H_DL, a field-like field
H_FL (both [A/m], Gilbert convention: experiments extract xi from effective fields, docs/physics.md §2.1)
and an Oersted field, all *linear* in I for a fixed polarisation axis sigma. A model is therefore
compiled once into a :class:`Drive` of per-ampere coefficients, which the integrator multiplies by
each magnet's current at each step (``amplitudes`` does the same for an array of currents).

Gilbert-form torque (docs/physics.md §1.5; Choi et al., Nature Communications 2025,
doi:10.1038/s41467-025-61073-w):

    tau = -gamma0 H_DL m x (m x sigma) - gamma0 H_FL m x sigma,
    H_DL = hbar xi_DL J / (2 e mu0 M_s t_F),   H_FL = beta_FL H_DL.
"""
from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from pbits import constants as C
from pbits.device.magnet import Magnet


class Drive(NamedTuple):
    """Linear response of one magnet (or N, broadcast) to its current I [A]."""

    dl: ArrayLike  # damping-like field per ampere, H_DL/I [A/m per A] (signed)
    fl: ArrayLike  # field-like field per ampere, H_FL/I [A/m per A] (signed)
    sigma: ArrayLike  # unit spin polarisation for I > 0, shape (3,) or (3, N) [-]
    oe: ArrayLike  # Oersted field per ampere, shape (3,) or (3, N) [A/m per A]
    lam2: ArrayLike | None = None  # STT asymmetry Lambda^2 (None: angle-independent torque) [-]


class Amplitudes(NamedTuple):
    """Torque amplitudes for given currents (same broadcasting as the inputs)."""

    h_dl: ArrayLike  # damping-like field [A/m]
    h_fl: ArrayLike  # field-like field [A/m]
    h_oe: ArrayLike  # Oersted field vector, shape (3, ...) [A/m]


class SelfTorque(NamedTuple):
    """FM / AFM-insulator stack with the magnonic-dissipation self-torque (docs/physics.md §1.4-1.5)."""

    theta_fm: ArrayLike  # bulk spin-Hall-like efficiency of the FM, theta_FM [-] (signed)
    a_par: ArrayLike  # spin-loss fraction into the AFMI for sigma parallel to the Neel vector [-]
    a_perp: ArrayLike  # spin-loss fraction into the AFMI for sigma perpendicular to it [-]
    a_cap: ArrayLike  # spin-loss fraction into the cap layer [-]
    lam: ArrayLike  # transverse-spin dephasing length lambda [m]
    beta_fl: ArrayLike  # field-like / damping-like ratio xi_FL/xi_DL [-]
    rho_fm: ArrayLike  # FM resistivity [Ohm m]
    width: ArrayLike  # channel width perpendicular to the current [m]
    length: ArrayLike  # channel length along the current (for Joule energy) [m]
    neel: ArrayLike = (0.0, 1.0, 0.0)  # Neel-vector axis of the AFMI, shape (3,) [-]
    sigma: ArrayLike = (0.0, 1.0, 0.0)  # spin polarisation for I > 0 (sign s_sigma included) [-]
    spin_pumping: bool = True  # add the spin-pumping damping of the sink interfaces to alpha (spin_pumping_self)


class HeavyMetal(NamedTuple):
    """Heavy-metal / FM bilayer, spin Hall SOT baseline (docs/physics.md §1.6)."""

    xi_inf: ArrayLike  # bulk spin Hall angle xi_HM^inf [-] (signed: Pt > 0, Ta/W < 0)
    rho_hm: ArrayLike  # heavy-metal resistivity [Ohm m]
    lambda_s: ArrayLike  # spin diffusion length of the heavy metal [m]
    thickness: ArrayLike  # heavy-metal thickness t_HM [m]
    rho_fm: ArrayLike  # FM resistivity (current divider) [Ohm m]
    width: ArrayLike  # channel width [m]
    length: ArrayLike  # channel length (for Joule energy) [m]
    beta_fl: ArrayLike = 0.0  # field-like / damping-like ratio [-]
    sigma: ArrayLike = (0.0, 1.0, 0.0)  # spin polarisation for I > 0 [-]
    xi_fm: ArrayLike = 0.0  # damping-like efficiency of the FM's own torque from the current it shunts (signed) [-]
    spin_pumping: bool = True  # add the spin-pumping damping of the HM spin sink to alpha (spin_pumping_heavy_metal)


# field -> (lower bound, strict, unit) of the validated parameters; None: any finite value
_SELF_RANGES = {"theta_fm": (None, False, "-"), "a_par": (0.0, False, "-"), "a_perp": (0.0, False, "-"),
                "a_cap": (0.0, False, "-"), "lam": (0.0, True, "m"), "beta_fl": (None, False, "-"),
                "rho_fm": (0.0, True, "Ohm m"), "width": (0.0, True, "m"), "length": (0.0, True, "m")}
_HM_RANGES = {"xi_inf": (None, False, "-"), "rho_hm": (0.0, True, "Ohm m"), "lambda_s": (0.0, True, "m"),
              "thickness": (0.0, True, "m"), "rho_fm": (0.0, True, "Ohm m"), "width": (0.0, True, "m"),
              "length": (0.0, True, "m"), "beta_fl": (None, False, "-"), "xi_fm": (None, False, "-")}


def _validate(params, ranges: dict, vectors: tuple, what: str, where: str):
    for name, (lo, strict, unit) in ranges.items():
        v = np.asarray(getattr(params, name), dtype=float)
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{where}: {what}.{name} must be finite [{unit}], got {getattr(params, name)!r}")
        if lo is not None and (np.any(v <= lo) if strict else np.any(v < lo)):
            raise ValueError(f"{where}: {what}.{name} must be {'>' if strict else '>='} {lo:g} [{unit}], got "
                             f"{getattr(params, name)!r}")
        if name.startswith("a_") and np.any(v > 1):
            raise ValueError(f"{where}: {what}.{name} is a spin-loss fraction in [0, 1], got {getattr(params, name)!r}")
    for name in vectors:
        v = np.asarray(getattr(params, name), dtype=float)
        if v.shape[:1] != (3,) or not np.all(np.isfinite(v)) or np.any(np.sum(v * v, axis=0) == 0):
            raise ValueError(f"{where}: {what}.{name} must be a finite non-zero 3-vector, got {getattr(params, name)!r}")
    return params


def validate_self(st: "SelfTorque", where: str = "torques.validate_self") -> "SelfTorque":
    """A :class:`SelfTorque` with every field finite, lengths and resistivities > 0 and loss fractions in
    [0, 1] (units in the messages); returned unchanged.

    Example:
        >>> validate_self(preset_self("ni")._replace(width=-1e-7))
        Traceback (most recent call last):
        ...
        ValueError: torques.validate_self: self_torque.width must be > 0 [m], got -1e-07
    """
    return _validate(st, _SELF_RANGES, ("neel", "sigma"), "self_torque", where)


def validate_heavy_metal(hm: "HeavyMetal", where: str = "torques.validate_heavy_metal") -> "HeavyMetal":
    """A :class:`HeavyMetal` with every field finite and lengths and resistivities > 0; returned unchanged.

    Example:
        >>> validate_heavy_metal(preset_heavy_metal("pt")._replace(rho_hm=0.0))
        Traceback (most recent call last):
        ...
        ValueError: torques.validate_heavy_metal: heavy_metal.rho_hm must be > 0 [Ohm m], got 0.0
    """
    return _validate(hm, _HM_RANGES, ("sigma",), "heavy_metal", where)


def eta(a_b: ArrayLike, a_t: ArrayLike, x: ArrayLike):
    """Self-torque efficiency of the drift-diffusion model, eta = T/j0 (docs/physics.md §1.4).

        eta = (a_b - a_t)(e^x - 1)^2 / (e^{2x} - 1 + 2a_b + 2a_t - 4 a_b a_t),  x = t_F/lambda

    a_b, a_t are the spin-loss fractions at the AFMI (bottom) and the cap (top). eta = 0 for a
    symmetric stack, rises monotonically with a_b, and tends to a_b - a_t for thick films.
    Model derived in docs/physics.md §1.4 for the device of Choi et al. 2025 (cf. Ochoa, Zarzuela & Tserkovnyak, arXiv:2103.05743).

    Example:
        >>> round(float(eta(1.0, 0.0, 1.0)), 3)
        0.352
    """
    a_b, a_t, x = np.asarray(a_b), np.asarray(a_t), np.asarray(x)
    ex = np.exp(x)
    return (a_b - a_t) * (ex - 1) ** 2 / (ex * ex - 1 + 2 * a_b + 2 * a_t - 4 * a_b * a_t)


def loss_fraction(st: SelfTorque):
    """AFMI spin-loss fraction at the stack's polarisation: a(psi) = a_perp + (a_par - a_perp) cos^2 psi.

    psi is the angle between sigma and the Neel vector (easy-axis AFMI, docs/physics.md §1.5, after the
    KMS 2025 poster of the Choi et al. team; Nat. Commun. 2025).

    Example:
        >>> st = preset_self("ni")
        >>> round(float(loss_fraction(st._replace(neel=(1.0, 0.0, 0.0)))), 4) == round(float(st.a_perp), 4)
        True
    """
    s = np.asarray(st.sigma, dtype=float)
    n = np.asarray(st.neel, dtype=float)
    cos2 = np.sum(s * n, axis=0) ** 2 / (np.sum(s * s, axis=0) * np.sum(n * n, axis=0))
    return st.a_perp + (st.a_par - st.a_perp) * cos2


def xi_self(st: SelfTorque, thickness: ArrayLike):
    """Damping-like efficiency of the self-torque, xi_DL = theta_FM eta(a_AFMI(psi), a_cap, t_F/lambda).

    docs/physics.md §1.5; Choi et al. 2025.

    Example:
        >>> round(float(xi_self(preset_self("ni"), 3e-9)), 4)
        0.083
    """
    return st.theta_fm * eta(loss_fraction(st), st.a_cap, np.asarray(thickness) / st.lam)


def xi_heavy_metal(hm: HeavyMetal):
    """Thickness-dependent spin Hall angle xi_HM(t) = xi_inf [1 - sech(t_HM/lambda_s)] (docs/physics.md §1.6).

    Sources: Liu et al., PRL 106, 036601 (2011); Pai et al., PRB 92, 064426 (2015) [M].

    Example:
        >>> round(float(xi_heavy_metal(preset_heavy_metal("pt"))), 4)
        0.0743
    """
    return hm.xi_inf * (1 - 1 / np.cosh(np.asarray(hm.thickness) / hm.lambda_s))


def h_dl(xi: ArrayLike, j: ArrayLike, ms: ArrayLike, thickness: ArrayLike):
    """Damping-like effective field H_DL = hbar xi J / (2 e mu0 M_s t_F) [A/m] (docs/physics.md §0, §1.5).

    Choi et al. 2025 (the efficiency definition
    theta = (2e/hbar) M_s t_F H_DL / J of their team's poster).

    Example:
        >>> round(float(C.MU0 * h_dl(0.08, 1e11, 4.8e5, 3e-9)) * 1e3, 2)  # mT
        1.83
    """
    return C.HBAR * np.asarray(xi) * np.asarray(j) / (2 * C.E_CHARGE * C.MU0 * np.asarray(ms) * np.asarray(thickness))


def current_density_self(st: SelfTorque, mag: Magnet, current: ArrayLike):
    """Current density in the FM when only the FM conducts: J = I/(w t_F) [A/m^2] (docs/physics.md §1.5).

    Example:
        >>> from pbits.device import magnet
        >>> round(float(current_density_self(preset_self("ni"), magnet.preset("ni_afmi"), 45e-6)) / 1e11, 4)
        1.0
    """
    return np.asarray(current) / (st.width * np.asarray(mag.thickness))


def current_density_heavy_metal(hm: HeavyMetal, mag: Magnet, current: ArrayLike):
    """Current divider of the HM/FM bilayer: J_HM = I/[w (t_HM + t_F rho_HM/rho_F)], J_F = J_HM rho_HM/rho_F.

    Parallel layers see the same electric field (docs/physics.md §1.6). Returns (J_HM, J_F) [A/m^2].

    Example:
        >>> from pbits.device import magnet
        >>> j_hm, j_f = current_density_heavy_metal(preset_heavy_metal("pt"), magnet.preset("ni_afmi"), 1e-3)
        >>> bool(j_f > j_hm)  # Pt (30 uOhm cm) is more resistive than Ni (25 uOhm cm)
        True
    """
    j_hm = np.asarray(current) / (hm.width * (hm.thickness + np.asarray(mag.thickness) * hm.rho_hm / hm.rho_fm))
    return j_hm, j_hm * hm.rho_hm / hm.rho_fm


def drive_self(st: SelfTorque, mag: Magnet) -> Drive:
    """Per-ampere coefficients of the magnonic-dissipation self-torque (no self-Oersted field).

    H_DL/I = hbar xi_DL/(2 e mu0 M_s t_F * w t_F), H_FL = beta_FL H_DL; only the FM conducts so the
    field of the uniform current sheet averages to zero on the FM itself (docs/physics.md §1.5;
    Choi et al. 2025).

    Example:
        >>> from pbits.device import magnet
        >>> d = drive_self(preset_self("ni"), magnet.preset("ni_afmi"))
        >>> float(np.max(np.abs(d.oe)))
        0.0
    """
    xi = xi_self(st, mag.thickness)
    dl = h_dl(xi, current_density_self(st, mag, 1.0), mag.ms, mag.thickness)
    sigma = _unit(st.sigma)
    return Drive(dl, st.beta_fl * dl, sigma, np.zeros_like(sigma))


def drive_heavy_metal(hm: HeavyMetal, mag: Magnet) -> Drive:
    """Per-ampere coefficients of heavy-metal SOT with current shunting and Oersted field.

    H_DL = hbar [xi_HM(t) J_HM + xi_FM J_F]/(2 e mu0 M_s t_F): the spin Hall torque of the HM current plus the FM's own
    (self-)torque from the current J_F it shunts (``hm.xi_fm``, 0 in the presets; the same mechanism as the
    self-torque stack, docs/physics.md §1.4, with the HM as the spin sink); H_FL = beta_FL xi_HM-part; Oersted field
    J_HM t_HM/2 along -y for an FM on top of the HM with the current along +x (docs/physics.md §1.6; Liu et al.,
    Science 336, 555 (2012) [M]). Baseline for Choi et al. 2025.

    Example:
        >>> from pbits.device import magnet
        >>> d = drive_heavy_metal(preset_heavy_metal("ta"), magnet.preset("ni_afmi"))
        >>> bool(d.dl < 0)
        True
    """
    j_hm, j_f = current_density_heavy_metal(hm, mag, 1.0)
    dl_hm = h_dl(xi_heavy_metal(hm), j_hm, mag.ms, mag.thickness)
    dl = dl_hm + h_dl(hm.xi_fm, j_f, mag.ms, mag.thickness)
    oe = np.array([0.0, -1.0, 0.0]) * (j_hm * hm.thickness / 2)
    return Drive(dl, hm.beta_fl * dl_hm, _unit(hm.sigma), oe)


def drive_stt(mag: Magnet, *, polarization: float, area: float, lam: float = 1.0, beta: float = 0.0,
              p: ArrayLike = (0.0, 0.0, 1.0)) -> Drive:
    """Slonczewski spin-transfer torque of an MTJ with reference layer p (docs/physics.md §2.3).

    a_J = hbar eta(theta) J/(2 e mu0 M_s t_F), b_J = beta a_J, J = I/area, with
    eta(theta) = P Lambda^2/[(Lambda^2+1) + (Lambda^2-1) m.p] (as in cmtj). The angular factor is
    applied inside the integrator through ``lam2``. MTJ read-out of the Choi et al. device
    (Nat. Commun. 2025) is the intended use.

    Example:
        >>> from pbits.device import magnet
        >>> d = drive_stt(magnet.preset("pma"), polarization=0.6, area=1.96e-15)
        >>> float(d.lam2)
        1.0
    """
    for name, v in (("polarization", polarization), ("area", area), ("lam", lam)):
        if not np.isfinite(v) or v <= 0:
            raise ValueError(f"torques.drive_stt: {name} must be a finite number > 0, got {v!r}")
    dl = C.HBAR * (polarization / 2) / (2 * C.E_CHARGE * C.MU0 * np.asarray(mag.ms) * np.asarray(mag.thickness) * area)
    sigma = _unit(p)
    return Drive(dl, beta * dl, sigma, np.zeros_like(sigma), np.asarray(float(lam) ** 2))


def no_drive() -> Drive:
    """A drive with zero torque (free magnet).

    Example:
        >>> float(no_drive().dl)
        0.0
    """
    return Drive(np.asarray(0.0), np.asarray(0.0), np.array([0.0, 1.0, 0.0]), np.zeros(3))


def amplitudes(drive: Drive, current: ArrayLike) -> Amplitudes:
    """Torque amplitudes for an array of currents [A], one per magnet (broadcasts).

    H_DL = (H_DL/I) I, H_FL = (H_FL/I) I, H_Oe = (H_Oe/I) I (docs/physics.md §1.5-1.6).

    Example:
        >>> from pbits.device import magnet
        >>> a = amplitudes(drive_self(preset_self("ni"), magnet.preset("ni_afmi")), jnp.array([0.0, 45e-6]))
        >>> round(float(C.MU0 * a.h_dl[1]) * 1e3, 2)  # mT at J = 1e11 A/m^2, xi = 0.083
        1.9
    """
    i = jnp.asarray(current)
    oe = jnp.asarray(drive.oe)
    if oe.ndim == 1:
        oe = oe.reshape((3,) + (1,) * i.ndim)
    return Amplitudes(drive.dl * i, drive.fl * i, oe * i)


def applied_field(mu0_h: ArrayLike, direction: ArrayLike = (0.0, 0.0, 1.0)):
    """Applied field H_ext [A/m] from mu0*H [T] along a direction (docs/physics.md §2.2, Zeeman term).

    Example:
        >>> h = applied_field(0.01, (1, 0, 0))
        >>> round(float(h[0]))
        7958
    """
    return np.asarray(mu0_h) / C.MU0 * _unit(direction)


def _unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.sqrt(np.sum(v * v, axis=0))


def _solve_a(target_eta: float, a_cap: float, x: float) -> float:
    """Invert eta(a, a_cap, x) = target_eta for a in [a_cap, 1] (eta is monotonic in a)."""
    lo, hi = float(a_cap), 1.0
    f = lambda a: float(eta(a, a_cap, x)) - target_eta  # noqa: E731
    if f(hi) < 0 or f(lo) > 0:
        raise ValueError(f"torques: target efficiency needs eta = {target_eta:.4g}, outside [0, eta(1)] = "
                         f"[0, {float(eta(1.0, a_cap, x)):.4g}] at t_F/lambda = {x:.3g}; raise theta_fm")
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
    return 0.5 * (lo + hi)


def self_torque_from_efficiencies(xi_par: float, xi_perp: float, *, thickness: float, a_par: float = 0.8,
                                  a_cap: float = 0.0, lam: float = 1e-9, beta_fl: float = 0.0,
                                  rho_fm: float = 25 * C.UOHM_CM, width: float = 150e-9,
                                  length: float = 50e-9) -> SelfTorque:
    """Self-torque stack that reproduces measured efficiencies xi_DL for sigma || n and sigma _|_ n.

    theta_FM = xi_par/eta(a_par, a_cap, t_F/lambda), then a_perp solves theta_FM eta(a_perp, ...) = xi_perp
    (docs/physics.md §1.5 table; data from the KMS 2025 poster of the team of Choi et al. 2025).

    Example:
        >>> st = self_torque_from_efficiencies(0.083, 0.07, thickness=3e-9)
        >>> round(float(st.theta_fm), 3)
        0.115
    """
    x = thickness / lam
    theta = xi_par / float(eta(a_par, a_cap, x))
    a_perp = _solve_a(xi_perp / theta, a_cap, x)
    return SelfTorque(theta, a_par, a_perp, a_cap, lam, beta_fl, rho_fm, width, length)


# Poster data (docs/physics.md §1.2, §1.5): Ni xi = 0.083 / 0.07, beta_FL = 0.16, rho = 25 uOhm cm;
# CoFeB 0.05 / 0.014, beta_FL = 1.0, rho = 170 uOhm cm; Py theta_FM = 0.053 (Wang et al. 2019), isotropic.
def preset_self(name: str, *, thickness: float = 3e-9, width: float = 150e-9, length: float = 50e-9) -> SelfTorque:
    """Self-torque stack presets ``ni``, ``cofeb``, ``py`` on an easy-axis AFMI (Neel vector || y).

    Example:
        >>> round(float(xi_self(preset_self("cofeb")._replace(neel=(1.0, 0.0, 0.0)), 3e-9)), 3)
        0.014
    """
    common = dict(thickness=thickness, width=width, length=length)
    if name == "ni":
        return self_torque_from_efficiencies(0.083, 0.07, beta_fl=0.16, rho_fm=25 * C.UOHM_CM, **common)
    if name == "cofeb":
        return self_torque_from_efficiencies(0.05, 0.014, beta_fl=1.0, rho_fm=170 * C.UOHM_CM, **common)
    if name == "py":
        xi = 0.053 * float(eta(0.8, 0.0, thickness / 1e-9))
        return self_torque_from_efficiencies(xi, xi, beta_fl=0.0, rho_fm=35 * C.UOHM_CM, **common)
    raise ValueError(f"torques.preset_self: unknown name {name!r}; choose ni, cofeb or py")


# Heavy metals [M] (docs/physics.md §1.6): Pt 0.08 / 30 uOhm cm / 1.5 nm; beta-Ta -0.12 / 190 / 1.0 nm;
# beta-W -0.30 / 230 / 1.5 nm; 5 nm thick.
_HM = {"pt": (0.08, 30.0, 1.5e-9), "ta": (-0.12, 190.0, 1.0e-9), "w": (-0.30, 230.0, 1.5e-9)}


def preset_heavy_metal(name: str, *, thickness: float = 5e-9, rho_fm: float = 25 * C.UOHM_CM,
                       width: float = 150e-9, length: float = 50e-9) -> HeavyMetal:
    """Heavy-metal presets ``pt``, ``ta`` (beta-Ta), ``w`` (beta-W) from docs/physics.md §1.6 [M].

    Liu et al., PRL 106, 036601 (2011) and Science 336, 555 (2012); Pai et al., APL 101, 122404 (2012).

    Example:
        >>> preset_heavy_metal("w").xi_inf
        -0.3
    """
    if name not in _HM:
        raise ValueError(f"torques.preset_heavy_metal: unknown name {name!r}; choose one of {', '.join(_HM)}")
    xi, rho, lam_s = _HM[name]
    return HeavyMetal(xi, rho * C.UOHM_CM, lam_s, thickness, rho_fm, width, length)

