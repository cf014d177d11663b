"""The stochastic Landau-Lifshitz-Gilbert (sLLG) equation of a macrospin and one stochastic Heun step of it.

One idea: the physics of a single time step -- the per-step constants of a device (:func:`coefficients`), the
right-hand side (:func:`rhs`), the thermal noise (:func:`noise`) and the integrator (:func:`heun_step`). The
chunked many-step driver is :func:`pbits.sllg.simulate`.

Equation (Landau-Lifshitz form of the Gilbert equation with DL/FL torque mixing, docs/physics.md §2.1;
the device is that of Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w):

    (1+alpha^2) dm/dt = -gamma0 [m x P + alpha m x (m x P)]
                        - gamma0 (H_DL + alpha H_FL) m x (m x sigma) - gamma0 (H_FL - alpha H_DL) m x sigma,

    P = H_eff(m) + H_th + H_Oe,   H_eff = H_K (m.n) n - M_s N m + H_ext.

Writing the field-like torque as a field along sigma, this is dm/dt = -k [m x A + m x (m x B)] with
k = gamma0/(1+alpha^2), A = P + H_FL sigma - alpha H_DL sigma and B = alpha (P + H_FL sigma) + H_DL sigma.

Thermal field (Brown, Phys. Rev. 130, 1677 (1963); docs/physics.md §2.4): H_th enters *both* LL terms, so
its variance carries **no** (1+alpha^2) factor: H_th,n = sqrt(2 alpha k_B T/(gamma0 mu0 M_s V dt)) xi_n,
xi_n ~ N(0, I_3), held constant over the step.

Integrator (docs/physics.md §2.5): stochastic Heun, which converges to the **Stratonovich** solution (the
calculus in which this multiplicative noise gives the Boltzmann equilibrium; Garcia-Palacios &
Lazaro, PRB 58, 14937 (1998)). The same noise is used in predictor and corrector, and m is
renormalised to |m| = 1 after the predictor and after each step.

Noise: xi from ``jax.random.normal``, or, with a :data:`pbits.runtime.prng.FAST` key, Box-Muller normals on a
counter hash (2.5x cheaper); optionally the weak ``noise="uniform"`` variant (see :func:`noise`). Every
draw is a function of (key, step, magnet index), so :func:`pbits.sllg.simulate` can split the magnets over
devices (``mesh=``) and return the one-device result bit for bit.

Arrays are components-first (see :mod:`pbits.device.magnet`): m has shape (3,) for one magnet or (3, N).
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from pbits import constants as C
from pbits.device.stack import Device
from pbits.runtime import prng


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


def coefficients(device: Device, dt: float, dtype=jnp.float32) -> Coeffs:
    """Per-step constants of :func:`heun_step` for a device and time step ``dt`` [s].

    Pure and traceable; computing them once outside a ``lax.scan`` saves work in every step.
    Thermal std per step sigma_H = sqrt(2 alpha k_B T/(gamma0 mu0 M_s V dt)) (Brown 1963,
    docs/physics.md §2.4; device of Choi et al. 2025).

    Example:
        >>> from pbits.device import magnet
        >>> c = coefficients(Device(magnet.preset("pma")), 1e-12)
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
    else:  # Slonczewski angular factor 2 L^2/((L^2+1) + (L^2-1) m.p), = 1 for L = 1 (docs/physics.md §2.3)
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


def unstack(m):
    """(m_x, m_y, m_z) of a components-first array."""
    return (m[0], m[1], m[2])


NOISES = ("gaussian", "uniform")


def _is_fast(key) -> bool:
    return (isinstance(key, jax.Array) and jax.dtypes.issubdtype(key.dtype, jax.dtypes.prng_key)
            and str(jax.random.key_impl(key)) == str(prng.FAST))


