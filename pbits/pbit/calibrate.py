"""Calibration: an sLLG device -> a behavioural p-bit (gain 1/I0, offset, tau_c).

The behavioural p-bit used by networks (docs/physics.md §3.4, §4; Camsari et al., PRX 7, 031014 (2017)):

    s = sgn(tanh(I/I0 + offset) - u),  u ~ U(-1, 1),   <s> = tanh(I/I0 + offset),

with I the bias current [A]. It is exactly ``circuits.sampling.rules.device_pbit(gain, offset)`` with
``gain = 1/I0`` [1/A] and ``beta = 1`` when the network's local field is the current in amperes; with a
network whose field is in units of a current I_unit (I = I_unit * (J s + h)), pass ``gain = I_unit/I0``
(:func:`rule_args`). In continuous time the p-bit is a two-state telegraph process with rates
r_+- = (1 +- tanh x) cosh(x)^q/(2 tau_c), x = I/I0 + offset, so that <s> = tanh x and the correlation time is
tau_c sech(x)^q (q = 1: Arrhenius/Kramers barrier tilt r_+- = e^{+-x}/(2 tau_c); q is fitted to the sLLG tau_c(I);
:mod:`pbits.pbit.telegraph`). Device-to-device spread is :mod:`pbits.pbit.population`; :func:`calibrated` gives
the calibrated p-bit of a stack preset for one torque scheme, as the device-level network uses it.
Device: Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import jax
import numpy as np
from jax.typing import ArrayLike

import pbits.sllg as sllg
from pbits.analysis import energy
from pbits.device import magnet as _magnet
from pbits.device import stack as _stack
from pbits.device.stack import Device
from pbits.pbit import theory, transfer


class PbitParams(NamedTuple):
    """Behavioural p-bit parameters (scalars for one device, (P,) arrays for a population)."""

    i0: ArrayLike  # current scale I0 of <s> = tanh(I/I0 + offset) [A]
    gain: ArrayLike  # gain = 1/I0 [1/A] (the device-rule gain with beta = 1, I in A)
    offset: ArrayLike  # offset [-]
    tau_c: ArrayLike  # autocorrelation time of s at x = I/I0 + offset = 0 [s]
    tau_exponent: ArrayLike  # q of tau(I) = tau_c sech(x)^q; (tau_c, q) fitted to the sLLG tau(I), |x| <= 2 [-]
    dwell: ArrayLike  # mean dwell time between switches at zero current [s]
    rms: ArrayLike  # RMS residual of the tanh fit over |I| <= 3 I0 [-]
    i0_err: ArrayLike  # standard error of I0 [A]
    offset_err: ArrayLike  # standard error of the offset [-]


def params_from_fit(curve: transfer.TransferCurve, ft: transfer.Fit) -> PbitParams:
    """The :class:`PbitParams` of a measured curve and its fit (tau_c and q from the pooled tau(I) fit)."""
    cur = np.asarray(curve.currents)
    j0 = int(np.argmin(np.abs(cur)))
    dwell = np.asarray(curve.dwell)[..., j0]
    i0 = np.asarray(ft.i0, dtype=float)
    with np.errstate(divide="ignore"):
        gain = np.where(np.isfinite(i0) & (i0 != 0), 1.0 / i0, 0.0)
    tau, q = _tau_fit(cur, np.asarray(curve.tau_c), i0, np.asarray(ft.offset))
    return PbitParams(i0, gain, np.asarray(ft.offset), tau, q, dwell, np.asarray(ft.rms), np.asarray(ft.i0_err),
                      np.asarray(ft.offset_err))


def _tau_fit(cur, tau_c, i0, offset):
    """Fit log tau(I) = log tau_c - q log cosh(x), x = I/I0 + offset, over the points with |x| <= 2.

    Pools the correlation times of all bias points (less noise than the I = 0 point alone); with fewer
    than two usable points q = 1 and tau_c is the value nearest x = 0.
    """
    shape = np.shape(i0)
    tau_c = np.atleast_2d(tau_c)
    i0, offset = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (i0, offset))
    t_out, q_out = np.empty(tau_c.shape[0]), np.ones(tau_c.shape[0])
    for k in range(tau_c.shape[0]):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            x = cur / i0[k] + offset[k]
            lc = np.log(np.cosh(x))
            y = np.log(tau_c[k])
        ok = np.isfinite(y) & np.isfinite(lc) & (np.abs(x) <= 2.0)
        if ok.sum() >= 2 and np.ptp(lc[ok]) > 1e-3:
            slope, icpt = np.polyfit(lc[ok], y[ok], 1)
            t_out[k], q_out[k] = math.exp(icpt), -slope
        else:
            t_out[k] = tau_c[k][int(np.argmin(np.where(np.isfinite(x), np.abs(x), np.inf)))]
    return t_out.reshape(shape), q_out.reshape(shape)


def default_currents(device: Device, *, span: float = 3.0, n_points: int = 9) -> np.ndarray:
    """Currents [A] spanning about +-``span`` x I0: the theoretical I0 (:func:`pbits.pbit.theory.i0_theory`) times
    1 + 1/(1 + Delta), symmetric, ``n_points`` points.

    Example:
        >>> mag = _magnet.uniaxial(1.0, 1.0)
        >>> from pbits.device.torques import Drive
        >>> len(default_currents(Device(mag, Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))))
        9
    """
    # the digital read-out's I0 exceeds the Ising-limit formula at low barrier (2x at Delta = 0: <sgn m_z> =
    # tanh(xi/2)); the factor 1 + 1/(1 + Delta) widens the default range accordingly
    delta = np.asarray(_magnet.derived(device.magnet).delta, dtype=float)
    i0 = np.asarray(theory.i0_theory(device), dtype=float) * (1 + 1 / (1 + np.minimum(delta, 1e6)))
    i0 = float(np.median(i0[np.isfinite(i0)])) if np.any(np.isfinite(i0)) else float("nan")
    if not np.isfinite(i0) or i0 <= 0:
        raise ValueError("calibrate: the drive has no damping-like torque along the easy axis (H_DL/I = 0), so "
                         "I0 is infinite; pass currents= explicitly to measure the (flat) transfer curve")
    return span * i0 * np.linspace(-1.0, 1.0, n_points)


def pilot_i0(key, device: Device, *, n_magnets: int = 16, duration: float | None = None,
             dt: float | None = None, record_dt: float | None = None, progress=None) -> np.ndarray:
    """A rough I0 [A] per device from a short sLLG run on a wide geometric current grid.

    Currents 0, +-u 2^k (k = -3..3) with u from :func:`default_currents`; a quarter of ``duration`` but at least
    8 x :func:`pbits.pbit.theory.tau_estimate` (default 25 x). The theoretical I0 of the in-plane formula
    (docs/physics.md §3.4) can be off by a factor of a few at Delta ~ 1 and large H_D/H_K; this fixes the range.

    Example:
        >>> from pbits.device.torques import Drive
        >>> dev = Device(_magnet.uniaxial(0.0, 1.0), Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> i0 = pilot_i0(jax.random.key(0), dev, n_magnets=8, duration=4e-9)
        >>> bool(3e4 < float(i0) < 3e5)  # exact: 2 x 5e4 A (sign read-out at Delta = 0)
        True
    """
    u = np.asarray([float(np.max(default_currents(device, span=1.0, n_points=2)))])[0]
    pos = u * 2.0 ** np.arange(-3, 4)
    cur = np.concatenate([-pos[::-1], [0.0], pos])
    tau = float(np.min(theory.tau_estimate(device.magnet)))
    dur = 25 * tau if duration is None else max(duration / 4, 8 * tau)
    curve = transfer.measure(key, device, cur, n_magnets=n_magnets, duration=dur, burn_in=dur / 10, dt=dt,
                             record_dt=record_dt, progress=progress)
    return np.abs(np.asarray(transfer.fit(curve).i0))


def calibrate(key, device: Device, *, currents: ArrayLike | None = None, n_points: int = 9, n_magnets: int = 128,
              duration: float | None = None, burn_in: float | None = None, dt: float | None = None,
              record_dt: float | None = None, return_curve: bool = False, progress=None):
    """Calibrate a behavioural p-bit from sLLG: <s>(I) -> tanh fit (I0, offset), tau_c(I) fit, dwell at I = 0.

    One vectorised :func:`pbits.pbit.transfer.measure` run (``n_magnets`` copies per current), then
    :func:`pbits.pbit.transfer.fit` with the digital read-out s = sgn(m.n). docs/physics.md §3.4-3.5, §4; device of
    Choi et al. 2025.

    Args:
        key: ``jax.random`` key.
        device: magnet and drive (sigma along the easy axis); batched leaves (P,) calibrate P devices at once.
        currents: bias currents [A]; default ``n_points`` points over +-3 I0, with I0 from a short pilot run
            (:func:`pilot_i0`). tau_c and dwell are taken at the current closest to 0.
        n_magnets, duration, burn_in, dt, record_dt: see :func:`pbits.pbit.transfer.measure`.
        return_curve: also return the :class:`pbits.pbit.transfer.TransferCurve`.
        progress: passed to the sLLG runs (:func:`pbits.pbit.transfer.measure`).

    Returns:
        :class:`PbitParams` (and the curve if ``return_curve``).

    Example:
        >>> from pbits.device.torques import Drive
        >>> dev = Device(_magnet.uniaxial(0.0, 1.0), Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> p = calibrate(jax.random.key(0), dev, currents=[-2e4, 0.0, 2e4], n_magnets=16, duration=2e-9)
        >>> bool(p.i0 > 0) and bool(p.tau_c > 0)
        True
    """
    if currents is None:
        k_p, key = jax.random.split(key)
        i0 = pilot_i0(k_p, device, duration=duration, dt=dt, record_dt=record_dt, progress=progress)
        if np.ndim(i0):
            raise ValueError("calibrate.calibrate: a batch of devices needs explicit currents= (or use "
                             "calibrate_population / random_bit.calibrate_drives)")
        cur = 3.0 * float(i0) * np.linspace(-1.0, 1.0, n_points)
    else:
        cur = transfer.check_currents(currents, "calibrate.calibrate")
    curve = transfer.measure(key, device, cur, n_magnets=n_magnets, duration=duration, burn_in=burn_in, dt=dt,
                             record_dt=record_dt, progress=progress)
    params = params_from_fit(curve, transfer.fit(curve))
    return (params, curve) if return_curve else params


def rule_args(params: PbitParams, current_unit: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(gain, offset) for the device p-bit rule of ``circuits`` when the network field is in units of ``current_unit`` [A].

    gain = current_unit / I0, so that tanh(beta * gain * I_net + offset) = tanh(I/I0 + offset) at beta = 1 with
    I = current_unit * I_net (docs/physics.md §3.4, §4). float32 arrays.

    Example:
        >>> p = PbitParams(*(np.asarray(v) for v in (2e-6, 5e5, 0.1, 1e-9, 1.0, 1e-9, 0.0, 0.0, 0.0)))
        >>> [round(float(v), 3) for v in rule_args(p, current_unit=1e-6)]
        [0.5, 0.1]
    """
    if not np.isfinite(current_unit) or current_unit <= 0:
        raise ValueError(f"calibrate.rule_args: current_unit must be a finite current > 0 A, got {current_unit!r}")
    return (np.asarray(current_unit * np.asarray(params.gain), np.float32),
            np.asarray(params.offset, np.float32))


class Calibration(NamedTuple):
    """A device, its calibrated p-bit, write resistance and time step for one torque scheme."""

    device: Device  # magnet and drive
    params: PbitParams  # I0 [A], offset [-], tau_c [s], ...
    resistance: float  # write-path Joule resistance [Ohm]
    dt: float  # Heun time step [s]
    scheme: str  # "self" or the heavy-metal baseline ("pt", "ta", "w")


def calibrated(key, scheme: str = "self", *, preset: str = "inplane_low_barrier", n_magnets: int = 64,
               duration: float = 20e-9, oersted: bool = True, max_rms: float = 0.05) -> Calibration:
    """Calibrate the preset stack's p-bit for a torque scheme (sLLG transfer curve over +-3 I0_theory, tanh fit).

    ``scheme`` is ``"self"`` or a heavy-metal baseline name (:data:`pbits.device.stack.SCHEMES`; the stack is
    built with that baseline). The time step is the largest 0.4 ps / 2^k that :func:`pbits.sllg.check_dt`
    accepts at 6 I0_theory.
    On the in-plane low-barrier stack the heavy-metal (Pt) baseline's Oersted field (H_Oe/I = J_HM t_HM/2,
    along the easy axis) outweighs its damping-like torque at small currents and the transfer curve is
    non-monotonic (|<s>| <= 0.43), i.e. not a p-bit; ``oersted=False`` drops it (a compensated write line)
    to compare the torques alone. A fit RMS above ``max_rms`` raises. Costs ~5-20 s of CPU.

    Example:
        >>> c = calibrated(jax.random.key(0), n_magnets=8, duration=2e-9, max_rms=1.0)
        >>> c.scheme, c.dt
        ('self', 4e-13)
    """
    if scheme not in _stack.SCHEMES:
        raise ValueError(f"calibrate.calibrated: scheme must be one of {_stack.SCHEMES}, got {scheme!r}")
    stack = _stack.preset(preset, **({} if scheme == "self" else {"baseline": scheme}))
    dev = _stack.drives(stack)[scheme]
    if not oersted:
        dev = dev._replace(drive=dev.drive._replace(oe=np.zeros(3)))
    i_est = abs(float(theory.i0_theory(dev)))
    dt = 4e-13
    for _ in range(8):
        try:
            sllg.check_dt(dev, dt, 6 * i_est)
            break
        except ValueError:
            dt /= 2
    p = calibrate(key, dev, currents=np.linspace(-3, 3, 9) * i_est, n_magnets=n_magnets,
                            duration=duration, burn_in=duration / 10, dt=dt, record_dt=max(dt, 4e-11))
    if not float(p.rms) <= max_rms:
        raise ValueError(f"calibrate.calibrated: the {scheme!r} transfer curve of {preset!r} is not a tanh "
                         f"(fit RMS {float(p.rms):.3f} > max_rms = {max_rms}); for the heavy metal pass oersted=False "
                         f"(the Oersted field along the easy axis opposes the torque), or a longer duration")
    return Calibration(dev, p, energy.write_resistance(stack, scheme), dt, scheme)
