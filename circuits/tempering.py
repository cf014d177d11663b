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

:func:`anneal` shares the chunked driver of :func:`circuits.run.anneal`: time limit, target, progress,
checkpoint/resume (the checkpoint also holds the current ladder and swap counters, so a resumed run
adapts exactly as the uninterrupted one), compile time reported apart, and ``mesh=`` sharding of the
K*C columns. Swaps permute spin columns, so with a mesh they move data between devices every sweep:
correct (bitwise equal) but not faster than one device.
"""
from __future__ import annotations

import time
from functools import partial
from pathlib import Path
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits import anneal as schedules
from circuits import checkpoint as checkpoint_io
from circuits import coloring, distributed, gibbs, ising, pbit, run


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


def _sweeps(key, model, classes, state: PTState, ladder, t0, t_end, n: int, update, half=None):
    """Sweeps + swaps t0 .. min(t_end, t0 + n) - 1 (a ``fori_loop`` with a traced trip count, so a
    shorter last chunk reuses the compiled function). Returns (state, best (n,), mean (n,)); trace
    entries past the last sweep are 0."""
    K = ladder.shape[0]
    C = state.energy.shape[0] // K
    beta_col = jnp.repeat(ladder, C)
    active_pairs = jnp.arange(K - 1) % 2

    def body(i, carry):
        s, tb, tm = carry
        t = t0 + i
        k1, k2 = jax.random.split(jax.random.fold_in(key, t))
        st = gibbs.sweep_t(k1, model, classes, s.spins, beta_col, update)[0]
        e = gibbs.energy_t(model, st, half)
        better = e < s.best_energy
        best_st = jnp.where(better[None, :], st, s.best_spins)
        best_e = jnp.where(better, e, s.best_energy)
        perm, acc = swap(k2, ladder, e, t % 2)
        active = (active_pairs == t % 2).astype(jnp.float32)
        s = PTState(st[:, perm], e[perm], best_st, best_e, s.accepted + acc.sum(1), s.attempted + active * C)
        return s, tb.at[i].set(jnp.min(s.best_energy)), tm.at[i].set(jnp.mean(s.energy))

    z = jnp.zeros(n, jnp.float32)
    return lax.fori_loop(0, jnp.clip(t_end - t0, 0, n), body, (state, z, z))


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
           interrupt: Callable[[], bool] | None = None, progress: bool = False,
           checkpoint: str | Path | None = None, resume: str | Path | None = None, mesh=None):
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
        checkpoint: write the state (spins, the current ladder, swap counters, traces, key) to this
            ``.npz`` file after every chunk and on stop (Ctrl-C included).
        resume: continue from this checkpoint: the same model, R = K*C, initial ``ladder``, ``n_sweeps``
            and ``adapt`` are required (else a ValueError names the mismatch); ``key`` is taken from it.
            The resumed run equals the uninterrupted one bit for bit.
        mesh: None, "auto" or a ``jax.sharding.Mesh``: the K*C columns are sharded over its devices
            (rung-major, so a device holds whole rungs when C is a multiple of the device count); the
            result is the same bit for bit. K*C must be a multiple of the device count.

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
    b_init = b.copy()
    K, C, n = len(b), int(n_chains), ising.n_spins(model)
    if C < 1:
        raise ValueError(f"tempering.anneal: argument 'n_chains' must be a positive integer, got {n_chains!r}")
    mesh = distributed.make_mesh(mesh)
    distributed.check_replicas(mesh, K * C, "tempering.anneal (n_rungs * n_chains)")
    classes = coloring.greedy(model) if classes is None else coloring.validate(model, classes)
    plan = np.array([n_sweeps, adapt], float)
    done, tbs, tms, tts, tss, elapsed0 = 0, [], [], [], [], 0.0
    acc_rate = np.zeros(K - 1)
    if resume is not None:
        ck = checkpoint_io.load_checkpoint(resume)
        checkpoint_io.check_resume(ck, resume, "tempering.anneal", (n, K * C),
                          ("initial_ladder", b_init, "ladder / n_rungs"),
                          ("plan", plan, "n_sweeps and adapt"))
        key, seed, done, elapsed0 = checkpoint_io.resume_common(ck)
        state = PTState(*(jnp.asarray(ck[f]) for f in PTState._fields))
        b, acc_rate = np.asarray(ck["ladder"], np.float64), np.asarray(ck["acceptance"], np.float64)
        tbs, tms = [ck["trace_best"]], [ck["trace_mean"]]
        tts, tss = list(ck["trace_time"]), list(ck["trace_sweep"])
        compile_time = 0.0
    else:
        compile_time = run.compile_chunk(run._energy_jit, model, jax.ShapeDtypeStruct((n, K * C), jnp.int8))
        state = init(jax.random.fold_in(key, 0x7FFFFFFF), model, K, C)
    done0 = done
    c = chunk or run.chunk_size(model, K * C, n_sweeps)
    if adapt:
        c = min(c, max(1, int(adapt * n_sweeps) // 8))  # several ladder updates while adapting
    rule = pbit.as_rule(update)
    model_d = distributed.put_tree(model, mesh)
    half = distributed.put_tree(gibbs.half_edges(model), mesh)
    cls = distributed.put(jnp.asarray(coloring.padded(classes, n)), mesh)
    state = run.shard_state(state, mesh)
    bar = run._Progress(n_sweeps, progress)

    def chunk_args(state, start, m):
        return (key, model_d, cls, state, distributed.put(jnp.asarray(b, jnp.float32), mesh), jnp.int32(start),
                jnp.int32(start + m))

    compile_time += run.compile_chunk(_sweeps_jit, *chunk_args(state, done, c), n=c, update=rule, half=half)

    def snapshot(state, done):
        wall = elapsed0 + time.perf_counter() - t_start
        return dict(**checkpoint_io.state_arrays(state), **checkpoint_io.common_arrays(key, seed, done, tbs, tms, tts,
                                                                                       tss, wall),
                    ladder=np.asarray(b), acceptance=np.asarray(acc_rate), initial_ladder=b_init, plan=plan)

    def advance(state, done, m):
        """One chunk of sweeps and swaps, then (while adapting) a ladder update from its swap counts."""
        nonlocal b, acc_rate
        new, tb, tm = _sweeps_jit(*chunk_args(state, done, m), n=c, update=rule, half=half)
        tb, tm = np.asarray(tb), np.asarray(tm)  # wait for the chunk before touching the ladder (Ctrl-C safe)
        rate = np.asarray(new.accepted) / np.maximum(np.asarray(new.attempted), 1)
        new_b = b
        if adapt and done + m <= adapt * n_sweeps:
            new_b = adapt_ladder(b, new.accepted, new.attempted)
            z = distributed.put(jnp.zeros(K - 1, jnp.float32), mesh)
            new = new._replace(accepted=z, attempted=z)
        b, acc_rate = new_b, rate
        return new, tb, tm

    state, done, stopped = run.chunk_loop(advance, snapshot, state, done, n_sweeps, c, (tbs, tms, tts, tss),
                                          t_start=t_start, elapsed0=elapsed0, target_energy=target_energy,
                                          time_limit=time_limit, interrupt=interrupt, bar=bar,
                                          checkpoint=checkpoint)
    wall = time.perf_counter() - t_start
    res = run._result(model, state, tbs, tms, tts, tss, done, K * C, n, elapsed0 + wall, np.asarray(b), seed,
                      stopped, "tempering", compile_time, wall - compile_time, done - done0)
    return res, {"ladder": np.asarray(b), "acceptance": acc_rate}
