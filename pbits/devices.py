"""Complete devices: a magnet with its self-torque stack and a heavy-metal baseline, summaries, curves.

A :class:`Stack` bundles the free layer, the magnonic-dissipation self-torque stack (Choi et al.,
Nature Communications 2025, doi:10.1038/s41467-025-61073-w) and the heavy-metal SOT baseline it is
compared with (PHYSICS.md §1.5-1.6). ``summary`` and ``switching_comparison`` are what ``pbits device``
prints; they only combine :mod:`magnet`, :mod:`torques`, :mod:`observables` and :mod:`energy`.
"""
from __future__ import annotations

import json
from typing import NamedTuple

import jax
import numpy as np

from pbits import constants as C
from pbits import energy, magnet, observables, sllg, torques


class Stack(NamedTuple):
    """A magnet, its self-torque stack and a heavy-metal baseline with the baseline's name."""

    magnet: magnet.Magnet  # free layer
    self_torque: torques.SelfTorque  # FM / AFMI stack (current only in the FM)
    heavy_metal: torques.HeavyMetal  # HM / FM bilayer baseline
    baseline: str = "pt"  # name of the heavy metal, reported with every comparison


# magnet preset -> (self-torque FM preset, channel width [m], channel length [m])
_STACKS = {
    "ni_afmi": ("ni", 150e-9, 50e-9),
    "pma": ("cofeb", 50e-9, 50e-9),
    "pma_low_barrier": ("cofeb", 50e-9, 50e-9),
    "inplane_low_barrier": ("cofeb", 50e-9, 50e-9),
}
PRESETS = tuple(_STACKS)
BASELINES = ("pt", "ta", "w")


def preset(name: str, *, baseline: str = "pt") -> Stack:
    """Device presets: the magnet presets of :func:`pbits.magnet.preset` with a self-torque stack.

    ``ni_afmi`` is Ni(3 nm)/AFMI (Choi et al. 2025, doi:10.1038/s41467-025-61073-w; poster efficiencies);
    the CoFeB disks use the CoFeB/AFMI efficiencies (PHYSICS.md §1.5). Baseline: ``pt``, ``ta`` or ``w``.

    Example:
        >>> preset("ni_afmi", baseline="ta").baseline
        'ta'
    """
    if name not in _STACKS:
        raise ValueError(f"devices.preset: unknown device {name!r}; choose one of {', '.join(_STACKS)}")
    if baseline not in BASELINES:
        raise ValueError(f"devices.preset: unknown baseline {baseline!r}; choose one of {', '.join(BASELINES)}")
    fm, w, length = _STACKS[name]
    mag = magnet.preset(name)
    t = float(mag.thickness)
    st = torques.preset_self(fm, thickness=t, width=w, length=length)
    hm = torques.preset_heavy_metal(baseline, rho_fm=float(st.rho_fm), width=w, length=length)
    return Stack(mag, st, hm, baseline)


def from_dict(d: dict) -> Stack:
    """Build a :class:`Stack` from a dict (e.g. JSON), SI units.

    Keys: ``magnet`` (keyword arguments of :func:`pbits.magnet.make`, required), ``self_torque``
    (``{"preset": "ni"|"cofeb"|"py", ...}`` plus any :class:`~pbits.torques.SelfTorque` field to
    override, e.g. ``"a_cap": 0.1``), ``baseline`` (``pt``/``ta``/``w``), ``heavy_metal`` (overrides).

    Example:
        >>> s = from_dict({"magnet": {"ms": 4.8e5, "thickness": 3e-9, "area": 5.9e-15, "alpha": 0.03,
        ...                           "easy_axis": [0, 1, 0], "demag": [0.045, 0.013, 0.942]}})
        >>> s.baseline
        'pt'
    """
    if not isinstance(d, dict) or "magnet" not in d:
        raise ValueError("devices.from_dict: expected an object with a 'magnet' entry (keyword arguments of "
                         f"pbits.magnet.make), got {type(d).__name__} with keys {sorted(d) if isinstance(d, dict) else []}")
    try:
        mag = magnet.make(**d["magnet"])
    except TypeError as err:
        raise ValueError(f"devices.from_dict: bad 'magnet' entry: {err}") from None
    st_d = dict(d.get("self_torque", {}))
    fm = st_d.pop("preset", "ni")
    width, length = float(st_d.pop("width", 150e-9)), float(st_d.pop("length", 50e-9))
    st = torques.preset_self(fm, thickness=float(np.max(mag.thickness)), width=width, length=length)
    bad = [k for k in st_d if k not in torques.SelfTorque._fields]
    if bad:
        raise ValueError(f"devices.from_dict: unknown self_torque fields {bad}; allowed: {torques.SelfTorque._fields}")
    st = st._replace(**st_d)
    baseline = d.get("baseline", "pt")
    if baseline not in BASELINES:
        raise ValueError(f"devices.from_dict: unknown baseline {baseline!r}; choose one of {', '.join(BASELINES)}")
    hm = torques.preset_heavy_metal(baseline, rho_fm=float(st.rho_fm), width=width, length=length)
    hm_d = dict(d.get("heavy_metal", {}))
    bad = [k for k in hm_d if k not in torques.HeavyMetal._fields]
    if bad:
        raise ValueError(f"devices.from_dict: unknown heavy_metal fields {bad}; allowed: {torques.HeavyMetal._fields}")
    return Stack(mag, st, hm._replace(**hm_d), baseline)


