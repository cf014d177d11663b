"""Device assemblies: a magnet with its drive (:class:`Device`), and a magnet with both torque schemes (:class:`Stack`).

A :class:`Device` is what the sLLG engine integrates: a free layer, the per-ampere torque coefficients of its
write path and an applied field. A :class:`Stack` bundles the free layer, the magnonic-dissipation self-torque
stack (Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w) and the heavy-metal SOT
baseline it is compared with (docs/physics.md §1.5-1.6). Every stack preset lives here.

Torque schemes have one vocabulary everywhere (:data:`SCHEMES`): ``"self"`` for the self-torque of the
FM/AFM-insulator stack, or the name of the heavy-metal baseline (``"pt"``, ``"ta"``, ``"w"``).
"""
from __future__ import annotations

import json
import math
from typing import NamedTuple

import numpy as np
from jax.typing import ArrayLike

from pbits import constants as C
from pbits.device import demag, magnet, pumping, torques


class Device(NamedTuple):
    """A magnet, how its current torques it, and an applied field (per magnet, broadcasting)."""

    magnet: magnet.Magnet  # free layer
    drive: torques.Drive = torques.no_drive()  # per-ampere torque coefficients
    h_ext: ArrayLike = (0.0, 0.0, 0.0)  # applied field H_ext, shape (3,) or (3, N) [A/m]


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
PRESETS = tuple(_STACKS) + ("ni_low_barrier",)
BASELINES = ("pt", "ta", "w")
SCHEMES = ("self",) + BASELINES  # torque schemes: the self-torque, or a heavy-metal baseline by name


def preset(name: str, *, baseline: str = "pt") -> Stack:
    """Stack presets: the magnet presets of :func:`pbits.device.magnet.preset` with a self-torque stack, and
    ``ni_low_barrier`` (:func:`ni_disk` at its defaults, the p-bit of ``pbits device --transfer``).

    ``ni_afmi`` is Ni(3 nm)/AFMI (Choi et al. 2025; poster efficiencies); the CoFeB disks use the CoFeB/AFMI
    efficiencies (docs/physics.md §1.5). Baseline: ``pt``, ``ta`` or ``w``.

    Example:
        >>> preset("ni_afmi", baseline="ta").baseline
        'ta'
    """
    if name not in PRESETS:
        raise ValueError(f"stack.preset: unknown device {name!r}; choose one of {', '.join(PRESETS)}")
    if baseline not in BASELINES:
        raise ValueError(f"stack.preset: unknown baseline {baseline!r}; choose one of {', '.join(BASELINES)}")
    if name == "ni_low_barrier":
        return ni_disk(baseline)
    fm, w, length = _STACKS[name]
    mag = magnet.preset(name)
    t = float(mag.thickness)
    st = torques.preset_self(fm, thickness=t, width=w, length=length)
    hm = torques.preset_heavy_metal(baseline, rho_fm=float(st.rho_fm), width=w, length=length)
    return Stack(mag, st, hm, baseline)


def from_dict(d: dict) -> Stack:
    """Build a :class:`Stack` from a dict (e.g. JSON), SI units.

    Keys: ``magnet`` (keyword arguments of :func:`pbits.device.magnet.make`, required), ``self_torque``
    (``{"preset": "ni"|"cofeb"|"py", ...}`` plus any :class:`~pbits.device.torques.SelfTorque` field to
    override, e.g. ``"a_cap": 0.1``), ``baseline`` (``pt``/``ta``/``w``), ``heavy_metal`` (overrides).

    Example:
        >>> s = from_dict({"magnet": {"ms": 4.8e5, "thickness": 3e-9, "area": 5.9e-15, "alpha": 0.03,
        ...                           "easy_axis": [0, 1, 0], "demag": [0.045, 0.013, 0.942]}})
        >>> s.baseline
        'pt'
    """
    if not isinstance(d, dict) or "magnet" not in d:
        raise ValueError("stack.from_dict: expected an object with a 'magnet' entry (keyword arguments of "
                         f"pbits.device.magnet.make), got {type(d).__name__} with keys {sorted(d) if isinstance(d, dict) else []}")
    try:
        mag = magnet.make(**d["magnet"])
    except TypeError as err:
        raise ValueError(f"stack.from_dict: bad 'magnet' entry: {err}") from None
    st_d = dict(d.get("self_torque", {}))
    fm = st_d.pop("preset", "ni")
    try:
        width, length = float(st_d.pop("width", 150e-9)), float(st_d.pop("length", 50e-9))
    except (TypeError, ValueError):
        raise ValueError("stack.from_dict: self_torque width and length must be numbers in metres") from None
    for name, v in (("width", width), ("length", length)):
        if not (np.isfinite(v) and v > 0):
            raise ValueError(f"stack.from_dict: self_torque.{name} must be > 0 [m], got {v!r}")
    st = torques.preset_self(fm, thickness=float(np.max(mag.thickness)), width=width, length=length)
    bad = [k for k in st_d if k not in torques.SelfTorque._fields]
    if bad:
        raise ValueError(f"stack.from_dict: unknown self_torque fields {bad}; allowed: {torques.SelfTorque._fields}")
    st = torques.validate_self(st._replace(**st_d), "stack.from_dict")
    baseline = d.get("baseline", "pt")
    if baseline not in BASELINES:
        raise ValueError(f"stack.from_dict: unknown baseline {baseline!r}; choose one of {', '.join(BASELINES)}")
    hm = torques.preset_heavy_metal(baseline, rho_fm=float(st.rho_fm), width=width, length=length)
    hm_d = dict(d.get("heavy_metal", {}))
    bad = [k for k in hm_d if k not in torques.HeavyMetal._fields]
    if bad:
        raise ValueError(f"stack.from_dict: unknown heavy_metal fields {bad}; allowed: {torques.HeavyMetal._fields}")
    hm = torques.validate_heavy_metal(hm._replace(**hm_d), "stack.from_dict")
    return Stack(mag, st, hm, baseline)


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
            raise ValueError(f"stack.load: {path!r} is not valid JSON: {err}") from None
    return from_dict(d)


