"""p-bit transfer curve <m>(I) from sLLG: many magnets in one vectorised run, tanh fit, tau_c, dwell times.

A low-barrier magnet biased by a current I fluctuates between its two easy-axis directions; the p-bit output is
its read-out sign s = sgn(m.n) (an MTJ read-out followed by an inverter/comparator, docs/physics.md §4) and the
transfer curve is <s>(I). The behavioural p-bit (docs/physics.md §3.4, §4; Camsari et al., PRX 7, 031014 (2017))

    <s> = tanh(I/I0 + offset),   s = sgn(tanh(I/I0 + offset) - u),  u ~ U(-1, 1),

is fitted to it (gain 1/I0, offset, residual). The analog projection <m.n> is kept too, for the exact oracles:
PMA with collinear torque <m_z> = F(xi, Delta), xi = mu0 M_s V (H + H_DL/alpha)/(k_B T) (docs/physics.md §3.4), and
the in-plane sigmoid <m_y>/<|m_y|> = tanh(Delta h/h_c), h_c = alpha(1 + H_D/2H_K) (docs/physics.md §3.4, O17); these
theory values (I0, H_DL,0, the exact sign mean) are :mod:`pbits.pbit.theory`.
Device: the FM/AFM-insulator self-torque stack of Choi et al., Nature Communications 2025,
doi:10.1038/s41467-025-61073-w, compared with a heavy-metal SOT p-bit (docs/physics.md §1.6).

All currents of a sweep and all magnets of a population run in *one* :func:`pbits.sllg.simulate` call
(magnet axis = current x copy), so the samples are independent and the standard errors exact (STYLE §13).
"""
from __future__ import annotations

import math
from typing import NamedTuple

import jax
import numpy as np
from jax.typing import ArrayLike

import pbits.sllg as sllg
from pbits.analysis import traces
from pbits.device.stack import Device
from pbits.pbit import theory


class TransferCurve(NamedTuple):
    """sLLG transfer curve, one entry per current (numpy arrays; K currents, or (P, K) for P devices)."""

    currents: np.ndarray  # bias currents I (K,) [A]
    mean: np.ndarray  # <s> = <sgn(m.n)>, the digital p-bit output [-]
    stderr: np.ndarray  # standard error of ``mean`` over independent magnets [-]
    mean_m: np.ndarray  # <m.n>, the analog projection on the easy axis [-]
    stderr_m: np.ndarray  # standard error of ``mean_m`` [-]
    mean_abs: np.ndarray  # <|m.n|> [-] (normalisation of the in-plane oracle O17)
    tau_c: np.ndarray  # integrated autocorrelation time of s(t) [s]
    tau_m: np.ndarray  # integrated autocorrelation time of m.n(t) [s]
    dwell: np.ndarray  # mean dwell time between switches (hysteresis +-0.5 on m.n): total time / switches [s]
    n_magnets: int  # independent magnets per current (and device)
    duration: float  # recorded time per magnet after burn-in [s]
    tau_c_err: np.ndarray | None = None  # standard error of tau_c from 8 independent groups of magnets [s]


class Fit(NamedTuple):
    """Weighted least-squares fit <s> = amplitude * tanh(z + cubic z^3), z = I/I0 + offset (cubic = 0: the tanh)."""

    i0: np.ndarray  # current scale I0 [A] (gain = 1/I0)
    offset: np.ndarray  # offset [-]
    amplitude: np.ndarray  # amplitude (1 for the digital read-out) [-]
    rms: np.ndarray  # RMS residual over |I| <= 3 I0 [-]
    i0_err: np.ndarray  # standard error of I0 [A]
    offset_err: np.ndarray  # standard error of the offset [-]
    chi2: np.ndarray  # chi^2 per degree of freedom [-]
    cubic: np.ndarray | float = 0.0  # shape coefficient c of tanh(z + c z^3) (0 for shape="tanh") [-]


# ---------------------------------------------------------------------------------------------
# measurement


def _component(axis: np.ndarray) -> int | None:
    a = np.abs(np.asarray(axis, dtype=float).reshape(3, -1))
    for k in range(3):
        if np.all(a[k] > 1 - 1e-9):
            return k
    return None