def load(path: str) -> Stack:
    """Read a JSON parameter file (see :func:`from_dict`).

    Example:
        >>> load("/nonexistent.json")
        Traceback (most recent call last):
        ...
        FileNotFoundError: [Errno 2] No such file or directory: '/nonexistent.json'
    """
    with open(path) as fh:
        try:
            d = json.load(fh)
        except json.JSONDecodeError as err:
            raise ValueError(f"devices.load: {path!r} is not valid JSON: {err}") from None
    return from_dict(d)


def drives(stack: Stack) -> dict[str, sllg.Device]:
    """The two devices to compare: ``{"self": ..., "<baseline>": ...}``.

    Example:
        >>> sorted(drives(preset("ni_afmi")))
        ['pt', 'self']
    """
    mag = stack.magnet
    return {"self": sllg.Device(mag, torques.drive_self(stack.self_torque, mag)),
            stack.baseline: sllg.Device(mag, torques.drive_heavy_metal(stack.heavy_metal, mag))}


def summary(stack: Stack, *, t_p: float = 1e-9) -> dict:
    """Derived parameters of a device and of both torque schemes, as a JSON-ready dict (SI units).

    Contains Delta, H_K,eff, H_D, tau_N, tau_B (PHYSICS.md §2.2-2.4, §3.2), the efficiencies xi_DL,
    mu0 H_DL per 1e11 A/m^2, I_c0 (PHYSICS.md §3.3) of both schemes, and the energy ratios with their
    baseline (§1.6). Choi et al., Nat. Commun. 2025, doi:10.1038/s41467-025-61073-w.

    Example:
        >>> s = summary(preset("ni_afmi"))
        >>> round(s["self_torque"]["xi_dl"], 3)
        0.083
    """
    mag, st, hm = stack.magnet, stack.self_torque, stack.heavy_metal
    d = magnet.derived(mag)
    t = float(mag.thickness)
    xi_s = float(torques.xi_self(st, t))
    xi_h = float(torques.xi_heavy_metal(hm))
    devs = drives(stack)
    out = {
        "magnet": {
            "ms_A_per_m": float(mag.ms), "volume_m3": float(mag.volume), "thickness_m": t, "alpha": float(mag.alpha),
            "hk_A_per_m": float(mag.hk), "easy_axis": np.asarray(mag.easy_axis).tolist(),
            "demag": np.asarray(mag.demag).tolist(), "temperature_K": float(mag.temperature),
            "hk_eff_A_per_m": float(d.hk_eff), "h_d_A_per_m": float(d.h_d), "delta": float(d.delta),
            "barrier_J": float(d.barrier), "thermal_field_A_per_m_sqrt_s": float(d.sigma_h),
            "tau_n_s": float(d.tau_n), "tau_b_s": float(d.tau_b),
        },
        "self_torque": {
            "theta_fm": float(st.theta_fm), "a_afmi": float(torques.loss_fraction(st)), "a_cap": float(st.a_cap),
            "lambda_m": float(st.lam), "xi_dl": xi_s, "xi_fl": xi_s * float(st.beta_fl),
            "mu0_h_dl_T_per_1e11_A_per_m2": C.MU0 * float(torques.h_dl(xi_s, 1e11, mag.ms, t)),
        },
        "baseline": {
            "name": stack.baseline, "xi_hm": xi_h, "rho_hm_ohm_m": float(hm.rho_hm),
            "thickness_m": float(hm.thickness),
            "mu0_h_dl_T_per_1e11_A_per_m2": C.MU0 * float(torques.h_dl(xi_h, 1e11, mag.ms, t)),
        },
    }
    try:
        i_s = float(observables.critical_current(devs["self"]))
        i_h = float(observables.critical_current(devs[stack.baseline]))
        out["self_torque"]["i_c0_A"] = i_s
        out["self_torque"]["j_c0_A_per_m2"] = float(torques.current_density_self(st, mag, i_s))
        out["baseline"]["i_c0_A"] = i_h
        out["baseline"]["j_hm_c0_A_per_m2"] = float(torques.current_density_heavy_metal(hm, mag, i_h)[0])
        cmp = energy.compare_at_critical_current(mag, st, hm, t_p=t_p, name=stack.baseline)
        out["energy"] = {"t_p_s": t_p, "e_self_J": cmp.e_self, "e_baseline_J": cmp.e_baseline,
                         "ratio_baseline_over_self": cmp.ratio, "baseline": cmp.baseline, "method": cmp.method}
    except ValueError as err:  # sigma not along the easy axis (e.g. PMA with in-plane sigma)
        out["note"] = str(err)
    fom = energy.figure_of_merit_ratio((float(hm.rho_hm), float(hm.thickness), xi_h), (float(st.rho_fm), t, xi_s),
                                       name=stack.baseline)
    out["figure_of_merit"] = {"ratio_baseline_over_self": fom.ratio, "baseline": fom.baseline, "method": fom.method}
    return out


