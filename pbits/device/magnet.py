"""The nanomagnet: macrospin parameters, a validating constructor, derived quantities, presets.

Layout convention used by the whole device engine: *components first*. A single magnet's
vector (m, easy axis, field) has shape ``(3,)``; N magnets have shape ``(3, N)``; scalars are
``()`` or ``(N,)``. Everything broadcasts, so the physics is written once for one magnet and the
same code runs on arrays of magnets (structure of arrays: m_x, m_y, m_z are contiguous rows).

Energy (docs/physics.md §2.2; Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w,
for the device; Beleggia et al., J. Phys. D 38, 3333 (2005) for demagnetising factors):

    E(m) = -K_u V (m.n)^2 + (mu0 M_s^2 V / 2) sum_i N_i m_i^2 - mu0 M_s V m.H_ext

with ``H_K = 2 K_u / (mu0 M_s)`` the crystalline anisotropy field.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from jax.typing import ArrayLike

from pbits import constants as C
from pbits.device import demag


class Magnet(NamedTuple):
    """Macrospin free layer. Fields are arrays that broadcast (``()``/``(N,)``; vectors ``(3,)``/``(3, N)``)."""

    ms: ArrayLike  # saturation magnetisation M_s [A/m]
    volume: ArrayLike  # free-layer volume V = area * t_F [m^3]
    thickness: ArrayLike  # free-layer thickness t_F [m]
    alpha: ArrayLike  # Gilbert damping [-]
    hk: ArrayLike  # crystalline uniaxial anisotropy field H_K = 2 K_u/(mu0 M_s) [A/m]
    easy_axis: ArrayLike  # unit easy axis n, shape (3,) or (3, N) [-]
    demag: ArrayLike  # diagonal demagnetising factors (N_x, N_y, N_z), shape (3,) or (3, N) [-]
    temperature: ArrayLike  # temperature T [K]


class Derived(NamedTuple):
    """Quantities derived from a :class:`Magnet` (numpy arrays, SI units)."""

    hk_eff: np.ndarray  # smaller perpendicular stiffness: effective anisotropy field H_K,eff [A/m]
    h_d: np.ndarray  # extra hard-axis stiffness H_D (0 for an axially symmetric magnet) [A/m]
    barrier: np.ndarray  # energy barrier E_b = mu0 M_s H_K,eff V / 2 [J]
    delta: np.ndarray  # thermal stability factor Delta = E_b / (k_B T) [-]
    sigma_h: np.ndarray  # thermal-field strength sqrt(2 alpha k_B T/(gamma0 mu0 M_s V)) [A/m s^0.5]
    tau_n: np.ndarray  # Neel-Brown diffusion time (1+alpha^2) mu0 M_s V/(2 alpha gamma0 k_B T) [s]
    tau_b: np.ndarray  # Brown's high-barrier relaxation time tau_N (sqrt(pi)/2) Delta^-3/2 e^Delta [s]


def _arr(name: str, value, *, func: str) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{func}: {name} must be finite, got {value!r}; pass a finite number in SI units")
    return a


def make(
    *,
    ms: ArrayLike,
    thickness: ArrayLike,
    alpha: ArrayLike,
    hk: ArrayLike = 0.0,
    easy_axis: ArrayLike = (0.0, 0.0, 1.0),
    demag: ArrayLike = (0.0, 0.0, 0.0),
    temperature: ArrayLike = 300.0,
    volume: ArrayLike | None = None,
    area: ArrayLike | None = None,
) -> Magnet:
    """Build a validated :class:`Magnet` (SI units).

    Exactly one of ``volume`` [m^3] or ``area`` [m^2] (then ``V = area * thickness``) is given.
    Energy and fields as in docs/physics.md §2.2 (Choi et al. 2025, for the device).

    Args:
        ms: saturation magnetisation M_s [A/m], > 0.
        thickness: free-layer thickness t_F [m], > 0.
        alpha: Gilbert damping, >= 0 (0: no damping and no thermal noise).
        hk: crystalline anisotropy field 2K_u/(mu0 M_s) [A/m], >= 0.
        easy_axis: easy axis n (normalised here), shape (3,) or (3, N).
        demag: demagnetising factors (N_x, N_y, N_z), each in [0, 1].
        temperature: T [K], >= 0.
        volume: V [m^3], > 0.
        area: footprint [m^2], > 0.

    Returns:
        Magnet with numpy float64 fields.

    Raises:
        ValueError: naming the argument, the value received and the fix.

    Example:
        >>> mag = make(ms=1.1e6, thickness=2e-9, area=1.9635e-15, alpha=0.01, hk=1e5)
        >>> round(float(mag.volume) * 1e24, 3)
        3.927
    """
    f = "magnet.make"
    if (volume is None) == (area is None):
        raise ValueError(f"{f}: give exactly one of volume= [m^3] or area= [m^2], got volume={volume!r}, area={area!r}")
    ms = _arr("ms", ms, func=f)
    thickness = _arr("thickness", thickness, func=f)
    alpha = _arr("alpha", alpha, func=f)
    hk = _arr("hk", hk, func=f)
    temperature = _arr("temperature", temperature, func=f)
    if volume is None:
        area = _arr("area", area, func=f)
        if np.any(area <= 0):
            raise ValueError(f"{f}: area must be > 0 m^2, got {area!r}")
        volume = area * thickness
    volume = _arr("volume", volume, func=f)
    if np.any(alpha < 0):
        raise ValueError(f"{f}: alpha must be >= 0, got {alpha!r}")
    for name, v in (("ms", ms), ("thickness", thickness), ("volume", volume)):
        if np.any(v <= 0):
            raise ValueError(f"{f}: {name} must be > 0 (SI units), got {v!r}")
    if np.any(temperature < 0):
        raise ValueError(f"{f}: temperature must be >= 0 K, got {temperature!r}")
    if np.any(hk < 0):
        raise ValueError(f"{f}: hk must be >= 0 A/m (flip easy_axis instead), got {hk!r}")
    n = _arr("easy_axis", easy_axis, func=f)
    if n.shape[:1] != (3,):
        raise ValueError(f"{f}: easy_axis must have shape (3,) or (3, N) (components first), got shape {n.shape}")
    norm = np.sqrt(np.sum(n * n, axis=0))
    if np.any(norm == 0):
        raise ValueError(f"{f}: easy_axis must be a non-zero vector, got {easy_axis!r}")
    d = _arr("demag", demag, func=f)
    if d.shape[:1] != (3,) or np.any(d < 0) or np.any(d > 1):
        raise ValueError(f"{f}: demag must be (N_x, N_y, N_z) with 0 <= N_i <= 1, shape (3,) or (3, N), got {demag!r}")
    return Magnet(ms, volume, thickness, alpha, hk, n / norm, d, temperature)


def validate(mag: Magnet, *, func: str = "magnet.validate") -> Magnet:
    """Check a :class:`Magnet` built by hand (finite, positive, T >= 0); returns it unchanged.

    Example:
        >>> validate(preset("pma")) is not None
        True
    """
    for name in Magnet._fields:
        _arr(name, getattr(mag, name), func=func)
    if np.any(np.asarray(mag.alpha) < 0):
        raise ValueError(f"{func}: magnet.alpha must be >= 0, got {mag.alpha!r}")
    for name in ("ms", "volume", "thickness"):
        if np.any(np.asarray(getattr(mag, name)) <= 0):
            raise ValueError(f"{func}: magnet.{name} must be > 0 (SI units), got {getattr(mag, name)!r}")
    if np.any(np.asarray(mag.temperature) < 0):
        raise ValueError(f"{func}: magnet.temperature must be >= 0 K, got {mag.temperature!r}")
    if np.any(np.asarray(mag.hk) < 0):
        raise ValueError(f"{func}: magnet.hk must be >= 0 A/m, got {mag.hk!r}")
    n = np.asarray(mag.easy_axis, dtype=float)
    if n.shape[:1] != (3,) or np.any(np.abs(np.sqrt(np.sum(n * n, axis=0)) - 1) > 1e-6):
        raise ValueError(f"{func}: magnet.easy_axis must be a unit vector of shape (3,) or (3, N), got {mag.easy_axis!r}")
    return mag


def stiffness(mag: Magnet) -> tuple[np.ndarray, np.ndarray]:
    """Perpendicular stiffness fields (H_1 <= H_2) about the easy axis [A/m].

    For small tilts from n the energy is (mu0 M_s V/2)(H_1 u_1^2 + H_2 u_2^2), with
    H_i = H_K + M_s (N_perp,i - N_easy) (docs/physics.md §2.2). Exact when n is a principal
    (coordinate) axis of the diagonal demag tensor, as in every preset.

    Example:
        >>> h1, h2 = stiffness(make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=5e4,
        ...                         easy_axis=(0, 1, 0), demag=(0, 0, 0.5)))
        >>> float(h1), float(h2)
        (50000.0, 550000.0)
    """
    n = np.asarray(mag.easy_axis, dtype=float)
    d = np.asarray(mag.demag, dtype=float)
    n, d = np.broadcast_arrays(n, d)
    n_easy = np.sum(d * n * n, axis=0)
    # The perpendicular demag factors: the two eigenvalues of the demag tensor projected on the plane
    # normal to n. For a diagonal tensor D and unit n, they are the roots of a quadratic.
    tr = np.sum(d, axis=0) - n_easy
    det = d[0] * d[1] * n[2] ** 2 + d[1] * d[2] * n[0] ** 2 + d[0] * d[2] * n[1] ** 2
    disc = np.sqrt(np.maximum(tr * tr / 4 - det, 0.0))
    n1, n2 = tr / 2 - disc, tr / 2 + disc
    ms = np.asarray(mag.ms, dtype=float)
    hk = np.asarray(mag.hk, dtype=float)
    return hk + ms * (n1 - n_easy), hk + ms * (n2 - n_easy)


def derived(mag: Magnet) -> Derived:
    """Derived quantities: H_K,eff, H_D, barrier, Delta, thermal-field strength, tau_N, tau_B.

    Equations (docs/physics.md §0, §2.2, §2.4, §3.2): Delta = mu0 M_s H_K,eff V/(2 k_B T);
    sigma_H = sqrt(2 alpha k_B T/(gamma0 mu0 M_s V)) (Brown, Phys. Rev. 130, 1677 (1963));
    tau_N = (1+alpha^2) mu0 M_s V/(2 alpha gamma0 k_B T); tau_B = tau_N (sqrt(pi)/2) Delta^-3/2 e^Delta.
    The device is that of Choi et al. 2025.

    Example:
        >>> d = derived(preset("pma"))
        >>> round(float(d.delta))
        40
    """
    validate(mag, func="magnet.derived")
    h1, h2 = stiffness(mag)
    ms, v, a, t = (np.asarray(x, dtype=float) for x in (mag.ms, mag.volume, mag.alpha, mag.temperature))
    kt = C.KB * t
    barrier = C.MU0 * ms * h1 * v / 2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        delta = np.where(kt > 0, barrier / kt, np.inf)
        tau_n = (1 + a * a) * C.MU0 * ms * v / (2 * a * C.GAMMA0 * kt)
        tau_b = tau_n * (math.sqrt(math.pi) / 2) * delta ** -1.5 * np.exp(delta)
    sigma_h = np.sqrt(2 * a * kt / (C.GAMMA0 * C.MU0 * ms * v))
    return Derived(h1, h2 - h1, barrier, delta, sigma_h, tau_n, tau_b)


def volume_for_delta(delta: float, *, ms: float, hk_eff: float, temperature: float = 300.0) -> float:
    """Volume [m^3] giving thermal stability ``delta`` = mu0 M_s H_K,eff V/(2 k_B T) (docs/physics.md §0).

    Example:
        >>> v = volume_for_delta(2.0, ms=1e6, hk_eff=1e5)
        >>> round(v * 1e27, 2)
        131.84
    """
    return 2 * C.KB * temperature * delta / (C.MU0 * ms * hk_eff)


# --- presets ---------------------------------------------------------------------------------
# Demagnetising factors of the presets are the exact magnetometric factors of their shapes (pbits.device.demag:
# circular and elliptic cylinders; Beleggia, De Graef & Millev, J. Phys. D 38, 3333 (2005); Chen, Brug & Goldfarb,
# IEEE Trans. Magn. 27, 3601 (1991)).
_T_DISK, _D_DISK = 2e-9, 50e-9
_DISK_AREA = math.pi * _D_DISK**2 / 4


def _disk_demag():
    return demag.cylinder(_D_DISK / 2, _T_DISK)


def _hk_for_delta(delta, ms, volume, demag_gap, temperature=300.0):
    """Crystalline H_K so that the effective stiffness H_K - M_s*gap gives ``delta``."""
    return 2 * C.KB * temperature * delta / (C.MU0 * ms * volume) + ms * demag_gap


def _presets() -> dict[str, Magnet]:
    v_disk = _DISK_AREA * _T_DISK
    ms = 1.1e6  # CoFeB, docs/physics.md §2.4 example
    disk = _disk_demag()
    gap_pma = disk[2] - disk[0]
    # Ni(3 nm) ellipse 150 x 50 nm, long axis y (the Choi et al. 2025 stack geometry is not published;
    # sizes are ours), with the exact elliptic-cylinder factors: N_x - N_y = 0.070 gives Delta ~ 43 at 300 K.
    ni_area = math.pi / 4 * 150e-9 * 50e-9
    ni_demag = demag.elliptic_cylinder(25e-9, 75e-9, 3e-9)
    return {
        # Perpendicular CoFeB disk 50 nm x 2 nm, Delta = 40 (a stable memory-type magnet).
        "pma": make(ms=ms, thickness=_T_DISK, area=_DISK_AREA, alpha=0.01,
                    hk=_hk_for_delta(40.0, ms, v_disk, gap_pma), easy_axis=(0, 0, 1), demag=disk),
        # Low-barrier perpendicular disk, Delta = 1 (anisotropy nearly compensates the shape term).
        "pma_low_barrier": make(ms=ms, thickness=_T_DISK, area=_DISK_AREA, alpha=0.01,
                                hk=_hk_for_delta(1.0, ms, v_disk, gap_pma), easy_axis=(0, 0, 1),
                                demag=disk),
        # Low-barrier circular in-plane disk: easy y with Delta = 1, hard axis z with H_D ~ M_s.
        "inplane_low_barrier": make(ms=ms, thickness=_T_DISK, area=_DISK_AREA, alpha=0.01,
                                    hk=_hk_for_delta(1.0, ms, v_disk, 0.0), easy_axis=(0, 1, 0),
                                    demag=disk),
        # Choi et al. 2025 type stack: Ni(3 nm) on an AFM insulator, in-plane easy axis y (type-y geometry).
        "ni_afmi": make(ms=4.8e5, thickness=3e-9, area=ni_area, alpha=0.03, hk=0.0, easy_axis=(0, 1, 0),
                        demag=ni_demag),
    }


PRESETS = tuple(_presets())


def preset(name: str) -> Magnet:
    """A named magnet preset: ``pma``, ``pma_low_barrier``, ``inplane_low_barrier``, ``ni_afmi``.

    Parameters from docs/physics.md §1.5 (Ni: M_s = 4.8e5 A/m, t_F = 3 nm, alpha = 0.03; the stack of
    Choi et al. 2025) and §2.4 (CoFeB disk
    50 nm x 2 nm, M_s = 1.1e6 A/m, alpha = 0.01). Dimensions are ours where the sources are silent.

    Example:
        >>> preset("ni_afmi").ms
        array(480000.)
    """
    table = _presets()
    if name not in table:
        raise ValueError(f"magnet.preset: unknown name {name!r}; choose one of {', '.join(table)}")
    return table[name]


def uniaxial(delta: ArrayLike, alpha: ArrayLike, *, hk: float = 1e5, ms: float = 1e6, temperature: ArrayLike = 300.0,
             easy_axis: ArrayLike = (0.0, 0.0, 1.0), thickness: float = 1e-9) -> Magnet:
    """A uniaxial magnet (no demag) with thermal stability ``delta`` (scalar or per-magnet array).

    V = 2 k_B T Delta/(mu0 M_s H_K) at 300 K (docs/physics.md §0). Delta = 0 means H_K = 0 with the volume of
    Delta = 1, so that tau_N = (1+alpha^2)/(alpha gamma0 H_K) in both cases (the natural time unit
    1/(gamma0 H_K) of docs/physics.md §0). Used for the analytic oracles (Brown 1963).

    Example:
        >>> mag = uniaxial([0.0, 2.0], 1.0)
        >>> [round(float(d), 6) for d in derived(mag).delta]
        [0.0, 2.0]
    """
    delta = np.asarray(delta, dtype=float)
    if np.any(~np.isfinite(delta)) or np.any(delta < 0):
        raise ValueError(f"magnet.uniaxial: delta must be finite and >= 0, got {delta!r}")
    v = volume_for_delta(np.where(delta > 0, delta, 1.0), ms=ms, hk_eff=hk, temperature=300.0)
    return make(ms=ms, thickness=thickness, volume=v, alpha=alpha, hk=np.where(delta > 0, hk, 0.0),
                easy_axis=easy_axis, temperature=temperature)
