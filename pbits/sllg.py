"""Stochastic Landau-Lifshitz-Gilbert (sLLG) macrospin engine: right-hand side, Heun step, driver.

Equation (Landau-Lifshitz form of the Gilbert equation with DL/FL torque mixing, PHYSICS.md §2.1;
the device is that of Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w):

    (1+alpha^2) dm/dt = -gamma0 [m x P + alpha m x (m x P)]
                        - gamma0 (H_DL + alpha H_FL) m x (m x sigma) - gamma0 (H_FL - alpha H_DL) m x sigma,

    P = H_eff(m) + H_th + H_Oe,   H_eff = H_K (m.n) n - M_s N m + H_ext.

Writing the field-like torque as a field along sigma, this is dm/dt = -k [m x A + m x (m x B)] with
k = gamma0/(1+alpha^2), A = P + H_FL sigma - alpha H_DL sigma and B = alpha (P + H_FL sigma) + H_DL sigma.

Thermal field (Brown, Phys. Rev. 130, 1677 (1963); PHYSICS.md §2.4): H_th enters *both* LL terms, so
its variance carries **no** (1+alpha^2) factor: H_th,n = sqrt(2 alpha k_B T/(gamma0 mu0 M_s V dt)) xi_n,
xi_n ~ N(0, I_3), held constant over the step.

Integrator (PHYSICS.md §2.5): stochastic Heun, which converges to the **Stratonovich** solution (the
calculus in which this multiplicative noise gives the Boltzmann equilibrium; Garcia-Palacios &
Lazaro, PRB 58, 14937 (1998)). The same noise is used in predictor and corrector, and m is
renormalised to |m| = 1 after the predictor and after each step.

Noise: xi from ``jax.random.normal``, or, with a :data:`pbits.prng.FAST` key, Box-Muller normals on a
counter hash (2.5x cheaper); optionally the weak ``noise="uniform"`` variant (see :func:`noise`). Every
draw is a function of (key, step, magnet index), so :func:`simulate` can split the magnets over devices
(``mesh=``) and return the one-device result bit for bit.

Arrays are components-first (see :mod:`pbits.magnet`): m has shape (3,) for one magnet or (3, N).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from pbits import constants as C
from pbits import magnet as _magnet
from pbits import prng
from pbits.magnet import Magnet
from pbits.timestep import check_dt, max_field
from pbits.torques import Drive, no_drive
from pbits.waveform import Waveform, constant, initial, pulses


class Device(NamedTuple):
    """A magnet, how its current torques it, and an applied field (per magnet, broadcasting)."""

    magnet: Magnet  # free layer
    drive: Drive = no_drive()  # per-ampere torque coefficients
    h_ext: ArrayLike = (0.0, 0.0, 0.0)  # applied field H_ext, shape (3,) or (3, N) [A/m]


class Coeffs(NamedTuple):
    """Per-step constants, fields pre-multiplied by k dt = gamma0 dt/(1+alpha^2) (dimensionless)."""

    alpha: jax.Array  # Gilbert damping [-]
    hk: jax.Array  # k dt H_K [-]
    n: jax.Array  # easy axis, (3, ...) [-]
    dem: jax.Array  # k dt M_s N_i, (3, ...) [-]
    ext: jax.Array  # k dt H_ext, (3, ...) [-]
    noise: jax.Array  # k dt sigma_H / sqrt(dt): thermal-field std per step, scaled [-]
    dl: jax.Array  # k dt H_DL/I [1/A]
    fl: jax.Array  # k dt H_FL/I [1/A]
    sigma: jax.Array  # spin polarisation, (3, ...) [-]
    oe: jax.Array  # k dt H_Oe/I, (3, ...) [1/A]
    lam2: jax.Array | None  # STT Lambda^2 or None


class Events(NamedTuple):
    """Hysteretic switching detector on p = m.axis: state +1 above ``hi``, -1 below ``lo``."""

    axis: ArrayLike = (0.0, 0.0, 1.0)  # projection axis, (3,) or (3, N) [-]
    lo: ArrayLike = -0.5  # lower threshold [-]
    hi: ArrayLike = 0.5  # upper threshold [-]


class EventStats(NamedTuple):
    """Per-magnet switching statistics accumulated on the fly (times in seconds)."""

    n_switches: np.ndarray  # number of switches (N,)
    first_time: np.ndarray  # time of the first switch, NaN if none [s] (first-passage time)
    state: np.ndarray  # final state +1/-1 (N,)
    dwell_sum: np.ndarray  # (2, N): total length of completed dwells in state +1 (row 0) and -1 (row 1) [s]
    dwell_count: np.ndarray  # (2, N): number of completed dwells in each state
    open_time: np.ndarray  # (N,) time spent since the last switch (or since t = 0) [s]
    occupancy: np.ndarray  # (2, N): total time in state +1 (row 0) and -1 (row 1), censored dwells included [s]
    exits: np.ndarray  # (2, N): number of switches out of state +1 (row 0) and -1 (row 1)


class Result(NamedTuple):
    """Output of :func:`simulate` (numpy arrays)."""

    m: np.ndarray  # final magnetisation (3, N) [-]
    t: np.ndarray  # record times (n_records,) [s]
    trace: dict  # name -> (n_records, N) or (n_records, 3, N) recorded values
    mean_m: np.ndarray | None  # (3, N) time average of m over all steps, if "mean" was recorded
    events: EventStats | None  # switching statistics, if events were requested


# --------------------------------------------------------------------------------------------
# physics


def coefficients(device: Device, dt: float, dtype=jnp.float32) -> Coeffs:
    """Per-step constants of :func:`heun_step` for a device and time step ``dt`` [s].

    Pure and traceable; computing them once outside a ``lax.scan`` saves work in every step.
    Thermal std per step sigma_H = sqrt(2 alpha k_B T/(gamma0 mu0 M_s V dt)) (Brown 1963,
    PHYSICS.md §2.4; device of Choi et al., Nat. Commun. 2025, doi:10.1038/s41467-025-61073-w).

    Example:
        >>> c = coefficients(Device(_magnet.preset("pma")), 1e-12)
        >>> c.n.shape
        (3,)
    """
    mag, drv = device.magnet, device.drive
    f = lambda x: jnp.asarray(x, dtype=dtype)  # noqa: E731
    scalars = (mag.ms, mag.volume, mag.alpha, mag.hk, mag.temperature, drv.dl, drv.fl)
    batched = any(jnp.ndim(x) >= 1 for x in scalars)

    def vec(x):  # (3,) -> (3, 1) so that it broadcasts against per-magnet scalars of shape (N,)
        x = f(x)
        return x[:, None] if (batched and x.ndim == 1) else x

    alpha = f(mag.alpha)
    k = C.GAMMA0 * dt / (1 + f(mag.alpha) ** 2)
    kt = C.KB * f(mag.temperature)
    # grouped so that no intermediate under/overflows float32: k_B T/(mu0 M_s V) ~ 1e3 A/m, gamma0 dt ~ 1e-2
    sigma_h = jnp.sqrt(2 * alpha * (kt / (C.MU0 * f(mag.ms) * f(mag.volume))) / (C.GAMMA0 * dt))
    lam2 = None if drv.lam2 is None else f(drv.lam2)
    return Coeffs(alpha, k * f(mag.hk), vec(mag.easy_axis), k * f(mag.ms) * vec(mag.demag), k * vec(device.h_ext),
                  k * sigma_h, k * f(drv.dl), k * f(drv.fl), vec(drv.sigma), k * vec(drv.oe), lam2)


def _increment(m, c: Coeffs, hth, i):
    """dt * dm/dt for the LL form above, fields pre-scaled by k dt; m, hth are (x, y, z) tuples."""
    mx, my, mz = m
    sx, sy, sz = c.sigma[0], c.sigma[1], c.sigma[2]
    if c.lam2 is None:
        dl, fl = c.dl * i, c.fl * i
    else:  # Slonczewski angular factor 2 L^2/((L^2+1) + (L^2-1) m.p), = 1 for L = 1 (PHYSICS.md §2.3)
        g = 2 * c.lam2 / ((c.lam2 + 1) + (c.lam2 - 1) * (mx * sx + my * sy + mz * sz))
        dl, fl = c.dl * i * g, c.fl * i * g
    mn = c.hk * (mx * c.n[0] + my * c.n[1] + mz * c.n[2])
    px = mn * c.n[0] - c.dem[0] * mx + c.ext[0] + hth[0] + c.oe[0] * i + fl * sx
    py = mn * c.n[1] - c.dem[1] * my + c.ext[1] + hth[1] + c.oe[1] * i + fl * sy
    pz = mn * c.n[2] - c.dem[2] * mz + c.ext[2] + hth[2] + c.oe[2] * i + fl * sz
    a = c.alpha
    ax, ay, az = px - a * dl * sx, py - a * dl * sy, pz - a * dl * sz
    bx, by, bz = a * px + dl * sx, a * py + dl * sy, a * pz + dl * sz
    # m x B, then m x (m x B)
    cx, cy, cz = my * bz - mz * by, mz * bx - mx * bz, mx * by - my * bx
    return (-(my * az - mz * ay) - (my * cz - mz * cy),
            -(mz * ax - mx * az) - (mz * cx - mx * cz),
            -(mx * ay - my * ax) - (mx * cy - my * cx))


def _normalize(m, one=None):
    s = m[0] * m[0] + m[1] * m[1] + m[2] * m[2]
    # XLA rewrites 1/sqrt(s) into rsqrt(s), which XLA:CPU emits one element at a time (~4x slower than the
    # rest of the step); sqrt(one/s) with a run-time one = 1.0 vectorises (and is within 1 ulp)
    r = jax.lax.rsqrt(s) if one is None else jnp.sqrt(one / s)
    return (m[0] * r, m[1] * r, m[2] * r)


def _unstack(m):
    return (m[0], m[1], m[2])


NOISES = ("gaussian", "uniform")


def _is_fast(key) -> bool:
    return (isinstance(key, jax.Array) and jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key)
            and str(jax.random.key_impl(key)) == str(prng.FAST))


def noise(key, shape, dtype=jnp.float32, *, kind: str = "gaussian"):
    """Thermal noise xi for one step as an (x, y, z) tuple of arrays of ``shape``, unit variance per component.

    ``kind="gaussian"`` (default): standard normals. With a :data:`pbits.prng.FAST` key (``prng.key(seed)``)
    they come from Box-Muller on the counter hash (:func:`pbits.prng.normal_pair`, 2.5x cheaper than
    ``jax.random.normal``'s inverse error function), computed in float32 also for float64 runs (their
    distribution is exact to ~1e-7, far below any statistical error); with any other key from
    ``jax.random.normal`` on three keys ``split(key, 3)``.

    ``kind="uniform"``: sqrt(3) U(-1, 1), whose first three moments (0, 1, 0) are those of N(0, 1). For a
    weak-order-1 scheme such as this Heun step that is enough for the same weak order: averages and
    distributions (equilibrium, switching probabilities, dwell times) converge like the Gaussian ones as
    dt -> 0 (Kloeden & Platen, *Numerical Solution of SDEs*, 1992, sec. 14.1, simplified weak schemes),
    but single trajectories are not Brownian paths. Tested against the equilibrium oracles O1/O2.

    Example:
        >>> [x.shape for x in noise(jax.random.key(0), (5,))]
        [(5,), (5,), (5,)]
    """
    if kind == "uniform":
        s = float(np.sqrt(3.0))  # a Python float stays weakly typed (float32 under jax_enable_x64)
        return tuple(s * jax.random.uniform(k, shape, dtype, -1.0, 1.0) for k in jax.random.split(key, 3))
    if kind != "gaussian":
        raise ValueError(f"sllg: noise must be one of {NOISES}, got {kind!r}")
    if _is_fast(key):
        k1, k2 = jax.random.split(key)
        x, y = prng.normal_pair(k1, shape, dtype)
        return x, y, prng.normal_pair(k2, shape, dtype)[0]
    return tuple(jax.random.normal(k, shape, dtype) for k in jax.random.split(key, 3))


_noise = noise  # the name ``noise`` is also a keyword argument below


def rhs(m: ArrayLike, device: Device, current: ArrayLike = 0.0, h_th: ArrayLike = (0.0, 0.0, 0.0)):
    """LLG right-hand side dm/dt [1/s] (LL form with Gilbert damping and DL/FL mixing, PHYSICS.md §2.1).

    Args:
        m: unit magnetisation, shape (3,) or (3, N).
        device: magnet, drive and applied field.
        current: charge current I [A], () or (N,).
        h_th: thermal (or any extra) field [A/m], shape (3,) or (3, N).

    Returns:
        dm/dt, same shape as m [1/s]. Source: Choi et al., Nat. Commun. 2025,
        doi:10.1038/s41467-025-61073-w (torques), PHYSICS.md §2.1 (LL form).

    Example:
        >>> mag = _magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.0, hk=1e5)
        >>> d = rhs(jnp.array([1.0, 0.0, 0.0]), Device(mag, h_ext=(0.0, 0.0, 1e5)))
        >>> round(float(d[1]) / 2.21276e10, 3)  # precession about z: dm_y/dt = -gamma0 (m x H)_y
        1.0
    """
    m = jnp.asarray(m)
    c = coefficients(device, 1.0, dtype=m.dtype)
    k = C.GAMMA0 / (1 + c.alpha**2)
    h = k * jnp.asarray(h_th, dtype=m.dtype)
    return jnp.stack(_increment(_unstack(m), c, _unstack(h), jnp.asarray(current, dtype=m.dtype)))


def _is_key(x) -> bool:
    if isinstance(x, jax.Array) and jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key):
        return True
    return getattr(x, "dtype", None) == jnp.uint32


def heun_step(key_or_noise, m: ArrayLike, params: Device | Coeffs, current: ArrayLike = 0.0,
              dt: float | None = None, *, renormalize: bool = True, noise: str = "gaussian"):
    """One stochastic Heun step (Stratonovich) for one magnet or N magnets at once.

        H_th = sigma_H xi,  f(m) = LL-RHS(m, H_eff(m) + H_th, torques),
        m~ = |m + dt f(m)|^-1 (m + dt f(m)),  m' = normalise(m + dt/2 [f(m) + f(m~)]).

    The same xi is used in both stages (PHYSICS.md §2.5), which makes the scheme converge to the
    Stratonovich solution; |m| = 1 is restored after predictor and corrector. Device of Choi et al.,
    Nat. Commun. 2025, doi:10.1038/s41467-025-61073-w.

    Args:
        key_or_noise: a ``jax.random`` key (any impl), or standard-normal noise xi of m's shape (an
            array (3, ...) or an (x, y, z) tuple, e.g. from :func:`noise`).
        m: magnetisation, shape (3,) or (3, N) (components first), or an (m_x, m_y, m_z) tuple of
            arrays (structure of arrays; fastest inside a user's ``lax.scan``, returned as a tuple).
        params: a :class:`Device` (then ``dt`` is required) or :class:`Coeffs` from
            :func:`coefficients` (precomputed for its dt; ``dt`` is then ignored).
        current: current I [A] per magnet, () or (N,).
        dt: time step [s].
        renormalize: restore |m| = 1 (default). Off only to measure the norm drift.
        noise: ``"gaussian"`` (default) or ``"uniform"`` (weak noise, see :func:`noise`), used with a key.

    Returns:
        m after one step, same shape and dtype.

    Example:
        >>> dev = Device(_magnet.preset("pma"))
        >>> m = heun_step(jax.random.key(0), jnp.array([[0.0], [0.0], [1.0]]), dev, 0.0, 1e-13)
        >>> m.shape
        (3, 1)
    """
    as_tuple = isinstance(m, (tuple, list))
    mt = tuple(jnp.asarray(x) for x in m) if as_tuple else _unstack(jnp.asarray(m))
    dtype = mt[0].dtype
    if isinstance(params, Device):
        if dt is None:
            raise ValueError("sllg.heun_step: dt [s] is required when params is a Device")
        params = coefficients(params, dt, dtype=dtype)
    if _is_key(key_or_noise):
        xi = _noise(key_or_noise, jnp.broadcast_shapes(*(x.shape for x in mt)), dtype, kind=noise)
    else:
        xi = tuple(key_or_noise) if isinstance(key_or_noise, (tuple, list)) else _unstack(key_or_noise)
    out = _heun(xi, mt, params, jnp.asarray(current, dtype=dtype), renormalize)
    return out if as_tuple else jnp.stack(out)


def _heun(xi, m, c: Coeffs, i, renormalize=True, one=None):
    hth = (c.noise * xi[0], c.noise * xi[1], c.noise * xi[2])
    if one is not None:
        # XLA:CPU fuses cheap producers into every consumer, so the noise (hash, Box-Muller) would be
        # recomputed in each of the six per-component fusions of the step; a float divide counts as
        # expensive, so dividing by a run-time 1.0 (exact) makes XLA compute the noise once (1.5x faster).
        hth = (hth[0] / one, hth[1] / one, hth[2] / one)
    d0 = _increment(m, c, hth, i)
    mp = (m[0] + d0[0], m[1] + d0[1], m[2] + d0[2])
    if renormalize:
        mp = _normalize(mp, one)
    d1 = _increment(mp, c, hth, i)
    m1 = tuple(m[j] + 0.5 * (d0[j] + d1[j]) for j in range(3))
    return _normalize(m1, one) if renormalize else m1


# --------------------------------------------------------------------------------------------
# driver


def _as_waveform(current) -> Waveform:
    if isinstance(current, Waveform):
        return current
    return constant(current)


def _check_finite_tree(tree, name):
    for path, leaf in jax.tree_util.tree_leaves_with_path(tree):
        a = np.asarray(leaf, dtype=float)
        if not np.all(np.isfinite(a)):
            raise ValueError(f"sllg.simulate: {name}{jax.tree_util.keystr(path)} must be finite, got {leaf!r}")


def _heun_lazy(xi, m1, r1, c: Coeffs, i, one):
    """:func:`_heun` for the driver's loop, with |m| = 1 restored lazily: the state is (m1, r1), m = m1 r1.

    Folding the final normalisation into the next step's reads, and using |m + d0|^2 = 1 + |d0|^2 for the
    predictor (the LL increment d0 is perpendicular to m), saves XLA:CPU six memory passes per step; the
    arithmetic is that of :func:`_heun` up to rounding.
    """
    m = (m1[0] * r1, m1[1] * r1, m1[2] * r1)
    hth = (c.noise * xi[0] / one, c.noise * xi[1] / one, c.noise * xi[2] / one)  # see _heun
    d0 = _increment(m, c, hth, i)
    rp = jnp.sqrt(one / (one + d0[0] * d0[0] + d0[1] * d0[1] + d0[2] * d0[2]))
    mp = ((m[0] + d0[0]) * rp, (m[1] + d0[1]) * rp, (m[2] + d0[2]) * rp)
    d1 = _increment(mp, c, hth, i)
    m1 = tuple(m[j] + 0.5 * (d0[j] + d1[j]) for j in range(3))
    return m1, jnp.sqrt(one / (m1[0] * m1[0] + m1[1] * m1[1] + m1[2] * m1[2]))


def _chunk_impl(key, m, c, levels, ends, step0, ev, ev_par, one, *, n_records, every, names, with_events, renormalize,
                unroll, kind="gaussian"):
    n_levels = levels.shape[0]

    def unit(m1, r1):
        return m1 if r1 is None else (m1[0] * r1, m1[1] * r1, m1[2] * r1)

    def step(carry, n):
        (m1, r1), acc, ev = carry
        idx = jnp.minimum(jnp.sum(n >= ends), n_levels - 1)
        i = levels[idx].astype(m1[0].dtype)
        xi = noise(jax.random.fold_in(key, n), m1[0].shape, m1[0].dtype, kind=kind)
        if renormalize:
            m1, r1 = _heun_lazy(xi, m1, r1, c, i, one)
        else:
            m1 = _heun(xi, m1, c, i, False, one)
        if acc is not None:
            m = unit(m1, r1)
            acc = (acc[0] + m[0], acc[1] + m[1], acc[2] + m[2])
        if with_events:
            ev = _update_events(ev, ev_par, unit(m1, r1), n + 1)
        return ((m1, r1), acc, ev), None

    def block(carry, n0):
        carry, _ = jax.lax.scan(step, carry, n0 + jnp.arange(every, dtype=jnp.int32), unroll=unroll)
        m = unit(*carry[0])
        out = {}
        for name in names:
            if name == "m":
                out[name] = jnp.stack(m)
            elif name in ("mx", "my", "mz"):
                out[name] = m["xyz".index(name[1])]
        return carry, out

    m = _unstack(m)
    state = (m, jnp.ones_like(m[0]) if renormalize else None)
    acc = tuple(jnp.zeros_like(x) for x in m) if "mean" in names else None
    names = tuple(nm for nm in names if nm != "mean")
    starts = step0 + every * jnp.arange(n_records, dtype=jnp.int32)
    (state, acc, ev), out = jax.lax.scan(block, (state, acc, ev), starts)
    return jnp.stack(unit(*state)), (None if acc is None else jnp.stack(acc)), ev, out


_STATIC = ("n_records", "every", "names", "with_events", "renormalize", "unroll", "kind")
# On CPU the chunk is compiled for 512-bit vectors where the CPU has them (AVX-512; XLA prefers 256 bits
# by default): the integer hash and the Heun arithmetic run 1.3-1.7x faster (2-core AVX-512 Xeon).
_chunk = jax.jit(_chunk_impl, static_argnames=_STATIC, compiler_options={"xla_cpu_prefer_vector_width": 512})
_chunk_any = jax.jit(_chunk_impl, static_argnames=_STATIC)  # other platforms (GPU, TPU)


def _update_events(ev, par, m, n):
    axis, lo, hi = par
    p = m[0] * axis[0] + m[1] * axis[1] + m[2] * axis[2]
    s, last, first, nsw, dsum, dcnt, occ, exits = ev
    s_new = jnp.where(p > hi, 1, jnp.where(p < lo, -1, s))
    switched = (s_new != s) & (s != 0)
    complete = switched & (last >= 0)
    dwell = jnp.where(complete, n - last, 0)
    up = (s == 1)
    dsum = dsum + jnp.stack([jnp.where(up, dwell, 0), jnp.where(up, 0, dwell)])
    dcnt = dcnt + jnp.stack([complete & up, complete & ~up]).astype(jnp.int32)
    exits = exits + jnp.stack([switched & up, switched & ~up]).astype(jnp.int32)
    occ = occ + jnp.stack([s_new == 1, s_new == -1]).astype(jnp.int32)
    entered = switched | ((s == 0) & (s_new != 0))
    last = jnp.where(entered, n, last)
    first = jnp.where(switched & (first < 0), n, first)
    return (s_new, last, first, nsw + switched.astype(jnp.int32), dsum, dcnt, occ, exits)


def _resolve_mesh(mesh, n):
    """(mesh, axis names) for ``simulate(mesh=...)``, or (None, None); checks that N splits evenly."""
    if mesh is None:
        return None, None
    if isinstance(mesh, str):
        if mesh != "auto":
            raise ValueError(f"sllg.simulate: mesh must be None, 'auto' or a jax.sharding.Mesh, got {mesh!r}")
        mesh = jax.sharding.Mesh(np.array(jax.devices()), ("magnets",))
    if not isinstance(mesh, jax.sharding.Mesh):
        raise ValueError(f"sllg.simulate: mesh must be None, 'auto' or a jax.sharding.Mesh, got {type(mesh).__name__}")
    d = mesh.devices.size
    if n % d:
        lo, hi = (n // d) * d, (n // d + 1) * d
        near = f"{lo} or {hi}" if lo else f"{hi}"
        fits = " or ".join(str(k) for k in range(1, d + 1) if n % k == 0)
        raise ValueError(f"sllg.simulate: N = {n} magnets cannot be split evenly over the {d} devices of the mesh; "
                         f"use a multiple of {d} magnets (e.g. {near}) or a mesh of {fits} devices")
    return mesh, tuple(mesh.axis_names)


def _shard(tree, n, mesh, axes):
    """Place every leaf on the mesh: split along the last axis if that is the magnet axis (length n), else
    replicate. (Only where data live depends on this guess; the results do not.)"""
    def put(x):
        x = jnp.asarray(x) if not isinstance(x, jax.Array) else x
        spec = jax.sharding.PartitionSpec(*(None,) * (x.ndim - 1), axes) if x.ndim and x.shape[-1] == n else \
            jax.sharding.PartitionSpec()
        return jax.device_put(x, jax.sharding.NamedSharding(mesh, spec))
    return jax.tree_util.tree_map(put, tree)


def simulate(key, device: Device, m0: ArrayLike, *, dt: float, n_steps: int,
             current: ArrayLike | Waveform = 0.0, record: tuple[str, ...] = ("mz",), record_every: int = 1,
             events: Events | None = None, chunk_steps: int = 100_000,
             callback: Callable[[int, int, jax.Array], None] | None = None, renormalize: bool = True,
             unroll: int = 1, noise: str = "gaussian", mesh=None) -> Result:
    """Integrate N magnets for ``n_steps`` Heun steps, recording only what is asked.

    Stochastic Heun in the Stratonovich sense with Brown's thermal field (see the module docstring and
    :func:`heun_step`; PHYSICS.md §2.1-2.5; the device of Choi et al., Nat. Commun. 2025,
    doi:10.1038/s41467-025-61073-w). The time loop is a ``lax.scan`` run in chunks of
    ``chunk_steps``; ``callback(steps_done, n_steps, m)`` runs between chunks (progress bars,
    checkpoints). The noise of step n comes from ``fold_in(key, n)``, so results do not depend on
    the chunking. Memory is O(N * (n_steps / record_every)) for the traces and O(N) otherwise.

    Args:
        key: ``jax.random`` key of any implementation (threefry, rbg, unsafe_rbg).
        device: magnet, drive and field; every leaf is a scalar or per-magnet array (N,) / (3, N).
        m0: initial magnetisation, shape (3, N) (components first); normalised here.
        dt: time step [s] (checked against the fields, see :func:`check_dt`).
        n_steps: number of steps, a multiple of ``record_every``.
        current: current [A]: scalar, (N,), or a :class:`Waveform` with per-magnet levels.
        record: names among ``"m"``, ``"mx"``, ``"my"``, ``"mz"`` (traces every ``record_every``
            steps) and ``"mean"`` (time-averaged m over all steps).
        record_every: steps between records.
        events: a hysteretic switching detector; statistics are accumulated every step.
        chunk_steps: steps per compiled chunk (rounded to a multiple of ``record_every``).
        callback: called between chunks with (steps done, n_steps, current m).
        renormalize: restore |m| = 1 each step (default True).
        unroll: ``lax.scan`` unroll factor of the inner loop.
        noise: ``"gaussian"`` (default) or ``"uniform"``, the weak-noise variant of :func:`noise` (same
            weak order; for statistics, not for single trajectories).
        mesh: ``None`` (one device), a ``jax.sharding.Mesh``, or ``"auto"`` (all of ``jax.devices()``):
            the magnet axis is split over all the mesh's devices (``NamedSharding``; per-magnet parameters
            with it, scalars replicated). N must be a multiple of the device count. The noise is a function
            of the key, the step and the magnet's index, so the result is bitwise that of the one-device run.

    Pass ``pbits.prng.key(seed)`` as the key for the fast counter-based generator (Box-Muller normals,
    see :func:`noise`); any other key uses ``jax.random.normal``.

    Returns:
        :class:`Result` with numpy arrays.

    Example:
        >>> dev = Device(_magnet.preset("pma"))
        >>> r = simulate(jax.random.key(0), dev, initial(8), dt=5e-14, n_steps=100, record_every=10)
        >>> r.trace["mz"].shape
        (10, 8)
    """
    f = "sllg.simulate"
    m0 = jnp.asarray(m0)
    if m0.ndim != 2 or m0.shape[0] != 3:
        raise ValueError(f"{f}: m0 must have shape (3, N) (components first), got shape {m0.shape}; "
                         f"use sllg.initial(N, direction) or m.T")
    norm = np.sqrt(np.sum(np.asarray(m0, dtype=float) ** 2, axis=0))
    if np.any(~np.isfinite(norm)) or np.any(norm == 0):
        raise ValueError(f"{f}: m0 has a zero-length or non-finite vector (magnet {int(np.argmin(norm))}); "
                         f"every column must be a non-zero direction")
    if not jnp.issubdtype(m0.dtype, jnp.floating):
        m0 = m0.astype(jnp.float32)
    m0 = m0 / jnp.asarray(norm, dtype=m0.dtype)
    if int(n_steps) != n_steps or n_steps < 0 or record_every < 1 or n_steps % record_every:
        raise ValueError(f"{f}: n_steps must be a non-negative multiple of record_every, got n_steps={n_steps}, "
                         f"record_every={record_every}")
    bad = [r for r in record if r not in ("m", "mx", "my", "mz", "mean")]
    if bad:
        raise ValueError(f"{f}: record names must be among 'm', 'mx', 'my', 'mz', 'mean', got {bad}")
    _check_finite_tree(device, "device")
    _magnet.validate(device.magnet, func=f)
    wf = _as_waveform(current)
    _check_finite_tree(wf.levels, "current")
    check_dt(device, dt, float(np.max(np.abs(np.asarray(wf.levels, dtype=float)), initial=0.0)))

    if noise not in NOISES:
        raise ValueError(f"{f}: noise must be one of {NOISES}, got {noise!r}")
    n = m0.shape[1]
    dtype = m0.dtype
    mesh, axes = _resolve_mesh(mesh, n)
    platform = jax.default_backend() if mesh is None else mesh.devices.flat[0].platform
    c = coefficients(device, dt, dtype=dtype)
    ends = np.asarray(wf.t_end, dtype=float) / dt
    ends = np.where(np.isfinite(ends), np.ceil(ends - 1e-6), 2**31 - 1)
    ends = jnp.asarray(np.clip(ends, 0, 2**31 - 1), dtype=jnp.int32)
    levels = jnp.asarray(wf.levels, dtype=dtype)

    with_events = events is not None
    if with_events:
        ax = jnp.asarray(events.axis, dtype=dtype)
        ax = ax / jnp.sqrt(jnp.sum(ax * ax, axis=0))
        ev_par = (ax, jnp.asarray(events.lo, dtype=dtype), jnp.asarray(events.hi, dtype=dtype))
        p0 = jnp.sum(m0 * (ax if ax.ndim == 2 else ax[:, None]), axis=0)
        s0 = jnp.where(p0 >= 0, 1, -1).astype(jnp.int32)
        ev = (s0, jnp.full(n, -1, jnp.int32), jnp.full(n, -1, jnp.int32), jnp.zeros(n, jnp.int32),
              jnp.zeros((2, n), jnp.int32), jnp.zeros((2, n), jnp.int32), jnp.zeros((2, n), jnp.int32),
              jnp.zeros((2, n), jnp.int32))
    else:
        ev, ev_par = None, None

    run = _chunk if platform == "cpu" else _chunk_any
    one = jnp.ones((), dtype)
    if mesh is not None:
        m0, c, levels, ev, ev_par = _shard((m0, c, levels, ev, ev_par), n, mesh, axes)
        key, ends, one = _shard((key, ends, one), -1, mesh, axes)  # replicated
    chunk = max(record_every, (min(chunk_steps, max(n_steps, 1)) // record_every) * record_every)
    names = tuple(record)
    m, done, traces, acc_total = m0, 0, {k: [] for k in names if k != "mean"}, None
    while done < n_steps:
        steps = min(chunk, n_steps - done)
        m, acc, ev, out = run(key, m, c, levels, ends, jnp.int32(done), ev, ev_par, one,
                                 n_records=steps // record_every, every=record_every, names=names,
                                 with_events=with_events, renormalize=renormalize, unroll=unroll, kind=noise)
        if acc is not None:
            a = np.asarray(acc, dtype=np.float64)
            acc_total = a if acc_total is None else acc_total + a
        for k in traces:
            traces[k].append(np.asarray(out[k]))
        done += steps
        if callback is not None:
            callback(done, n_steps, m)

    trace = {k: (np.concatenate(v) if v else np.zeros((0, n))) for k, v in traces.items()}
    t = dt * record_every * np.arange(1, n_steps // record_every + 1)
    mean_m = None if "mean" not in names else (acc_total / max(n_steps, 1) if acc_total is not None
                                               else np.asarray(m0, dtype=np.float64))
    stats = None
    if with_events:
        s, last, first, nsw, dsum, dcnt, occ, exits = (np.asarray(x) for x in ev)
        stats = EventStats(nsw, np.where(first >= 0, first * dt, np.nan), s, dsum * dt, dcnt,
                           (n_steps - np.maximum(last, 0)) * dt, occ * dt, exits)
    return Result(np.asarray(m), t, trace, mean_m, stats)


__all__ = ["Device", "Coeffs", "Waveform", "Events", "EventStats", "Result", "NOISES", "coefficients", "rhs",
           "heun_step", "noise", "initial", "constant", "pulses", "max_field", "check_dt", "simulate"]