PER_DEVICE = ("mean", "stderr", "mean_m", "stderr_m", "mean_abs", "tau_c", "tau_m", "dwell", "tau_c_err")
SCALARS = ("ms", "volume", "thickness", "alpha", "hk", "temperature")
VECTORS = ("easy_axis", "demag")


def _batch_sizes(device: Device) -> set:
    sizes = set()
    for name in SCALARS:
        a = np.asarray(getattr(device.magnet, name))
        if a.ndim >= 1:
            sizes.add(a.shape[-1])
    for name in VECTORS:
        a = np.asarray(getattr(device.magnet, name))
        if a.ndim == 2:
            sizes.add(a.shape[-1])
    drv = device.drive
    for a in (drv.dl, drv.fl):
        if np.ndim(a) >= 1:
            sizes.add(np.shape(a)[-1])
    for a in (drv.sigma, drv.oe, device.h_ext):
        if np.ndim(a) == 2:
            sizes.add(np.shape(a)[-1])
    sizes.discard(1)
    return sizes


def n_devices(device: Device) -> int:
    """Number of devices P in a (possibly batched) :class:`pbits.Device` (per-device leaves (P,) or (3, P)).

    Example:
        >>> from pbits.device import magnet
        >>> n_devices(Device(magnet.preset("pma")))
        1
    """
    sizes = _batch_sizes(device)
    if len(sizes) > 1:
        raise ValueError(f"transfer: device leaves have inconsistent batch sizes {sorted(sizes)}; give every "
                         f"per-device leaf the same last axis P")
    return sizes.pop() if sizes else 1


def tile(device: Device, p: int, per: int) -> Device:
    """Repeat each of the P devices of a batched device ``per`` times along the magnet axis."""

    def rep(x, vector):
        a = np.asarray(x)
        if (a.ndim == 2 if vector else a.ndim >= 1) and a.shape[-1] == p:
            return np.repeat(a, per, axis=-1)
        return x

    mag = device.magnet._replace(**{k: rep(getattr(device.magnet, k), False) for k in SCALARS},
                                 **{k: rep(getattr(device.magnet, k), True) for k in VECTORS})
    drv = device.drive
    drv = drv._replace(dl=rep(drv.dl, False), fl=rep(drv.fl, False), sigma=rep(drv.sigma, True), oe=rep(drv.oe, True))
    return Device(mag, drv, rep(device.h_ext, True))


def check_currents(currents, func):
    """The currents [A] as a non-empty finite 1-D float array, or a ValueError naming ``func``."""
    c = np.asarray(currents, dtype=float)
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"{func}: currents must be a non-empty 1-D array of currents [A], got {currents!r}")
    if not np.all(np.isfinite(c)):
        raise ValueError(f"{func}: currents must be finite, got {currents!r}; remove NaN/inf entries")
    return c


