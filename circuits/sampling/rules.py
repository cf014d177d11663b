"""p-bit update rules: ``update(key, field, beta, spins) -> new spins``.

Every rule has this one signature so that samplers can swap physics by passing a function:

* ``key``: a ``jax.random`` key;
* ``field``: (..., k) local fields ``I = J s + h`` of the k p-bits being updated [energy units];
* ``beta``: inverse temperature, a scalar or an array broadcastable to ``field`` (e.g. one per replica);
* ``spins``: (..., k) their current values (+/-1). Heat-bath rules ignore it; Metropolis needs it.

Returns (..., k) float32 +/-1 spins. ``behavioural`` is the default (the p-bit of Camsari et al.,
PRX 7, 031014 (2017)): ``s = sgn(tanh(beta I) - u)``, u ~ U(-1, 1), i.e. exact heat-bath (Gibbs)
sampling of ``exp(-beta E)``. It is evaluated as ``v (1 + exp(-2 beta I)) < 1`` with v ~ U(0, 1) on
2^24 levels: the same law, without a tanh, which XLA evaluates more slowly than an exponential in a fused
CPU sweep (docs/methods.md §2).

Rules with per-p-bit parameters (the calibrated device p-bit) are ``jax.tree_util.Partial`` objects:
their arrays are pytree leaves (new calibration => no recompile) and samplers restrict them to the
p-bits being updated with :func:`restrict`.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array
from jax.tree_util import Partial


def _uniform_01(key, shape) -> Array:
    """v ~ U(0, 1) on the 2^24 midpoints ``(k + 1/2) 2^-24``: never 0 or 1, from 24 random bits."""
    bits = jax.random.bits(key, shape, jnp.uint32)
    return (bits >> 8).astype(jnp.float32) * (1.0 / (1 << 24)) + 0.5 / (1 << 24)


def _heat_bath(key, x) -> Array:
    """+1 with probability ``(1 + tanh x) / 2 = 1 / (1 + exp(-2x))``, else -1 (float32).

    Drawn as ``v (1 + exp(-2x)) < 1`` with v ~ U(0, 1): the same law as ``sgn(tanh(x) - u)``, u ~ U(-1, 1);
    ``exp -> inf`` (large negative x) gives -1 without NaN because v > 0.
    """
    v = _uniform_01(key, jnp.shape(x))
    return jnp.where(v * (1.0 + jnp.exp(-2.0 * x)) < 1.0, 1.0, -1.0).astype(jnp.float32)


def behavioural(key, field, beta, spins=None) -> Array:
    """Behavioural p-bit ``s = sgn(tanh(beta * I) - u)``, u ~ U(-1, 1) (heat bath).

    Args:
        key: PRNG key.
        field: (..., k) local fields I.
        beta: inverse temperature, broadcastable to ``field``.
        spins: ignored (current spins).

    Returns:
        (..., k) float32 +/-1 with ``P(s = +1) = (1 + tanh(beta I)) / 2``.

    Example:
        >>> s = behavioural(jax.random.key(0), jnp.full((1000,), 0.5), 1.0)
        >>> abs(float(s.mean()) - 0.462) < 0.1
        True
    """
    return _heat_bath(key, beta * field)


def metropolis(key, field, beta, spins) -> Array:
    """Metropolis rule: flip with probability ``min(1, exp(-beta dE))``, ``dE = 2 s I``.

    Example:
        >>> metropolis(jax.random.key(0), jnp.array([5.0]), 10.0, jnp.array([-1.0])).tolist()
        [1.0]
    """
    s = jnp.asarray(spins, jnp.float32)
    de = 2.0 * s * field
    v = _uniform_01(key, jnp.shape(field))
    flip = v * jnp.exp(beta * de) < 1.0  # v < exp(-beta dE); exp -> inf never flips, exp -> 0 always does
    return jnp.where(flip, -s, s)


def _device(gain, offset, key, field, beta, spins=None) -> Array:
    return _heat_bath(key, beta * gain * field + offset)


DEVICE = _device  # the function behind every device_pbit rule (``rule.func is rules.DEVICE``)


def device_pbit(gain, offset) -> Partial:
    """Calibrated device p-bit ``s = sgn(tanh(beta * gain * I + offset) - u)`` with per-p-bit arrays.

    The gain [-] and offset [-] come from the p-bit calibration in ``pbits`` (:func:`pbits.pbit.calibrate.rule_args`;
    device-to-device spread included); ``gain = 1, offset = 0`` is the behavioural p-bit.

    Args:
        gain: (n,) gains, one per p-bit (or a scalar).
        offset: (n,) offsets, one per p-bit (or a scalar).

    Returns:
        An update rule (a ``Partial`` pytree) for all n p-bits; samplers call ``restrict`` on it.

    Example:
        >>> rule = device_pbit(jnp.ones(3), jnp.zeros(3))
        >>> rule(jax.random.key(0), jnp.full(3, 50.0), 1.0).tolist()
        [1.0, 1.0, 1.0]
    """
    g, o = np.asarray(gain, np.float64), np.asarray(offset, np.float64)
    for name, a in (("gain", g), ("offset", o)):
        if a.ndim > 1 or not np.all(np.isfinite(a)):
            raise ValueError(f"rules.device_pbit: {name} must be a finite scalar or one value per p-bit (n,), got "
                             f"{a!r:.80}; take them from pbits.pbit.calibrate.rule_args")
    if g.ndim and o.ndim and g.shape != o.shape:
        raise ValueError(f"rules.device_pbit: gain and offset must have the same length, got {g.shape} and {o.shape}")
    return Partial(_device, jnp.asarray(gain, jnp.float32), jnp.asarray(offset, jnp.float32))


def check(update, n: int, where: str):
    """The rule, if its per-p-bit parameters fit n p-bits (a device rule with arrays of length n), else a
    ValueError naming ``where``. Called once when a run starts."""
    if isinstance(update, Partial):
        for a in update.args:
            if jnp.ndim(a) >= 1 and jnp.shape(a)[0] != n:
                raise ValueError(f"{where}: the update rule has per-p-bit parameters for {jnp.shape(a)[0]} p-bits but "
                                 f"the model has {n}; calibrate one gain and offset per spin")
    elif not callable(update):
        raise ValueError(f"{where}: update must be an update rule (e.g. rules.behavioural), got {update!r}")
    return update


def as_rule(update) -> Partial:
    """Wrap a plain function as a ``Partial`` pytree (idempotent) so drivers can pass it through jit."""
    return update if isinstance(update, Partial) else Partial(update)


def restrict(update, idx, *, column: bool = True):
    """The rule for the p-bits ``idx`` only (per-p-bit parameters are gathered; plain rules unchanged).

    Args:
        update: an update rule.
        idx: (k,) int indices of the p-bits being updated.
        column: if True the per-p-bit parameters get shape (k, 1) (fields laid out as (k, replicas)),
            else (k,).
    """
    if isinstance(update, Partial) and update.func is _device:
        g, o = update.args
        g = g[idx] if jnp.ndim(g) else g
        o = o[idx] if jnp.ndim(o) else o
        if column:
            g = g[:, None] if jnp.ndim(g) else g
            o = o[:, None] if jnp.ndim(o) else o
        return Partial(_device, g, o)
    return update
