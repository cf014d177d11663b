"""Calibration: an sLLG device -> a behavioural p-bit (gain 1/I0, offset, tau_c), for one device or a wafer.

The behavioural p-bit used by networks (PHYSICS.md §3.4, §4; Camsari et al., PRX 7, 031014 (2017)):

    s = sgn(tanh(I/I0 + offset) - u),  u ~ U(-1, 1),   <s> = tanh(I/I0 + offset),

with I the bias current [A]. It is exactly ``circuits.pbit.device_pbit(gain, offset)`` with
``gain = 1/I0`` [1/A] and ``beta = 1`` when the network's local field is the current in amperes; with a
network whose field is in units of a current I_unit (I = I_unit * (J s + h)), pass ``gain = I_unit/I0``
(:func:`rule_args`). In continuous time the p-bit is a two-state telegraph process with rates
r_+- = (1 +- tanh x) cosh(x)^q/(2 tau_c), x = I/I0 + offset, so that <s> = tanh x and the correlation time is
tau_c sech(x)^q (q = 1: Arrhenius/Kramers barrier tilt r_+- = e^{+-x}/(2 tau_c); q is fitted to the sLLG tau_c(I);
:func:`telegraph`).

Device-to-device variation (PHYSICS.md §4, Kaiser et al., PRApplied 17, 014016 (2022)): volume and
anisotropy field drawn from normal distributions with given coefficients of variation, and a random stray
field along the easy axis (offset); every distinct device is calibrated by sLLG in one vectorised run.
Device: Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w.
"""
from __future__ import annotations

import math
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from pbits import pbit_theory, sllg, transfer
from pbits import magnet as _magnet


class PbitParams(NamedTuple):
    """Behavioural p-bit parameters (scalars for one device, (P,) arrays for a population)."""

    i0: ArrayLike  # current scale I0 of <s> = tanh(I/I0 + offset) [A]
    gain: ArrayLike  # gain = 1/I0 [1/A] (``circuits.pbit.device_pbit`` gain with beta = 1, I in A)
    offset: ArrayLike  # offset [-]
    tau_c: ArrayLike  # autocorrelation time of s at x = I/I0 + offset = 0 [s]
    tau_exponent: ArrayLike  # q of tau(I) = tau_c sech(x)^q; (tau_c, q) fitted to the sLLG tau(I), |x| <= 2 [-]
    dwell: ArrayLike  # mean dwell time between switches at zero current [s]
    rms: ArrayLike  # RMS residual of the tanh fit over |I| <= 3 I0 [-]
    i0_err: ArrayLike  # standard error of I0 [A]
    offset_err: ArrayLike  # standard error of the offset [-]


class Population(NamedTuple):
    """A calibrated wafer: sampled devices, their p-bit parameters and the spread."""

    devices: sllg.Device  # per-device leaves (P,) / (3, P)
    params: PbitParams  # (P,) arrays
    gain_cv: float  # std/mean of the gain over the population [-]
    offset_std: float  # std of the offset over the population [-]
    tau_cv: float  # std/mean of tau_c [-]


def _params(curve: transfer.TransferCurve, ft: transfer.Fit) -> PbitParams:
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


def default_currents(device: sllg.Device, *, span: float = 3.0, n_points: int = 9) -> np.ndarray:
    """Currents [A] spanning about +-``span`` x I0: the theoretical I0 (:func:`pbits.pbit_theory.i0_theory`) times
    1 + 1/(1 + Delta), symmetric, ``n_points`` points.

    Example:
        >>> mag = _magnet.uniaxial(1.0, 1.0)
        >>> len(default_currents(sllg.Device(mag, sllg.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))))
        9
    """
    # the digital read-out's I0 exceeds the Ising-limit formula at low barrier (2x at Delta = 0: <sgn m_z> =
    # tanh(xi/2)); the factor 1 + 1/(1 + Delta) widens the default range accordingly
    delta = np.asarray(_magnet.derived(device.magnet).delta, dtype=float)
    i0 = np.asarray(pbit_theory.i0_theory(device), dtype=float) * (1 + 1 / (1 + np.minimum(delta, 1e6)))
    i0 = float(np.median(i0[np.isfinite(i0)])) if np.any(np.isfinite(i0)) else float("nan")
    if not np.isfinite(i0) or i0 <= 0:
        raise ValueError("calibrate: the drive has no damping-like torque along the easy axis (H_DL/I = 0), so "
                         "I0 is infinite; pass currents= explicitly to measure the (flat) transfer curve")
    return span * i0 * np.linspace(-1.0, 1.0, n_points)