def measure(key, device: Device, currents: ArrayLike, *, n_magnets: int = 128, duration: float | None = None,
            burn_in: float | None = None, dt: float | None = None, record_dt: float | None = None,
            dwell_threshold: float = 0.5, progress=None) -> TransferCurve:
    """sLLG transfer curve <sgn(m.n)>(I), <m.n>(I), tau_c(I) and dwell(I) from one vectorised run.

    ``n_magnets`` independent copies per current (and per device when ``device`` is batched with a last axis
    P) start alternately along +n and -n, burn in for ``burn_in`` [s] and are recorded for ``duration`` [s]
    every ``record_dt``.
    Standard errors use the per-magnet time averages (independent). tau_c is the integrated
    autocorrelation time of s(t) = sgn(m.n) (Sokal window, :func:`pbits.traces.autocorrelation_time`).
    Physics: docs/physics.md §3.4-3.5; device of Choi et al. 2025.

    Args:
        key: ``jax.random`` key.
        device: magnet + drive (sigma along the easy axis for a bias); leaves scalar, or (P,) / (3, P) for P devices.
        currents: bias currents [A], shape (K,).
        n_magnets: copies per current and device.
        duration: recorded time [s]; default 100 x :func:`pbits.pbit.theory.tau_estimate`.
        burn_in: discarded time [s]; default 5 x :func:`pbits.pbit.theory.tau_estimate`.
        dt: time step [s]; default :func:`pbits.sllg.suggest_dt` with angle 0.05 rad.
        record_dt: time between records [s]; default tau_estimate/20 (rounded to whole steps).
        dwell_threshold: hysteresis thresholds +-this on m.n for the dwell times.
        progress: ``progress(steps_done, steps, record)`` between chunks of the two sLLG runs (burn-in, record).

    Returns:
        :class:`TransferCurve`; arrays (K,) for one device, (P, K) for P devices.

    Example:
        >>> from pbits.device import magnet, torques
        >>> dev = Device(magnet.uniaxial(0.0, 1.0), torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> tc = measure(jax.random.key(0), dev, [-1e4, 1e4], n_magnets=16, duration=2e-9)
        >>> tc.mean.shape, bool(tc.mean[1] > tc.mean[0])
        ((2,), True)
    """
    f = "transfer.measure"
    cur = check_currents(currents, f)
    if int(n_magnets) != n_magnets or n_magnets < 2:
        raise ValueError(f"{f}: n_magnets must be an integer >= 2 (standard errors need two), got {n_magnets!r}")
    p = n_devices(device)
    k = cur.size
    mag = device.magnet
    tau = float(np.min(theory.tau_estimate(mag)))
    duration = 100 * tau if duration is None else float(duration)
    burn_in = 5 * tau if burn_in is None else float(burn_in)
    for name, v in (("duration", duration), ("burn_in", burn_in)):
        if not np.isfinite(v) or v < 0 or (name == "duration" and v == 0):
            raise ValueError(f"{f}: {name} must be a finite time > 0 s, got {v!r}")
    imax = float(np.max(np.abs(cur)))
    if dt is None:
        dt = sllg.suggest_dt(device, angle=0.05, max_current=imax)
    record_dt = tau / 20 if record_dt is None else float(record_dt)
    every = max(1, int(round(record_dt / dt)))
    n_rec = max(4, int(math.ceil(duration / (every * dt))))
    n_steps = n_rec * every
    n_burn = int(math.ceil(burn_in / dt))
    # magnet index = (device, current, copy), copy fastest
    n = p * k * n_magnets
    dev = tile(device, p, k * n_magnets) if p > 1 else device
    levels = np.tile(np.repeat(cur, n_magnets), p)
    axis = np.asarray(dev.magnet.easy_axis, dtype=float)
    comp = _component(axis)
    # alternate copies start along +n and -n: the run starts from <s> = 0, not from a saturated state
    sign0 = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    m0 = (axis[:, None] if axis.ndim == 1 else axis) * sign0
    k_burn, k_run = jax.random.split(key)
    m = m0
    if n_burn:
        m = sllg.simulate(k_burn, dev, m0, dt=dt, n_steps=n_burn, current=levels, record=(),
                          record_every=n_burn, progress=progress).m
    ev = sllg.Events(axis=axis, lo=-dwell_threshold, hi=dwell_threshold)
    names = (("mx", "my", "mz")[comp],) if comp is not None else ("m",)
    r = sllg.simulate(k_run, dev, m, dt=dt, n_steps=n_steps, current=levels, record=names, record_every=every,
                      events=ev, progress=progress)
    if comp is not None:
        x = r.trace[names[0]] * np.sign(axis.reshape(3, -1)[comp])
    else:
        x = np.einsum("tin,in->tn", r.trace["m"], axis if axis.ndim == 2 else axis[:, None])
    return _statistics(x.astype(np.float64), r.events, cur, (p, k, int(n_magnets)), every * dt, float(n_steps * dt))


