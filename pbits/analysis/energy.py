"""Joule energy of write/bias pulses for the self-torque and heavy-metal SOT schemes, and their comparisons.

E = sum over conducting layers of rho_i J_i^2 V_i t_p (docs/physics.md §1.6). The energy advantage of the
magnonic-dissipation self-torque (Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w;
the press release quotes "up to 3x") is computed here from parameters and always reported together
with the baseline it was computed against; nothing is hard-coded. :func:`pulse_energy` is the one
dispatch on the torque scheme (``"self"`` or the stack's heavy-metal baseline).
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import numpy as np
from jax.typing import ArrayLike

import pbits.sllg as sllg
from pbits.analysis import switching
from pbits.device import stack as _stack
from pbits.device import torques
from pbits.device.magnet import Magnet
from pbits.device.stack import Device, Stack


def joule_energy(rho: ArrayLike, j: ArrayLike, volume: ArrayLike, t_p: ArrayLike) -> np.ndarray:
    """E = sum_layers rho J^2 V t_p [J]; layers along axis 0 of ``rho``, ``j``, ``volume`` (docs/physics.md §1.6).

    Example:
        >>> print(f"{float(joule_energy([1e-7], [1e11], [1e-22], 1e-9)):.3g}")
        1e-16
    """
    rho, j, volume = (np.asarray(x, dtype=float) for x in (rho, j, volume))
    return np.sum(rho * j**2 * volume, axis=0) * np.asarray(t_p, dtype=float)


def pulse_energy_self(st: torques.SelfTorque, mag: Magnet, current: ArrayLike, t_p: ArrayLike) -> np.ndarray:
    """Joule energy [J] of a pulse ``current`` [A] for ``t_p`` [s] in the FM-only channel (self-torque).

    E = rho_F J^2 (w L t_F) t_p with J = I/(w t_F) (docs/physics.md §1.5-1.6; Choi et al. 2025).

    Example:
        >>> st = torques.preset_self("ni"); from pbits.device.magnet import preset
        >>> round(float(pulse_energy_self(st, preset("ni_afmi"), 45e-6, 1e-9)) * 1e18, 1)  # aJ
        56.2
    """
    j = np.asarray(torques.current_density_self(st, mag, current))
    v = float(st.width) * float(st.length) * np.asarray(mag.thickness, dtype=float)
    return joule_energy([st.rho_fm], [j], [v], t_p)


def pulse_energy_heavy_metal(hm: torques.HeavyMetal, mag: Magnet, current: ArrayLike, t_p: ArrayLike) -> np.ndarray:
    """Joule energy [J] of a pulse in the HM/FM bilayer, both layers counted (current divider, §1.6).

    E = (rho_HM J_HM^2 t_HM + rho_F J_F^2 t_F) w L t_p, J_F = J_HM rho_HM/rho_F (docs/physics.md §1.6).

    Example:
        >>> hm = torques.preset_heavy_metal("ta"); from pbits.device.magnet import preset
        >>> bool(pulse_energy_heavy_metal(hm, preset("ni_afmi"), 1e-3, 1e-9) > 0)
        True
    """
    j_hm, j_f = (np.asarray(x) for x in torques.current_density_heavy_metal(hm, mag, current))
    area = float(hm.width) * float(hm.length)
    v = [area * float(hm.thickness), area * np.asarray(mag.thickness, dtype=float)]
    return joule_energy([hm.rho_hm, hm.rho_fm], [j_hm, j_f], v, t_p)


def pulse_energy(stack: Stack, scheme: str, current: ArrayLike, t_p: ArrayLike) -> np.ndarray:
    """Joule energy [J] of a pulse ``current`` [A] for ``t_p`` [s] in the write path of ``scheme``.

    ``"self"``: the FM-only channel (:func:`pulse_energy_self`); the stack's baseline name: the HM/FM bilayer
    (:func:`pulse_energy_heavy_metal`). docs/physics.md §1.6.

    Example:
        >>> s = _stack.preset("ni_afmi")
        >>> bool(pulse_energy(s, "pt", 1e-4, 1e-9) > 0), bool(pulse_energy(s, "self", 0.0, 1e-9) == 0)
        (True, True)
    """
    if _stack.check_scheme(stack, scheme, "energy.pulse_energy") == "self":
        return pulse_energy_self(stack.self_torque, stack.magnet, current, t_p)
    return pulse_energy_heavy_metal(stack.heavy_metal, stack.magnet, current, t_p)


def write_resistance(stack: Stack, scheme: str = "self") -> float:
    """Joule resistance R [Ohm] of a magnet's write path: E = R I^2 t = sum_layers rho J^2 V t (docs/physics.md §1.6).

    Example:
        >>> round(write_resistance(_stack.preset("inplane_low_barrier")))
        850
    """
    return float(pulse_energy(stack, scheme, 1.0, 1.0))


def figure_of_merit(rho: ArrayLike, thickness: ArrayLike, xi: ArrayLike) -> np.ndarray:
    """F = rho t / xi^2 [Ohm m^2]: energy per switch at fixed magnet scales as F (docs/physics.md §1.6).

    Example:
        >>> float(figure_of_merit(1.0, 2.0, 0.5))
        8.0
    """
    return np.asarray(rho, dtype=float) * np.asarray(thickness, dtype=float) / np.asarray(xi, dtype=float) ** 2


class Comparison(NamedTuple):
    """Energy comparison of the self-torque scheme against a named baseline."""

    ratio: float  # E_baseline / E_self [-] (> 1: the self-torque needs less energy)
    e_self: float  # energy per pulse, self-torque [J] (NaN for the figure-of-merit method)
    e_baseline: float  # energy per pulse, baseline [J] (NaN for the figure-of-merit method)
    baseline: str  # what the ratio was computed against
    method: str  # "figure of merit rho t/xi^2 (no shunting)" or "critical current, with shunting"


def figure_of_merit_ratio(baseline: tuple[float, float, float], self_: tuple[float, float, float], *,
                          name: str = "baseline") -> Comparison:
    """E_HM/E_self ~ (rho_HM t_HM/xi_HM^2)/(rho_F t_F/xi_self^2), no shunting (docs/physics.md §1.6).

    Args:
        baseline: (rho [Ohm m], thickness [m], xi) of the heavy metal.
        self_: (rho [Ohm m], thickness [m], xi) of the self-torque FM.
        name: label of the baseline, reported with the ratio.

    Example:
        >>> u = 1e-8  # uOhm cm
        >>> round(figure_of_merit_ratio((190 * u, 5e-9, 0.12), (25 * u, 3e-9, 0.08), name="Ta").ratio, 2)
        5.63
    """
    r = float(figure_of_merit(*baseline) / figure_of_merit(*self_))
    desc = (f"{name} (rho = {baseline[0] / 1e-8:.4g} uOhm cm, t = {baseline[1] * 1e9:.3g} nm, xi = {baseline[2]:.3g}) "
            f"vs self-torque FM (rho = {self_[0] / 1e-8:.4g} uOhm cm, t = {self_[1] * 1e9:.3g} nm, xi = {self_[2]:.3g})")
    return Comparison(r, float("nan"), float("nan"), desc, "figure of merit rho t/xi^2 (no shunting)")


def compare_at_critical_current(mag: Magnet, st: torques.SelfTorque, hm: torques.HeavyMetal, *, t_p: float,
                                name: str = "heavy metal") -> Comparison:
    """Energy of a pulse at each scheme's zero-temperature critical current, with HM/FM shunting.

    Both schemes switch the same magnet, each with the damping of its own sinks (spin pumping,
    :func:`pbits.device.stack.drives`; off with ``spin_pumping=False`` on ``st``/``hm``); I_c0 from
    :func:`pbits.analysis.switching.critical_current` (docs/physics.md §3.3: field-like torques enter as
    1/(1 + alpha beta_FL), the Oersted field along the easy axis likewise), energies from :func:`pulse_energy_self` and
    :func:`pulse_energy_heavy_metal`. Choi et al. 2025.

    Example:
        >>> from pbits.device.magnet import preset
        >>> c = compare_at_critical_current(preset("ni_afmi"), torques.preset_self("ni")._replace(spin_pumping=False),
        ...                                 torques.preset_heavy_metal("pt")._replace(spin_pumping=False), t_p=1e-9,
        ...                                 name="Pt")
        >>> c.ratio > 1
        True
    """
    d = _stack.drives(Stack(mag, st, hm, "hm"))
    i_self = float(switching.critical_current(d["self"]))
    i_hm = float(switching.critical_current(d["hm"]))
    e_s = float(pulse_energy_self(st, mag, i_self, t_p))
    e_b = float(pulse_energy_heavy_metal(hm, mag, i_hm, t_p))
    desc = (f"{name} (xi_inf = {float(hm.xi_inf):.3g}, rho = {float(hm.rho_hm) / 1e-8:.4g} uOhm cm, "
            f"t = {float(hm.thickness) * 1e9:.3g} nm, alpha = {float(d['hm'].magnet.alpha):.3g}), I_c0 = {i_hm:.4g} A "
            f"vs self-torque I_c0 = {i_self:.4g} A (alpha = {float(d['self'].magnet.alpha):.3g})")
    ratio = e_b / e_s if e_s > 0 else float("nan")  # alpha = 0: I_c0 = 0 in both schemes, no ratio
    return Comparison(ratio, e_s, e_b, desc, "critical current, with shunting")


class SwitchingComparison(NamedTuple):
    """Switching curves of both schemes and the energy per pulse at 50 % switching probability."""

    curves: dict  # scheme name -> switching.SwitchingCurve
    i50: dict  # scheme name -> current at P = 0.5 [A] (NaN if not reached)
    energy50: dict  # scheme name -> Joule energy of the pulse at i50 [J]
    ratio: float  # energy50[baseline] / energy50["self"] [-]
    baseline: str  # baseline name


def switching_comparison(key, stack: Stack, *, width: float = 2e-9, n_points: int = 12, n_trials: int = 32,
                         max_factor: float = 2.0, progress=None) -> SwitchingComparison:
    """Switching probability vs current for both schemes, and the energy ratio at equal probability (50 %).

    Currents span 0..``max_factor`` x each scheme's I_c0 (:func:`pbits.analysis.switching.current_scale`). Energies from
    :func:`pulse_energy` at the interpolated 50 % current for a pulse of ``width``
    (docs/physics.md §1.6, §3.3).

    Example:
        >>> c = switching_comparison(jax.random.key(0), _stack.preset("ni_afmi"), n_points=3, n_trials=2, width=5e-10)
        >>> sorted(c.curves)
        ['pt', 'self']
    """
    devs = _stack.drives(stack)
    keys = jax.random.split(key, len(devs))
    curves, i50, e50 = {}, {}, {}
    for k, (name, dev) in zip(keys, devs.items()):
        i_c = switching.current_scale(dev)
        currents = np.linspace(0.0, max_factor * i_c, n_points)
        dt = sllg.suggest_dt(dev, max_current=float(currents[-1]))
        collinear = abs(abs(float(np.dot(np.asarray(dev.drive.sigma, dtype=float),
                                         np.asarray(dev.magnet.easy_axis, dtype=float)))) - 1) < 1e-6
        # a reset pulse only makes sense when the torque is collinear with the easy axis
        c = switching.switching_probability(k, dev, currents, width=width, dt=dt, n_trials=n_trials,
                                            reset_current=None if collinear else 0.0, progress=progress)
        curves[name] = c
        above = np.nonzero(c.probability >= 0.5)[0]
        if above.size and above[0] > 0:
            j = above[0]
            p0, p1 = c.probability[j - 1], c.probability[j]
            i50[name] = float(currents[j - 1] + (0.5 - p0) / (p1 - p0) * (currents[j] - currents[j - 1]))
        else:
            i50[name] = float(currents[above[0]]) if above.size else float("nan")
        e50[name] = float(pulse_energy(stack, name, i50[name], width))
    ratio = e50[stack.baseline] / e50["self"] if e50["self"] > 0 else float("nan")
    return SwitchingComparison(curves, i50, e50, ratio, stack.baseline)
