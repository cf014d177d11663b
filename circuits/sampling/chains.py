"""The compiled chunk of :func:`circuits.sampling.boltzmann.run`: chromatic Gibbs sweeps of B x C chains (B betas,
C chains each, rung-major columns ``k*C + c``) of a pairwise or a higher-order model, recorded every ``thin``
sweeps, optionally followed after every sweep by the replica-exchange move between neighbouring betas (parallel
tempering on the fixed ladder ``betas``: :func:`circuits.sampling.exchange.swap`, even pairs on even sweeps, odd
pairs on odd sweeps; Swendsen & Wang, PRL 57, 2607 (1986); Hukushima & Nemoto, JPSJ 65, 1604 (1996)).

One program serves the burn-in (1 record of ``burn_in`` sweeps), the full chunks and a short last chunk: the
number of records and the sweeps between them are traced, only the buffer size is static, so a run compiles once.
Sweep t (counted from the start of the run) draws its randomness from ``fold_in(key, t)``.
"""
from __future__ import annotations

from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits.model import hubo, ising
from circuits.sampling import coloring, exchange, gibbs, higher


class Chains(NamedTuple):
    """State between chunks (a pytree)."""

    spins: Array  # (n, B*C) int8 column spins, rung-major
    accepted: Array  # (B-1,) float32 accepted swaps per neighbouring pair of betas (tempering)
    attempted: Array  # (B-1,) float32 attempted swaps per pair


def _ising_sweep(key, model, classes, st, beta, update):
    return gibbs.column_sweep(key, model, classes, st, beta, update)[0]


def _ising_energy(model, st):
    return gibbs.column_energy(model, st)


def kernels(model):
    """``(sweep, energy, classes)`` of a model: the column sweep and energy of its kind, and its colour classes
    ((n_colors, size) padded)."""
    if isinstance(model, hubo.Hubo):
        n, classes = hubo.n_spins(model), higher.greedy(model)
        return higher.column_sweep, higher.column_energy, jnp.asarray(coloring.padded(classes, n))
    n, classes = ising.n_spins(model), coloring.greedy(model)
    return _ising_sweep, _ising_energy, jnp.asarray(coloring.padded(classes, n))


def init(key, n: int, n_betas: int, n_chains: int) -> Chains:
    """Random +/-1 initial states of B x C chains and zero swap counters."""
    st = jnp.where(jax.random.bernoulli(key, 0.5, (n, n_betas * n_chains)), 1, -1).astype(jnp.int8)
    z = jnp.zeros(max(n_betas - 1, 0), jnp.float32)
    return Chains(st, z, z)


@partial(jax.jit, static_argnames=("sweep", "energy", "size", "tempering"))
def chunk(key, model, classes, state: Chains, betas, update, t0, n_records, thin, *, sweep, energy, size: int,
          tempering: bool):
    """``n_records`` (<= ``size``) records, ``thin`` sweeps apart, starting at sweep ``t0``.

    Returns ``(state, records)``: records (size, B*C, n) int8, rows past ``n_records`` zero.
    """
    B = betas.shape[0]
    C = state.spins.shape[1] // B
    beta_col = jnp.repeat(betas, C)

    def one(t, s):
        k1, k2 = jax.random.split(jax.random.fold_in(key, t))
        st = sweep(k1, model, classes, s.spins, beta_col, update)
        if not tempering:
            return s._replace(spins=st)
        perm, acc = exchange.swap(k2, betas, energy(model, st), t % 2)
        active = (jnp.arange(B - 1) % 2 == t % 2).astype(jnp.float32)
        return Chains(st[:, perm], s.accepted + acc.sum(1), s.attempted + active * C)

    def record(r, carry):
        s, buf = carry
        start = t0 + r * thin
        s = lax.fori_loop(0, thin, lambda i, s: one(start + i, s), s)
        return s, buf.at[r].set(s.spins.T)

    buf = jnp.zeros((size,) + state.spins.shape[::-1], jnp.int8)
    return lax.fori_loop(0, n_records, record, (state, buf))


def acceptance(state: Chains) -> np.ndarray:
    """(B-1,) swap acceptance per neighbouring pair of betas (nan where none was attempted)."""
    a, t = np.asarray(state.accepted, np.float64), np.asarray(state.attempted, np.float64)
    return np.where(t > 0, a / np.maximum(t, 1), np.nan)