def _statistics(x, events, cur, shape, rec_dt: float, duration: float) -> TransferCurve:
    """The :class:`TransferCurve` of the projections ``x`` (n_rec, P*K*M) on the easy axis, magnet index
    (device, current, copy) with the copy fastest; standard errors over the M independent copies."""
    p, k, n_magnets = shape
    n_rec = x.shape[0]
    s = np.sign(x)
    per_s, per_m, per_a = (v.reshape(shape) for v in (s.mean(axis=0), x.mean(axis=0), np.abs(x).mean(axis=0)))
    sq = math.sqrt(n_magnets)
    tau_c, tau_m, tau_err = np.empty((p, k)), np.empty((p, k)), np.full((p, k), np.nan)
    xs, ss = x.reshape(n_rec, p, k, n_magnets), s.reshape(n_rec, p, k, n_magnets)
    groups = min(8, n_magnets // 2)  # independent groups of magnets for the standard error of tau_c
    with np.errstate(divide="ignore", invalid="ignore"):  # a saturated (constant) s(t) has no tau: NaN
        for i in range(p):
            for j in range(k):
                tau_c[i, j] = traces.autocorrelation_time(ss[:, i, j], rec_dt)
                tau_m[i, j] = traces.autocorrelation_time(xs[:, i, j], rec_dt)
                if groups >= 2:
                    g = [traces.autocorrelation_time(ss[:, i, j, q::groups], rec_dt) for q in range(groups)]
                    tau_err[i, j] = np.std(g, ddof=1) / np.sqrt(groups)
    # mean dwell = total time / switches (the censored-exponential estimate of docs/physics.md §3.2), not the mean of
    # the completed dwells, which long dwells (more often cut by the end of the run) bias short by ~1/(dwells per magnet)
    occ = events.occupancy.sum(axis=0).reshape(shape).sum(axis=-1)
    exits = events.exits.sum(axis=0).reshape(shape).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        dwell = np.where(exits > 0, occ / np.maximum(exits, 1), np.nan)
    out = TransferCurve(cur, per_s.mean(-1), per_s.std(-1, ddof=1) / sq, per_m.mean(-1), per_m.std(-1, ddof=1) / sq,
                        per_a.mean(-1), tau_c, tau_m, dwell, int(n_magnets), duration, tau_err)
    if p == 1:
        out = out._replace(**{name: getattr(out, name)[0] for name in PER_DEVICE})
    return out


# ---------------------------------------------------------------------------------------------
# fit


def _fit_one(i, y, se, *, free_amplitude: bool, span: float, se_floor: float, cubic: bool = False):
    w = 1.0 / (se * se + se_floor * se_floor)
    # initial guess: linear fit of atanh(y) on the unsaturated points
    a0 = max(np.max(np.abs(y)), 1e-3) * 1.02 if free_amplitude else 1.0
    ok = np.abs(y / a0) < 0.9
    if ok.sum() >= 2 and np.ptp(i[ok]) > 0:
        g, o = np.polyfit(i[ok], np.arctanh(np.clip(y[ok] / a0, -0.999, 0.999)), 1)
    else:
        g, o = 1.0 / max(np.max(np.abs(i)), 1e-300), 0.0
    scale = 1.0 / max(np.max(np.abs(i)), 1e-300)
    theta = np.array([g / scale, o, a0, 0.0])  # gain in units of 1/max|I|, offset, amplitude, cubic
    active = [0, 1] + ([2] if free_amplitude else []) + ([3] if cubic else [])
    n_par = len(active)
    u = i * scale
    lam = 1e-3

    def parts(th):
        z = th[0] * u + th[1]
        t = np.tanh(z + th[3] * z**3)
        return z, t

    def model(th):
        return th[2] * parts(th)[1]

    def jacobian(th):
        z, t = parts(th)
        d = th[2] * (1 - t * t)
        dz = d * (1 + 3 * th[3] * z * z)
        return np.stack([dz * u, dz, t, d * z**3], axis=1)[:, active]

    def cost(th):
        return float(np.sum(w * (y - model(th)) ** 2))

    c = cost(theta)
    for _ in range(300):
        jac = jacobian(theta)
        r = y - model(theta)
        jtw = jac.T * w
        a = jtw @ jac
        b = jtw @ r
        step = np.linalg.solve(a + lam * np.diag(np.diag(a) + 1e-12), b)
        trial = theta.copy()
        trial[active] += step
        if cubic:
            trial[3] = max(trial[3], 0.0)  # c < 0 would make tanh(z + c z^3) non-monotonic
        ct = cost(trial)
        if ct < c:
            theta, lam = trial, lam / 3
            if c - ct < 1e-12 * max(c, 1e-30):
                c = ct
                break
            c = ct
        else:
            lam *= 5
            if lam > 1e8:
                break
    jac = jacobian(theta)
    dof = max(y.size - n_par, 1)
    chi2 = c / dof
    try:
        cov = np.linalg.inv((jac.T * w) @ jac) * max(chi2, 1.0)
    except np.linalg.LinAlgError:
        cov = np.full((n_par, n_par), np.inf)
    gain = theta[0] * scale
    i0 = 1.0 / gain if gain != 0 else np.inf
    i0_err = abs(i0) * math.sqrt(max(cov[0, 0], 0.0)) / max(abs(theta[0]), 1e-300)
    inside = np.abs(i) <= span * abs(i0)
    res = y - model(theta)
    rms = float(np.sqrt(np.mean(res[inside] ** 2))) if inside.any() else float("nan")
    return i0, theta[1], theta[2], rms, i0_err, math.sqrt(max(cov[1, 1], 0.0)), chi2, theta[3]


def fit(curve: TransferCurve, *, readout: str = "sign", span: float = 3.0, se_floor: float = 2e-3,
        shape: str = "tanh") -> Fit:
    """Weighted least-squares fit of ``amplitude * tanh(I/I0 + offset)`` to a transfer curve.

    ``shape="cubic"`` fits ``amplitude * tanh(z + c z^3)``, z = I/I0 + offset, c >= 0: a low-barrier in-plane disk
    (Delta <~ 0.5) responds less steeply near zero bias and saturates faster than tanh (its sign output is not the
    Ising limit of docs/physics.md §3.4), which one shape parameter absorbs; <s> stays odd in z and monotonic.

    ``readout="sign"``: the digital output <sgn(m.n)>, amplitude fixed to 1 (the behavioural p-bit
    <s> = tanh(I/I0 + offset), docs/physics.md §3.4, §4). ``readout="analog"``: <m.n> with a free amplitude
    (about <|m.n|>). Levenberg-Marquardt, weights 1/(SE^2 + se_floor^2); parameter errors from the
    covariance scaled by max(1, chi^2/dof). ``rms`` is the RMS residual over |I| <= span * I0. Choi et al. 2025.

    Returns:
        :class:`Fit`, scalars for one device or (P,) arrays for a batched curve.

    Example:
        >>> i = np.linspace(-3e-6, 3e-6, 13)
        >>> tc = TransferCurve(i, np.tanh(i / 1e-6 + 0.1), np.full(13, 0.01), *([None] * 6), 100, 1.0)
        >>> ft = fit(tc)
        >>> round(float(ft.i0) * 1e6, 4), round(float(ft.offset), 4)
        (1.0, 0.1)
    """
    if readout not in ("sign", "analog"):
        raise ValueError(f"transfer.fit: readout must be 'sign' or 'analog', got {readout!r}")
    if shape not in ("tanh", "cubic"):
        raise ValueError(f"transfer.fit: shape must be 'tanh' or 'cubic' (tanh(z + c z^3)), got {shape!r}")
    y = np.asarray(curve.mean if readout == "sign" else curve.mean_m, dtype=float)
    se = np.asarray(curve.stderr if readout == "sign" else curve.stderr_m, dtype=float)
    i = np.asarray(curve.currents, dtype=float)
    if y.ndim == 1:
        return Fit(*(np.asarray(v) for v in _fit_one(i, y, se, free_amplitude=readout == "analog", span=span,
                                                     se_floor=se_floor, cubic=shape == "cubic")))
    rows = [_fit_one(i, y[q], se[q], free_amplitude=readout == "analog", span=span, se_floor=se_floor,
                     cubic=shape == "cubic") for q in range(y.shape[0])]
    return Fit(*(np.asarray(col, dtype=float) for col in zip(*rows)))


def evaluate(f: Fit, currents: ArrayLike) -> np.ndarray:
    """The fitted behavioural transfer curve amplitude * tanh(z + cubic z^3), z = I/I0 + offset, at ``currents`` [A].

    Example:
        >>> ft = Fit(*(np.asarray(v) for v in (1e-6, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0)))
        >>> round(float(evaluate(ft, 1e-6)), 4)
        0.7616
    """
    i = np.asarray(currents, dtype=float)
    if np.ndim(f.i0) == 0:
        z = i / float(f.i0) + float(f.offset)
        return float(f.amplitude) * np.tanh(z + float(f.cubic) * z**3)
    a, i0, off, c = (np.asarray(v, dtype=float)[..., None] for v in (f.amplitude, f.i0, f.offset,
                                                                      np.broadcast_to(f.cubic, np.shape(f.i0))))
    z = i / i0 + off
    return a * np.tanh(z + c * z**3)  # (P, K) for P fitted devices
