"""The behavioural p-bit in continuous time: a two-state telegraph process with the calibrated transfer curve.

Rates r_+- = (1 +- tanh x) cosh(x)^q/(2 tau_c), x = I/I0 + offset, so that <s> = tanh x and the correlation time
is tau_c sech(x)^q (q = 1: the Arrhenius/Kramers barrier tilt r_+- = e^{+-x}/(2 tau_c)); (tau_c, q) come from
:func:`pbits.pbit.calibrate.calibrate` (docs/physics.md §3.4-3.5, §4).
"""
from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from pbits.pbit.calibrate import PbitParams


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
    r_+- = e^{+-x}/(2 tau_c), q is fitted to the sLLG tau_c(I) by :func:`pbits.pbit.calibrate.calibrate`. The transition over dt is
    exact. docs/physics.md §3.4-3.5; device of Choi et al. 2025.

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
        raise ValueError(f"telegraph.telegraph: need dt > 0 s, n_steps >= 1 and n >= 1, got dt={dt!r}, "
                         f"n_steps={n_steps!r}, n={n!r}")
    i = np.asarray(current, dtype=float)
    x = np.atleast_1d(i * np.asarray(params.gain, dtype=float) + np.asarray(params.offset, dtype=float))
    tau = np.broadcast_to(np.atleast_1d(np.asarray(params.tau_c, dtype=float)), x.shape)
    if np.any(~np.isfinite(x)) or np.any(~(tau > 0)):
        raise ValueError(f"telegraph.telegraph: need finite I/I0 + offset and tau_c > 0, got x={x!r}, tau_c={tau!r}")
    k0, k1 = jax.random.split(key)
    p_up = 0.5 * (1 + np.tanh(x))
    s0 = jnp.where(jax.random.uniform(k0, (n, x.size)) < p_up, 1.0, -1.0)  # stationary start
    q = np.broadcast_to(np.atleast_1d(np.asarray(params.tau_exponent, dtype=float)), x.shape)
    return np.asarray(_telegraph(k1, s0, jnp.asarray(x, jnp.float32), jnp.asarray(tau / dt, jnp.float32),
                                 jnp.asarray(q, jnp.float32), 1.0, int(n_steps)))
