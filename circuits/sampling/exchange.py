"""The replica-exchange move of parallel tempering and the adaptive ladder step.

K rungs with inverse temperatures ``ladder[0] < ... < ladder[K-1]`` each hold C chains, rung-major (column
``k*C + c``). :func:`swap` proposes exchanges between neighbouring rungs, accepted with the Metropolis
probability ``min(1, exp((beta_k - beta_{k+1}) (E_k - E_{k+1})))``, which keeps the product of Boltzmann
distributions invariant (detailed balance). :func:`adapt_ladder` moves the inner betas towards equal swap
acceptance of all neighbouring pairs (docs/methods.md §5).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array


def swap(key, ladder: Array, energy: Array, parity) -> tuple[Array, Array]:
    """Replica-exchange move between rungs (k, k+1) with k = parity mod 2, for every chain.

    Args:
        key: PRNG key.
        ladder: (K,) inverse temperatures.
        energy: (K*C,) energies, rung-major.
        parity: 0 or 1 (which pairs are proposed).

    Returns:
        ``(perm, accepted)``: (K*C,) column permutation to apply and (K-1, C) bool accepted pairs.
    """
    K = ladder.shape[0]
    E = energy.reshape(K, -1)
    C = E.shape[1]
    delta = (ladder[:-1] - ladder[1:])[:, None] * (E[:-1] - E[1:])  # log acceptance ratio
    logu = jnp.log1p(-jax.random.uniform(key, delta.shape))
    active = (jnp.arange(K - 1) % 2 == parity)[:, None]
    acc = active & (logu < delta)
    up = jnp.concatenate([acc, jnp.zeros((1, C), bool)], 0)    # rung k swaps with k+1
    down = jnp.concatenate([jnp.zeros((1, C), bool), acc], 0)  # rung k swaps with k-1
    rung = jnp.arange(K)[:, None] + up.astype(jnp.int32) - down.astype(jnp.int32)
    perm = (rung * C + jnp.arange(C)[None, :]).reshape(-1)
    return perm, acc


def adapt_ladder(ladder, accepted, attempted, *, damping: float = 0.5, floor: float = 0.02) -> np.ndarray:
    """One feedback step towards uniform swap acceptance (endpoints fixed).

    Gap k is rescaled by ``((a_k + floor) / mean(a + floor)) ** damping`` and all gaps are renormalised
    to the same total span, so pairs with low acceptance move closer.

    Example:
        >>> adapt_ladder(np.array([0.1, 0.2, 1.0]), np.array([50., 5.]), np.array([100., 100.])).round(3).tolist()
        [0.1, 0.329, 1.0]
    """
    b = np.asarray(ladder, np.float64)
    a = np.asarray(accepted, np.float64) / np.maximum(np.asarray(attempted, np.float64), 1)
    gaps = np.diff(b) * ((a + floor) / np.mean(a + floor)) ** damping
    gaps *= (b[-1] - b[0]) / gaps.sum()
    return np.concatenate([[b[0]], b[0] + np.cumsum(gaps)])