def noise(key, shape, dtype=jnp.float32, *, kind: str = "gaussian"):
    """Thermal noise xi for one step as an (x, y, z) tuple of arrays of ``shape``, unit variance per component.

    ``kind="gaussian"`` (default): standard normals. With a :data:`pbits.runtime.prng.FAST` key (``prng.key(seed)``)
    they come from Box-Muller on the counter hash (:func:`pbits.runtime.prng.normal_pair`, 2.5x cheaper than
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
    """LLG right-hand side dm/dt [1/s] (LL form with Gilbert damping and DL/FL mixing, docs/physics.md §2.1).

    Args:
        m: unit magnetisation, shape (3,) or (3, N).
        device: magnet, drive and applied field.
        current: charge current I [A], () or (N,).
        h_th: thermal (or any extra) field [A/m], shape (3,) or (3, N).

    Returns:
        dm/dt, same shape as m [1/s]. Source: Choi et al. 2025 (torques), docs/physics.md §2.1 (LL form).

    Example:
        >>> from pbits.device import magnet
        >>> mag = magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.0, hk=1e5)
        >>> d = rhs(jnp.array([1.0, 0.0, 0.0]), Device(mag, h_ext=(0.0, 0.0, 1e5)))
        >>> round(float(d[1]) / 2.21276e10, 3)  # precession about z: dm_y/dt = -gamma0 (m x H)_y
        1.0
    """
    m = jnp.asarray(m)
    c = coefficients(device, 1.0, dtype=m.dtype)
    k = C.GAMMA0 / (1 + c.alpha**2)
    h = k * jnp.asarray(h_th, dtype=m.dtype)
    return jnp.stack(_increment(unstack(m), c, unstack(h), jnp.asarray(current, dtype=m.dtype)))


def _is_prng(x) -> bool:
    if isinstance(x, jax.Array) and jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key):
        return True
    return getattr(x, "dtype", None) == jnp.uint32


def heun_step(key_or_noise, m: ArrayLike, params: Device | Coeffs, current: ArrayLike = 0.0,
              dt: float | None = None, *, renormalize: bool = True, noise: str = "gaussian"):
    """One stochastic Heun step (Stratonovich) for one magnet or N magnets at once.

        H_th = sigma_H xi,  f(m) = LL-RHS(m, H_eff(m) + H_th, torques),
        m~ = |m + dt f(m)|^-1 (m + dt f(m)),  m' = normalise(m + dt/2 [f(m) + f(m~)]).

    The same xi is used in both stages (docs/physics.md §2.5), which makes the scheme converge to the
    Stratonovich solution; |m| = 1 is restored after predictor and corrector. Device of Choi et al. 2025.

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
        >>> from pbits.device import magnet
        >>> dev = Device(magnet.preset("pma"))
        >>> m = heun_step(jax.random.key(0), jnp.array([[0.0], [0.0], [1.0]]), dev, 0.0, 1e-13)
        >>> m.shape
        (3, 1)
    """
    as_tuple = isinstance(m, (tuple, list))
    mt = tuple(jnp.asarray(x) for x in m) if as_tuple else unstack(jnp.asarray(m))
    dtype = mt[0].dtype
    if isinstance(params, Device):
        if dt is None:
            raise ValueError("sllg.heun_step: dt [s] is required when params is a Device")
        params = coefficients(params, dt, dtype=dtype)
    if _is_prng(key_or_noise):
        xi = _noise(key_or_noise, jnp.broadcast_shapes(*(x.shape for x in mt)), dtype, kind=noise)
    else:
        xi = tuple(key_or_noise) if isinstance(key_or_noise, (tuple, list)) else unstack(key_or_noise)
    out = heun(xi, mt, params, jnp.asarray(current, dtype=dtype), renormalize)
    return out if as_tuple else jnp.stack(out)


def heun(xi, m, c: Coeffs, i, renormalize=True, one=None):
    """The Heun step on (x, y, z) tuples with given unit noise ``xi``; ``one`` a run-time 1.0 (see below)."""
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


def heun_lazy(xi, m1, r1, c: Coeffs, i, one):
    """:func:`heun` for the driver's loop, with |m| = 1 restored lazily: the state is (m1, r1), m = m1 r1.

    The step of :func:`pbits.sllg.simulate`. Folding the final normalisation into the next step's reads, and
    using |m + d0|^2 = 1 + |d0|^2 for the predictor (the LL increment d0 is perpendicular to m), saves XLA:CPU
    six memory passes per step; the arithmetic is that of :func:`heun` up to rounding.
    """
    m = (m1[0] * r1, m1[1] * r1, m1[2] * r1)
    hth = (c.noise * xi[0] / one, c.noise * xi[1] / one, c.noise * xi[2] / one)  # see heun
    d0 = _increment(m, c, hth, i)
    rp = jnp.sqrt(one / (one + d0[0] * d0[0] + d0[1] * d0[1] + d0[2] * d0[2]))
    mp = ((m[0] + d0[0]) * rp, (m[1] + d0[1]) * rp, (m[2] + d0[2]) * rp)
    d1 = _increment(mp, c, hth, i)
    m1 = tuple(m[j] + 0.5 * (d0[j] + d1[j]) for j in range(3))
    return m1, jnp.sqrt(one / (m1[0] * m1[0] + m1[1] * m1[1] + m1[2] * m1[2]))


__all__ = ["Coeffs", "NOISES", "coefficients", "rhs", "heun_step", "heun", "heun_lazy", "noise", "unstack"]
