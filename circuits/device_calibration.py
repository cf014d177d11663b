"""Calibration of the p-bits of a device-level network: sLLG transfer curve -> I0, offset, tau_c; write resistance.

One torque scheme at a time: the magnonic-dissipation self-torque of Choi et al., Nat. Commun. 2025,
doi:10.1038/s41467-025-61073-w, or the heavy-metal SOT baseline (PHYSICS.md §1.5-1.6). Used by
:mod:`circuits.device_network` to map beta_eff = I_unit / I0 (Camsari et al., PRX 7, 031014 (2017)).
"""
from __future__ import annotations

from typing import NamedTuple

import jax  # noqa: F401 (doctest)
import numpy as np

from pbits import calibrate, devices, energy, pbit_theory, sllg, timestep

SCHEMES = ("self", "heavy_metal")


class Calibration(NamedTuple):
    """A device, its calibrated p-bit, write resistance and time step for one torque scheme."""

    device: sllg.Device  # magnet and drive
    params: calibrate.PbitParams  # I0 [A], offset [-], tau_c [s], ...
    resistance: float  # write-path Joule resistance [Ohm]
    dt: float  # Heun time step [s]
    scheme: str  # "self" or "heavy_metal"


def calibrated(key, scheme: str = "self", *, preset: str = "inplane_low_barrier", n_magnets: int = 64,
               duration: float = 20e-9, oersted: bool = True, max_rms: float = 0.05) -> Calibration:
    """Calibrate the preset stack's p-bit for a torque scheme (sLLG transfer curve over +-3 I0_theory, tanh fit).

    The time step is the largest 0.4 ps / 2^k that :func:`pbits.timestep.check_dt` accepts at 6 I0_theory.
    On the in-plane low-barrier stack the heavy-metal (Pt) baseline's Oersted field (H_Oe/I = J_HM t_HM/2,
    along the easy axis) outweighs its damping-like torque at small currents and the transfer curve is
    non-monotonic (|<s>| <= 0.43), i.e. not a p-bit; ``oersted=False`` drops it (a compensated write line)
    to compare the torques alone. A fit RMS above ``max_rms`` raises. Costs ~5-20 s of CPU.

    Example:
        >>> c = calibrated(jax.random.key(0), n_magnets=8, duration=2e-9, max_rms=1.0)
        >>> c.scheme, c.dt
        ('self', 4e-13)
    """
    _check_scheme(scheme, "calibrated")
    stack = devices.preset(preset)
    dev = devices.drives(stack)["self" if scheme == "self" else stack.baseline]
    if not oersted:
        dev = dev._replace(drive=dev.drive._replace(oe=np.zeros(3)))
    i_est = abs(float(pbit_theory.i0_theory(dev)))
    dt = 4e-13
    for _ in range(8):
        try:
            timestep.check_dt(dev, dt, 6 * i_est)
            break
        except ValueError:
            dt /= 2
    p = calibrate.calibrate(key, dev, currents=np.linspace(-3, 3, 9) * i_est, n_magnets=n_magnets,
                            duration=duration, burn_in=duration / 10, dt=dt, record_dt=max(dt, 4e-11))
    if not float(p.rms) <= max_rms:
        raise ValueError(f"device_calibration.calibrated: the {scheme!r} transfer curve of {preset!r} is not a tanh "
                         f"(fit RMS {float(p.rms):.3f} > max_rms = {max_rms}); for the heavy metal pass oersted=False "
                         f"(the Oersted field along the easy axis opposes the torque), or a longer duration")
    return Calibration(dev, p, write_resistance(stack, scheme), dt, scheme)


def write_resistance(stack: devices.Stack, scheme: str = "self") -> float:
    """Joule resistance R [Ohm] of a magnet's write path: E = R I^2 t = sum_layers rho J^2 V t.

    From :func:`pbits.energy.pulse_energy_self` (FM only) or ``pulse_energy_heavy_metal`` (HM and FM in
    parallel) at I = 1 A, t = 1 s (PHYSICS.md §1.6; Choi et al. 2025, doi:10.1038/s41467-025-61073-w).

    Example:
        >>> round(write_resistance(devices.preset("inplane_low_barrier")))
        850
    """
    _check_scheme(scheme, "write_resistance")
    if scheme == "self":
        return float(energy.pulse_energy_self(stack.self_torque, stack.magnet, 1.0, 1.0))
    return float(energy.pulse_energy_heavy_metal(stack.heavy_metal, stack.magnet, 1.0, 1.0))


def _check_scheme(scheme, where):
    if scheme not in SCHEMES:
        raise ValueError(f"device_network.{where}: scheme must be one of {SCHEMES}, got {scheme!r}")