def pilot_i0(key, device: sllg.Device, *, n_magnets: int = 16, duration: float | None = None,
             dt: float | None = None, record_dt: float | None = None) -> np.ndarray:
    """A rough I0 [A] per device from a short sLLG run on a wide geometric current grid.

    Currents 0, +-u 2^k (k = -3..3) with u from :func:`default_currents`; a quarter of ``duration`` but at least
    8 x :func:`pbits.pbit_theory.tau_estimate` (default 25 x). The theoretical I0 of the in-plane formula
    (PHYSICS.md §3.4) can be off by a factor of a few at Delta ~ 1 and large H_D/H_K; this fixes the range.

    Example:
        >>> dev = sllg.Device(_magnet.uniaxial(0.0, 1.0), sllg.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> i0 = pilot_i0(jax.random.key(0), dev, n_magnets=8, duration=4e-9)
        >>> bool(3e4 < float(i0) < 3e5)  # exact: 2 x 5e4 A (sign read-out at Delta = 0)
        True
    """
    u = np.asarray([float(np.max(default_currents(device, span=1.0, n_points=2)))])[0]
    pos = u * 2.0 ** np.arange(-3, 4)
    cur = np.concatenate([-pos[::-1], [0.0], pos])
    tau = float(np.min(pbit_theory.tau_estimate(device.magnet)))
    dur = 25 * tau if duration is None else max(duration / 4, 8 * tau)
    curve = transfer.measure(key, device, cur, n_magnets=n_magnets, duration=dur, burn_in=dur / 10, dt=dt,
                             record_dt=record_dt)
    return np.abs(np.asarray(transfer.fit(curve).i0))


def calibrate(key, device: sllg.Device, *, currents: ArrayLike | None = None, n_points: int = 9, n_magnets: int = 128,
              duration: float | None = None, burn_in: float | None = None, dt: float | None = None,
              record_dt: float | None = None, return_curve: bool = False):
    """Calibrate a behavioural p-bit from sLLG: <s>(I) -> tanh fit (I0, offset), tau_c(I) fit, dwell at I = 0.

    One vectorised :func:`pbits.transfer.measure` run (``n_magnets`` copies per current), then
    :func:`pbits.transfer.fit` with the digital read-out s = sgn(m.n). PHYSICS.md §3.4-3.5, §4; device of
    Choi et al., Nat. Commun. 2025, doi:10.1038/s41467-025-61073-w.

    Args:
        key: ``jax.random`` key.
        device: magnet and drive (sigma along the easy axis); batched leaves (P,) calibrate P devices at once.
        currents: bias currents [A]; default ``n_points`` points over +-3 I0, with I0 from a short pilot run
            (:func:`pilot_i0`). tau_c and dwell are taken at the current closest to 0.
        n_magnets, duration, burn_in, dt, record_dt: see :func:`pbits.transfer.measure`.
        return_curve: also return the :class:`pbits.transfer.TransferCurve`.

    Returns:
        :class:`PbitParams` (and the curve if ``return_curve``).

    Example:
        >>> mag = _magnet.uniaxial(0.0, 1.0)
        >>> dev = sllg.Device(mag, sllg.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> p = calibrate(jax.random.key(0), dev, currents=[-2e4, 0.0, 2e4], n_magnets=16, duration=2e-9)
        >>> bool(p.i0 > 0) and bool(p.tau_c > 0)
        True
    """
    if currents is None:
        k_p, key = jax.random.split(key)
        i0 = pilot_i0(k_p, device, duration=duration, dt=dt, record_dt=record_dt)
        if np.ndim(i0):
            raise ValueError("calibrate.calibrate: a batch of devices needs explicit currents= (or use "
                             "calibrate_population / random_bit.calibrate_drives)")
        cur = 3.0 * float(i0) * np.linspace(-1.0, 1.0, n_points)
    else:
        cur = transfer._check_currents(currents, "calibrate.calibrate")
    curve = transfer.measure(key, device, cur, n_magnets=n_magnets, duration=duration, burn_in=burn_in, dt=dt,
                             record_dt=record_dt)
    params = _params(curve, transfer.fit(curve))
    return (params, curve) if return_curve else params