class Comparison(NamedTuple):
    """Switching curves of both schemes and the energy per pulse at 50 % switching probability."""

    curves: dict  # scheme name -> observables.SwitchingCurve
    i50: dict  # scheme name -> current at P = 0.5 [A] (NaN if not reached)
    energy50: dict  # scheme name -> Joule energy of the pulse at i50 [J]
    ratio: float  # energy50[baseline] / energy50["self"] [-]
    baseline: str  # baseline name


def switching_comparison(key, stack: Stack, *, width: float = 2e-9, n_points: int = 12, n_trials: int = 32,
                         max_factor: float = 2.0) -> Comparison:
    """Switching probability vs current for both schemes, and the energy ratio at equal probability (50 %).

    Currents span 0..``max_factor`` x each scheme's I_c0 (:func:`pbits.observables.current_scale`). Energies from :mod:`pbits.energy` at the
    interpolated 50 % current for a pulse of ``width`` (PHYSICS.md §1.6, §3.3; Choi et al. 2025,
    doi:10.1038/s41467-025-61073-w).

    Example:
        >>> c = switching_comparison(jax.random.key(0), preset("ni_afmi"), n_points=3, n_trials=2, width=5e-10)
        >>> sorted(c.curves)
        ['pt', 'self']
    """
    devs = drives(stack)
    keys = jax.random.split(key, len(devs))
    curves, i50, e50 = {}, {}, {}
    for k, (name, dev) in zip(keys, devs.items()):
        i_c = observables.current_scale(dev)
        currents = np.linspace(0.0, max_factor * i_c, n_points)
        dt = observables.suggest_dt(dev, max_current=float(currents[-1]))
        collinear = abs(abs(float(np.dot(np.asarray(dev.drive.sigma, dtype=float),
                                         np.asarray(dev.magnet.easy_axis, dtype=float)))) - 1) < 1e-6
        # a reset pulse only makes sense when the torque is collinear with the easy axis
        c = observables.switching_probability(k, dev, currents, width=width, dt=dt, n_trials=n_trials,
                                              reset_current=None if collinear else 0.0)
        curves[name] = c
        above = np.nonzero(c.probability >= 0.5)[0]
        if above.size and above[0] > 0:
            j = above[0]
            p0, p1 = c.probability[j - 1], c.probability[j]
            i50[name] = float(currents[j - 1] + (0.5 - p0) / (p1 - p0) * (currents[j] - currents[j - 1]))
        else:
            i50[name] = float(currents[above[0]]) if above.size else float("nan")
        if name == "self":
            e50[name] = float(energy.pulse_energy_self(stack.self_torque, stack.magnet, i50[name], width))
        else:
            e50[name] = float(energy.pulse_energy_heavy_metal(stack.heavy_metal, stack.magnet, i50[name], width))
    ratio = e50[stack.baseline] / e50["self"] if e50["self"] > 0 else float("nan")
    return Comparison(curves, i50, e50, ratio, stack.baseline)