def drives(stack: Stack) -> dict[str, Device]:
    """The two devices to compare, keyed by scheme: ``{"self": ..., "<baseline>": ...}``.

    ``stack.magnet.alpha`` is the free layer's own damping; each device adds the spin-pumping damping of the sinks it
    sits on (Tserkovnyak, Brataas & Bauer, PRL 88, 117601 (2002)): the AFMI/cap interfaces of the self-torque stack,
    from the same spin-loss fractions that set its torque (:func:`pbits.device.pumping.spin_pumping_self`), and the
    heavy metal (:func:`pbits.device.pumping.spin_pumping_heavy_metal`). ``spin_pumping=False`` on the self-torque or
    heavy-metal parameters turns it off.

    Example:
        >>> d = drives(preset("ni_afmi"))
        >>> sorted(d), round(float(d["self"].magnet.alpha), 3), round(float(d["pt"].magnet.alpha), 3)
        (['pt', 'self'], 0.453, 0.089)
    """
    mag = stack.magnet
    m_self = mag._replace(alpha=np.asarray(mag.alpha) + pumping.spin_pumping_self(stack.self_torque, mag))
    m_hm = mag._replace(alpha=np.asarray(mag.alpha) + pumping.spin_pumping_heavy_metal(stack.heavy_metal, mag))
    return {"self": Device(m_self, torques.drive_self(stack.self_torque, m_self)),
            stack.baseline: Device(m_hm, torques.drive_heavy_metal(stack.heavy_metal, m_hm))}


def without_spin_pumping(stack: Stack) -> Stack:
    """The stack with the spin-pumping damping of both schemes turned off (alpha = the magnet's own damping).

    Example:
        >>> float(drives(without_spin_pumping(preset("ni_afmi")))["self"].magnet.alpha)
        0.03
    """
    return stack._replace(self_torque=stack.self_torque._replace(spin_pumping=False),
                          heavy_metal=stack.heavy_metal._replace(spin_pumping=False))


def check_scheme(stack: Stack, scheme: str, where: str) -> str:
    """``scheme`` if it names one of the stack's two schemes (``"self"`` or its baseline), else a ValueError.

    Example:
        >>> check_scheme(preset("ni_afmi", baseline="ta"), "ta", "demo")
        'ta'
    """
    if scheme not in ("self", stack.baseline):
        raise ValueError(f"{where}: scheme must be 'self' or this stack's baseline {stack.baseline!r} (one of "
                         f"{SCHEMES}), got {scheme!r}; build the stack with baseline={scheme!r} to use it")
    return scheme


def ni_disk(baseline: str = "pt", *, delta: float = 1.0, diameter: float = 50e-9) -> Stack:
    """A low-barrier p-bit with the self-torque stack of Choi et al. 2025: Ni(3 nm) on an easy-axis AFMI.

    Ni free layer (M_s = 4.8e5 A/m, t_F = 3 nm, alpha = 0.03; docs/physics.md §1.5), a circular disk of
    ``diameter`` with the exact magnetometric factors of a circular cylinder (:func:`pbits.device.demag.cylinder`;
    Chen, Brug & Goldfarb, IEEE Trans. Magn. 27, 3601 (1991)),
    easy axis y with the crystalline H_K that gives thermal stability ``delta`` at 300 K; Ni/AFMI self-torque from
    the poster efficiencies (xi_DL = 0.083 for sigma || n, rho = 25 uOhm cm) and the heavy-metal ``baseline``
    (``pt``, ``ta``, ``w``; docs/physics.md §1.6) on the same channel. Sizes are ours (the paper's are not published).

    Example:
        >>> round(float(magnet.derived(ni_disk().magnet).delta), 3)
        1.0
    """
    if baseline not in BASELINES:
        raise ValueError(f"stack.ni_disk: unknown baseline {baseline!r}; choose one of {', '.join(BASELINES)}")
    if not (np.isfinite(delta) and delta > 0 and np.isfinite(diameter) and diameter > 0):
        raise ValueError(f"stack.ni_disk: delta and diameter must be finite and > 0, got {delta!r}, {diameter!r}")
    t, ms = 3e-9, 4.8e5
    nxy, _, nz = demag.cylinder(diameter / 2, t)
    area = math.pi * diameter**2 / 4
    hk = 2 * C.KB * 300.0 * delta / (C.MU0 * ms * area * t)
    mag = magnet.make(ms=ms, thickness=t, area=area, alpha=0.03, hk=hk, easy_axis=(0, 1, 0),
                      demag=(nxy, nxy, nz))
    st = torques.preset_self("ni", thickness=t, width=diameter, length=diameter)
    hm = torques.preset_heavy_metal(baseline, rho_fm=float(st.rho_fm), width=diameter, length=diameter)
    return Stack(mag, st, hm, baseline)