def rule_args(params: PbitParams, current_unit: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """(gain, offset) for ``circuits.pbit.device_pbit`` when the network field is in units of ``current_unit`` [A].

    gain = current_unit / I0, so that tanh(beta * gain * I_net + offset) = tanh(I/I0 + offset) at beta = 1 with
    I = current_unit * I_net (PHYSICS.md §3.4, §4). float32 arrays.

    Example:
        >>> p = PbitParams(*(np.asarray(v) for v in (2e-6, 5e5, 0.1, 1e-9, 1.0, 1e-9, 0.0, 0.0, 0.0)))
        >>> [round(float(v), 3) for v in rule_args(p, current_unit=1e-6)]
        [0.5, 0.1]
    """
    if not np.isfinite(current_unit) or current_unit <= 0:
        raise ValueError(f"calibrate.rule_args: current_unit must be a finite current > 0 A, got {current_unit!r}")
    return (np.asarray(current_unit * np.asarray(params.gain), np.float32),
            np.asarray(params.offset, np.float32))


# ---------------------------------------------------------------------------------------------
# behavioural p-bit in continuous time


@partial(jax.jit, static_argnames=("n_steps",))
def _telegraph(key, s0, x, tau, q, dt, n_steps):
    # exact two-state Markov transition over dt: r+ + r- = cosh(x)^q/tau, (r+ - r-)/(r+ + r-) = tanh x
    lam = jnp.cosh(x) ** q / tau
    p_up = 0.5 * (1 + jnp.tanh(x))
    decay = jnp.exp(-lam * dt)

    def step(s, k):
        p = p_up + (jnp.where(s > 0, 1.0, 0.0) - p_up) * decay  # P(s' = +1 | s)
        u = jax.random.uniform(k, s.shape)
        s = jnp.where(u < p, 1.0, -1.0).astype(s.dtype)
        return s, s

    _, trace = jax.lax.scan(step, s0, jax.random.split(key, n_steps))
    return trace


def telegraph(key, params: PbitParams, current: ArrayLike, *, dt: float, n_steps: int, n: int = 1) -> np.ndarray:
    """Continuous-time behavioural p-bit: a two-state telegraph trace s(t), sampled every ``dt`` [s].

    Rates r_+- = (1 +- tanh x) cosh(x)^q/(2 tau_c), x = I/I0 + offset, so that <s> = tanh x (the calibrated
    transfer curve) and the autocorrelation is exp(-t cosh(x)^q/tau_c); q = 1 is the Arrhenius barrier tilt
    r_+- = e^{+-x}/(2 tau_c), q is fitted to the sLLG tau_c(I) by :func:`calibrate`. The transition over dt is
    exact. PHYSICS.md §3.4-3.5; device of Choi et al. 2025, doi:10.1038/s41467-025-61073-w.

    Args:
        key: ``jax.random`` key.
        params: calibrated :class:`PbitParams` (scalars or (P,) arrays, broadcast with ``current``).
        current: bias current(s) [A], broadcast with the parameters to shape (P,).
        dt: sampling interval [s].
        n_steps: number of samples.
        n: independent copies per p-bit.

    Returns:
        (n_steps, n, P) float32 array of +-1 (P = broadcast size, 1 for scalars).

    Example:
        >>> p = PbitParams(*(np.asarray(v) for v in (1e-6, 1e6, 0.0, 1e-9, 1.0, 1e-9, 0.0, 0.0, 0.0)))
        >>> telegraph(jax.random.key(0), p, 0.0, dt=1e-10, n_steps=5, n=3).shape
        (5, 3, 1)
    """
    if not (np.isfinite(dt) and dt > 0) or int(n_steps) != n_steps or n_steps < 1 or n < 1:
        raise ValueError(f"calibrate.telegraph: need dt > 0 s, n_steps >= 1 and n >= 1, got dt={dt!r}, "
                         f"n_steps={n_steps!r}, n={n!r}")
    i = np.asarray(current, dtype=float)
    x = np.atleast_1d(i * np.asarray(params.gain, dtype=float) + np.asarray(params.offset, dtype=float))
    tau = np.broadcast_to(np.atleast_1d(np.asarray(params.tau_c, dtype=float)), x.shape)
    if np.any(~np.isfinite(x)) or np.any(~(tau > 0)):
        raise ValueError(f"calibrate.telegraph: need finite I/I0 + offset and tau_c > 0, got x={x!r}, tau_c={tau!r}")
    k0, k1 = jax.random.split(key)
    p_up = 0.5 * (1 + np.tanh(x))
    s0 = jnp.where(jax.random.uniform(k0, (n, x.size)) < p_up, 1.0, -1.0)  # stationary start
    q = np.broadcast_to(np.atleast_1d(np.asarray(params.tau_exponent, dtype=float)), x.shape)
    return np.asarray(_telegraph(k1, s0, jnp.asarray(x, jnp.float32), jnp.asarray(tau / dt, jnp.float32),
                                 jnp.asarray(q, jnp.float32), 1.0, int(n_steps)))


# ---------------------------------------------------------------------------------------------
# populations


def sample_devices(key, device: sllg.Device, n_devices: int, *, volume_cv: float = 0.0, hk_cv: float = 0.0,
                   bias_field_std: float = 0.0) -> sllg.Device:
    """Draw a population of devices: V ~ N(V0, (cv V0)^2), H_K ~ N(H_K0, (cv H_K0)^2), stray field along n.

    The stray (e.g. reference-layer) field H_b ~ N(0, bias_field_std^2) [A/m] along the easy axis gives the
    offset; volume and anisotropy set Delta, I0 and tau_c (PHYSICS.md §4 "device-to-device variation": CV
    2-10 % at sLLG level). Normals are truncated to positive values. Choi et al. 2025,
    doi:10.1038/s41467-025-61073-w.

    Args:
        key: ``jax.random`` key.
        device: the nominal device (scalar leaves).
        n_devices: population size P.
        volume_cv: coefficient of variation of the volume [-].
        hk_cv: coefficient of variation of the crystalline anisotropy field H_K [-] (note: for a PMA film
            H_K,eff = H_K - M_s (N_z - N_x) is a small difference, so its spread is larger).
        bias_field_std: standard deviation of the stray field along the easy axis [A/m].

    Returns:
        A :class:`pbits.sllg.Device` with (P,) / (3, P) leaves.

    Example:
        >>> d = sample_devices(jax.random.key(0), sllg.Device(_magnet.uniaxial(1.0, 1.0)), 4, volume_cv=0.05)
        >>> np.shape(d.magnet.volume)
        (4,)
    """
    f = "calibrate.sample_devices"
    if int(n_devices) != n_devices or n_devices < 1:
        raise ValueError(f"{f}: n_devices must be an integer >= 1, got {n_devices!r}")
    for name, v in (("volume_cv", volume_cv), ("hk_cv", hk_cv), ("bias_field_std", bias_field_std)):
        if not np.isfinite(v) or v < 0:
            raise ValueError(f"{f}: {name} must be finite and >= 0, got {v!r}; use 0 for no spread")
    if transfer.n_devices(device) != 1:
        raise ValueError(f"{f}: the nominal device must have scalar leaves, got a batch of "
                         f"{transfer.n_devices(device)}")
    rng = np.random.default_rng(np.asarray(jax.random.key_data(key)).ravel().astype(np.uint64))
    mag = device.magnet
    v0, hk0 = float(mag.volume), float(mag.hk)
    vol = v0 * (1 + volume_cv * rng.standard_normal(n_devices))
    hk = hk0 * (1 + hk_cv * rng.standard_normal(n_devices))
    if np.any(vol <= 0) or np.any(hk < 0):
        vol, hk = np.maximum(vol, 1e-3 * v0), np.maximum(hk, 0.0)
    hb = bias_field_std * rng.standard_normal(n_devices)
    axis = np.asarray(mag.easy_axis, dtype=float)
    h_ext = np.asarray(device.h_ext, dtype=float)[:, None] + axis[:, None] * hb[None, :]
    new = mag._replace(volume=vol, hk=hk, thickness=np.full(n_devices, float(mag.thickness)))
    return device._replace(magnet=new, h_ext=h_ext)


def _unique(devs: sllg.Device, p: int):
    """Indices of the distinct devices (volume, H_K, stray field) and the map back to all P."""
    table = np.vstack([np.broadcast_to(np.asarray(devs.magnet.volume, dtype=float), (p,)),
                       np.broadcast_to(np.asarray(devs.magnet.hk, dtype=float), (p,)),
                       np.broadcast_to(np.asarray(devs.h_ext, dtype=float).reshape(3, -1), (3, p))])
    _, first, inverse = np.unique(table.T, axis=0, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _take(devs: sllg.Device, idx: np.ndarray, p: int) -> sllg.Device:
    """The devices ``idx`` of a population produced by :func:`sample_devices`."""
    def t(x, vector=False):
        a = np.asarray(x)
        if (a.ndim == 2 if vector else a.ndim >= 1) and a.shape[-1] == p:
            return a[..., idx]
        return x

    mag = devs.magnet._replace(**{k: t(getattr(devs.magnet, k)) for k in transfer._SCALARS},
                               **{k: t(getattr(devs.magnet, k), True) for k in transfer._VECTORS})
    return sllg.Device(mag, devs.drive, t(devs.h_ext, True))


def calibrate_population(key, device: sllg.Device, n_devices: int, *, volume_cv: float = 0.0, hk_cv: float = 0.0,
                         bias_field_std: float = 0.0, currents: ArrayLike | None = None, n_magnets: int = 64,
                         duration: float | None = None, burn_in: float | None = None, dt: float | None = None,
                         record_dt: float | None = None) -> Population:
    """Sample a wafer (:func:`sample_devices`) and calibrate every distinct device by sLLG in one run.

    Identical devices are calibrated once (zero spread gives identical p-bits). Returns per-device
    (P,) gain/offset/tau_c arrays ready for ``circuits.pbit.device_pbit`` (see :func:`rule_args`) and their
    spread. PHYSICS.md §4; Choi et al., Nat. Commun. 2025, doi:10.1038/s41467-025-61073-w.

    Example:
        >>> dev = sllg.Device(_magnet.uniaxial(0.0, 1.0), sllg.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> pop = calibrate_population(jax.random.key(0), dev, 3, currents=[-2e4, 0.0, 2e4], n_magnets=8,
        ...                            duration=1e-9)
        >>> bool(np.ptp(pop.params.gain) == 0.0)
        True
    """
    k_s, k_c = jax.random.split(key)
    devs = sample_devices(k_s, device, n_devices, volume_cv=volume_cv, hk_cv=hk_cv, bias_field_std=bias_field_std)
    cur = default_currents(device) if currents is None else transfer._check_currents(currents,
                                                                                     "calibrate.calibrate_population")
    first, inverse = _unique(devs, n_devices)
    sub = _take(devs, first, n_devices)
    curve = transfer.measure(k_c, sub, cur, n_magnets=n_magnets, duration=duration, burn_in=burn_in, dt=dt,
                             record_dt=record_dt)
    p = _params(curve, transfer.fit(curve))
    p = PbitParams(*(np.broadcast_to(np.atleast_1d(np.asarray(v)), (first.size,))[inverse].copy() for v in p))
    g, o, t = (np.asarray(v, dtype=float) for v in (p.gain, p.offset, p.tau_c))
    spread = lambda v: float(np.std(v - v[0]))  # noqa: E731  (exactly 0 for identical devices)
    return Population(devs, p, spread(g) / abs(float(np.mean(g))) if np.mean(g) else float("nan"), spread(o),
                      spread(t) / float(np.mean(t)))
