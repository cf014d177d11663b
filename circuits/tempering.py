"""Parallel tempering (replica exchange) with an adaptive temperature ladder.

K rungs with inverse temperatures ``ladder[0] < ... < ladder[K-1]`` each hold C chains; the state has
K*C columns, rung-major (column ``k*C + c``). Every sweep updates all columns with chromatic Gibbs at
their own beta, then proposes swaps between neighbouring rungs (even pairs on even sweeps, odd pairs on
odd sweeps, each chain independently), accepted with the Metropolis probability
``min(1, exp((beta_k - beta_{k+1}) (E_k - E_{k+1})))``, which keeps the product of Boltzmann
distributions invariant (detailed balance; tested against exact enumeration at every rung).

The adaptive ladder (between chunks, during the first ``adapt`` fraction of the run) moves the inner
betas so that the swap acceptance of all neighbouring pairs becomes about equal, as in adaptive
parallel tempering used with sparse p-computers by Nikhar et al., "All-to-all reconfigurability with
sparse and higher-order Ising machines", Nat. Commun. (2024) [recalled]: gaps with low acceptance
shrink, gaps with high acceptance grow, endpoints fixed. The feedback step is :func:`adapt_ladder`.
"""
from __future__ import annotations

import time
from functools import partial
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits import anneal as schedules
from circuits import coloring, gibbs, ising, pbit, run


class PTState(NamedTuple):
    """Tempering state: the annealer's :class:`circuits.run.State` fields plus swap statistics.

    Attributes:
        spins, energy, best_spins, best_energy: as in ``run.State`` with R = K*C columns.
        accepted: (K-1,) accepted swaps per neighbouring pair since the last ladder update.
        attempted: (K-1,) attempted swaps per pair.
    """

    spins: Array
    energy: Array
    best_spins: Array
    best_energy: Array
    accepted: Array
    attempted: Array


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


def _sweeps(key, model, classes, state: PTState, ladder, t0, t_end, n: int, update):
    """n sweeps + swaps (sweeps t >= t_end are skipped). Returns (state, best (n,), mean (n,))."""
    C = state.energy.shape[0] // ladder.shape[0]
    beta_col = jnp.repeat(ladder, C)

    def step(s: PTState, t):
        k1, k2 = jax.random.split(jax.random.fold_in(key, t))
        st, de = gibbs.sweep_t(k1, model, classes, s.spins, beta_col, update)
        e = s.energy + de
        better = e < s.best_energy
        best_st = jnp.where(better[None, :], st, s.best_spins)
        best_e = jnp.where(better, e, s.best_energy)
        perm, acc = swap(k2, ladder, e, t % 2)
        active = (jnp.arange(ladder.shape[0] - 1) % 2 == t % 2).astype(jnp.float32)
        return PTState(st[:, perm], e[perm], best_st, best_e, s.accepted + acc.sum(1),
                       s.attempted + active * C)

    def body(s, t):
        s = lax.cond(t < t_end, step, lambda s, t: s, s, t)
        return s, (jnp.min(s.best_energy), jnp.mean(s.energy))

    state, (tb, tm) = lax.scan(body, state, t0 + jnp.arange(n))
    return state, tb, tm


_sweeps_jit = jax.jit(_sweeps, static_argnames=("n",))


def init(key, model, n_rungs: int, n_chains: int) -> PTState:
    """Random initial state with K*C columns."""
    s = run.init_state(key, model, n_rungs * n_chains)
    z = jnp.zeros(n_rungs - 1, jnp.float32)
    return PTState(*s, z, z)


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


def default_ladder(model: ising.IsingModel, n_rungs: int = 16):
    """Geometric ladder over :func:`circuits.anneal.default_beta_range`."""
    b0, b1 = schedules.default_beta_range(model)
    return np.geomspace(b0, b1, n_rungs)


def _check_ladder(ladder, where):
    b = np.asarray(ladder, np.float64)
    if b.ndim != 1 or len(b) < 2 or not np.all(np.isfinite(b)) or np.any(b < 0) or np.any(np.diff(b) <= 0):
        raise ValueError(f"{where}: argument 'ladder' must be >= 2 increasing finite betas >= 0, got {b}")
    return b


def sample(key, model: ising.IsingModel, ladder, *, n_chains: int, n_samples: int, thin: int = 1,
           burn_in: int = 0, classes=None, update=pbit.behavioural) -> Array:
    """Parallel-tempering samples at every rung of a fixed ladder.

    Args:
        key: PRNG key.
        model: the IsingModel.
        ladder: (K,) increasing inverse temperatures.
        n_chains: C chains per rung.
        n_samples: records per chain; thin: sweeps between records; burn_in: sweeps discarded first.
        classes: colour classes (default ``coloring.greedy(model)``).
        update: p-bit update rule.

    Returns:
        (n_samples, K, C, n) int8 spins.

    Example:
        >>> m = ising.from_dense([[0., 1.], [1., 0.]])
        >>> sample(jax.random.key(0), m, [0.5, 1.0], n_chains=3, n_samples=2).shape
        (2, 2, 3, 2)
    """
    b = jnp.asarray(_check_ladder(ladder, "tempering.sample"), jnp.float32)
    classes = coloring.greedy(model) if classes is None else coloring.validate(model, classes)
    cls = jnp.asarray(coloring.padded(classes, ising.n_spins(model)))
    kinit, krun = jax.random.split(key)
    return _sample(krun, model, cls, init(kinit, model, len(b), n_chains), b, pbit.as_rule(update),
                   int(n_samples), int(thin), int(burn_in))


@partial(jax.jit, static_argnames=("n_samples", "thin", "burn_in"))
def _sample(key, model, cls, state, ladder, update, n_samples, thin, burn_in):
    K = ladder.shape[0]
    big = jnp.int32(2 ** 30)
    if burn_in:
        state = _sweeps(key, model, cls, state, ladder, 0, big, burn_in, update)[0]

    def rec(s, i):
        s = _sweeps(key, model, cls, s, ladder, burn_in + i * thin, big, thin, update)[0]
        return s, s.spins.T.reshape(K, -1, s.spins.shape[0])

    return lax.scan(rec, state, jnp.arange(n_samples))[1]


def anneal(key, model: ising.IsingModel, ladder=None, *, n_sweeps: int = 1000, n_rungs: int = 16,
           n_chains: int = 4, adapt: float = 0.5, classes=None, update: Callable = pbit.behavioural,
           chunk: int | None = None, time_limit: float | None = None, target_energy: float | None = None,
           interrupt: Callable[[], bool] | None = None, progress: bool = False):
    """Optimise with parallel tempering: best-so-far over all K*C columns.

    Args:
        key: PRNG key or integer seed (fast generator).
        model: the IsingModel.
        ladder: (K,) increasing betas (default :func:`default_ladder` with ``n_rungs``).
        n_sweeps: sweeps (each followed by a swap attempt).
        n_chains: C chains per rung (R = K*C columns in all).
        adapt: fraction of the sweeps during which the ladder adapts between chunks (0 = fixed).
        classes, update, chunk, time_limit, target_energy, interrupt, progress: as in
            :func:`circuits.run.anneal`.

    Returns:
        ``(result, info)``: a :class:`circuits.run.Result` (``schedule`` holds the final ladder) and a
        dict with ``ladder`` and ``acceptance`` (per neighbouring pair, last measured).

    Example:
        >>> m = ising.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)], [-1.0] * 4)
        >>> anneal(0, m, n_sweeps=40, n_rungs=4, n_chains=2)[0].best_energy
        -4.0
    """
    t_start = time.perf_counter()
    key, seed = run._key(key)
    b = _check_ladder(default_ladder(model, n_rungs) if ladder is None else ladder, "tempering.anneal")
    K, C, n = len(b), int(n_chains), ising.n_spins(model)
    classes = coloring.greedy(model) if classes is None else coloring.validate(model, classes)
    cls = jnp.asarray(coloring.padded(classes, n))
    state = init(jax.random.fold_in(key, 0x7FFFFFFF), model, K, C)
    c = chunk or run.chunk_size(model, K * C, n_sweeps)
    if adapt:
        c = min(c, max(1, int(adapt * n_sweeps) // 8))  # several ladder updates while adapting
    rule = pbit.as_rule(update)
    bar = run._Progress(n_sweeps, progress)
    done, tbs, tms, tts, tss, stopped = 0, [], [], [], [], "done"
    acc_rate = np.zeros(K - 1)
    try:
        while done < n_sweeps:
            if target_energy is not None and float(jnp.min(state.best_energy)) <= target_energy:
                stopped = "target"
                break
            if time_limit is not None and done > 0 and time.perf_counter() - t_start >= time_limit:
                stopped = "time_limit"
                break
            if interrupt is not None and interrupt():
                stopped = "interrupt"
                break
            m = min(c, n_sweeps - done)
            new, tb, tm = _sweeps_jit(key, model, cls, state, jnp.asarray(b, jnp.float32), jnp.int32(done),
                                      jnp.int32(done + m), c, rule)
            tb, tm = np.asarray(tb)[:m], np.asarray(tm)[:m]
            state, done = new, done + m
            acc_rate = np.asarray(state.accepted) / np.maximum(np.asarray(state.attempted), 1)
            if adapt and done <= adapt * n_sweeps:
                b = adapt_ladder(b, state.accepted, state.attempted)
                z = jnp.zeros(K - 1, jnp.float32)
                state = state._replace(accepted=z, attempted=z)
            tbs.append(tb)
            tms.append(tm)
            tts.append(time.perf_counter() - t_start)
            tss.append(done)
            bar(done, float(tb[-1]))
        else:
            if target_energy is not None and float(jnp.min(state.best_energy)) <= target_energy:
                stopped = "target"
    except KeyboardInterrupt:
        stopped = "keyboard"
    bar.close()
    res = run._result(model, state, tbs, tms, tts, tss, done, K * C, n, time.perf_counter() - t_start,
                      np.asarray(b), seed, stopped, "tempering")
    return res, {"ladder": np.asarray(b), "acceptance": acc_rate}
