"""Parallel tempering (replica exchange): sampling on a fixed ladder, and optimisation with an adaptive ladder.

K rungs with inverse temperatures ``ladder[0] < ... < ladder[K-1]`` each hold C chains; the state has K*C
columns, rung-major (column ``k*C + c``). Every sweep updates all columns with chromatic Gibbs at their own
beta, then proposes swaps between neighbouring rungs (even pairs on even sweeps, odd pairs on odd sweeps, each
chain independently) with the Metropolis move of :func:`circuits.sampling.exchange.swap`, which keeps the product
of Boltzmann distributions invariant (tested against exact enumeration at every rung).

During the first ``adapt`` fraction of an :func:`anneal` the ladder moves between chunks towards equal swap
acceptance of all neighbouring pairs (:func:`circuits.sampling.exchange.adapt_ladder`), the adaptive parallel
tempering used with p-computers (Aadit et al., Nature Electronics 5, 460 (2022)); docs/methods.md §5.
:func:`anneal` runs on the annealers' chunked driver (:mod:`circuits.annealing.driver`): time limit, target,
progress, checkpoint/resume (the checkpoint also holds the current ladder and swap counters, so a resumed run
adapts exactly as the uninterrupted one), and ``mesh=`` sharding of the K*C columns. Swaps permute columns, so
with a mesh they move data between devices every sweep: correct (bitwise equal) but not faster.
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

from circuits.annealing import checkpoint as ckpt
from circuits.annealing import driver, schedules, simulated
from circuits.annealing.driver import ChunkTrace, Result, State
from circuits.model import ising
from circuits.sampling import coloring, exchange, gibbs, houdayer, rules
from pbits.runtime import prng, sharding


class PTState(NamedTuple):
    """Tempering state: the annealer's :class:`circuits.annealing.driver.State` (R = K*C columns) and the swap
    counters since the last ladder update."""

    base: State  # spins, energies and best-so-far of all K*C columns
    accepted: Array  # (K-1,) accepted swaps per neighbouring pair
    attempted: Array  # (K-1,) attempted swaps per pair


class Ladder(NamedTuple):
    """The host-side part of the tempering loop state: the current ladder and the last measured acceptance."""

    betas: np.ndarray  # (K,) current inverse temperatures
    acceptance: np.ndarray  # (K-1,) swap acceptance per neighbouring pair, last measured


def _sweeps(key, model, classes, state: PTState, ladder, t0, t_end, n: int, update, half=None, pairs=None):
    """Sweeps + swaps t0 .. min(t_end, t0 + n) - 1 (a ``fori_loop`` with a traced trip count, so a
    shorter last chunk reuses the compiled function); with ``pairs`` ((2, P) columns, :func:`cluster_pairs`) a
    Houdayer move between the two columns of each pair after every sweep. Returns (state, best (n,), mean (n,));
    trace entries past the last sweep are 0."""
    K = ladder.shape[0]
    C = state.base.energy.shape[0] // K
    beta_col = jnp.repeat(ladder, C)
    active_pairs = jnp.arange(K - 1) % 2

    def body(i, carry):
        s, tb, tm = carry
        t = t0 + i
        k1, k2 = jax.random.split(jax.random.fold_in(key, t))
        st = gibbs.column_sweep(k1, model, classes, s.base.spins, beta_col, update)[0]
        if pairs is not None:
            st = houdayer.move(jax.random.fold_in(k2, 1), model, st, pairs[0], pairs[1])
        e = gibbs.column_energy(model, st, half)
        better = e < s.base.best_energy
        best_st = jnp.where(better[None, :], st, s.base.best_spins)
        best_e = jnp.where(better, e, s.base.best_energy)
        perm, acc = exchange.swap(k2, ladder, e, t % 2)
        active = (active_pairs == t % 2).astype(jnp.float32)
        s = PTState(State(st[:, perm], e[perm], best_st, best_e), s.accepted + acc.sum(1), s.attempted + active * C)
        return s, tb.at[i].set(jnp.min(s.base.best_energy)), tm.at[i].set(jnp.mean(s.base.energy))

    z = jnp.zeros(n, jnp.float32)
    return lax.fori_loop(0, jnp.clip(t_end - t0, 0, n), body, (state, z, z))


_sweeps_jit = jax.jit(_sweeps, static_argnames=("n",))


def init(key, model, n_rungs: int, n_chains: int) -> PTState:
    """Random initial state with K*C columns."""
    z = jnp.zeros(n_rungs - 1, jnp.float32)
    return PTState(simulated.init_state(key, model, n_rungs * n_chains), z, z)


def default_ladder(model: ising.IsingModel, n_rungs: int = 16):
    """Geometric ladder over :func:`circuits.annealing.schedules.acceptance_beta_range` (the hottest rung where 30 %
    of the uphill moves of random states are accepted: it forgets its state within a few sweeps)."""
    b0, b1 = schedules.acceptance_beta_range(model)
    return np.geomspace(b0, b1, n_rungs)


def cluster_pairs(n_rungs: int, n_chains: int, where: str = "tempering") -> Array:
    """(2, P) column pairs for Houdayer moves: chains ``2r`` and ``2r + 1`` of each rung of the colder half of the
    ladder (rungs ``k >= K // 2``). In the hot half the disagreeing sites of two replicas percolate, so a cluster
    there is most of the system and flipping it does little but swap the two replicas; below, clusters are the
    droplets that tell two low-temperature states apart (Zhu, Ochoa & Katzgraber, PRL 115, 077201 (2015), who
    move clusters only at low temperature).

    Example:
        >>> cluster_pairs(4, 2).tolist()  # rungs 2 and 3 of 4, one pair of chains each (columns k*C + c)
        [[4, 6], [5, 7]]
    """
    if n_chains < 2 or n_chains % 2:
        raise ValueError(f"{where}: cluster moves pair the chains of a rung, so n_chains must be even and >= 2, got "
                         f"{n_chains}")
    k, r = jnp.meshgrid(jnp.arange(n_rungs // 2, n_rungs), jnp.arange(n_chains // 2), indexing="ij")
    a = (k * n_chains + 2 * r).reshape(-1)
    return jnp.stack([a, a + 1]).astype(jnp.int32)


def _check_ladder(ladder, where):
    b = np.asarray(ladder, np.float64)
    if b.ndim != 1 or len(b) < 2 or not np.all(np.isfinite(b)) or np.any(b < 0) or np.any(np.diff(b) <= 0):
        raise ValueError(f"{where}: argument 'ladder' must be >= 2 increasing finite betas >= 0, got {b}")
    return b


def sample(key, model: ising.IsingModel, ladder, *, n_chains: int, n_samples: int, thin: int = 1,
           burn_in: int = 0, classes=None, update=rules.behavioural, cluster: bool = False) -> Array:
    """Parallel-tempering samples at every rung of a fixed ladder.

    Args:
        key: PRNG key.
        model: the IsingModel.
        ladder: (K,) increasing inverse temperatures.
        n_chains: C chains per rung.
        n_samples: records per chain; thin: sweeps between records; burn_in: sweeps discarded first.
        classes: colour classes (default ``coloring.greedy(model)``).
        update: p-bit update rule.
        cluster: Houdayer moves between chain pairs of the colder rungs after every sweep (:func:`cluster_pairs`;
            C even).

    Returns:
        (n_samples, K, C, n) int8 spins.

    Example:
        >>> m = ising.from_dense([[0., 1.], [1., 0.]])
        >>> sample(jax.random.key(0), m, [0.5, 1.0], n_chains=3, n_samples=2).shape
        (2, 2, 3, 2)
    """
    b = jnp.asarray(_check_ladder(ladder, "tempering.sample"), jnp.float32)
    rules.check(update, ising.n_spins(ising.check(model, "tempering.sample")), "tempering.sample")
    classes = coloring.greedy(model) if classes is None else coloring.validate(model, classes)
    cls = jnp.asarray(coloring.padded(classes, ising.n_spins(model)))
    pairs = cluster_pairs(len(b), int(n_chains), "tempering.sample") if cluster else None
    kinit, krun = jax.random.split(key)
    return _sample(krun, model, cls, init(kinit, model, len(b), n_chains), b, rules.as_rule(update),
                   int(n_samples), int(thin), int(burn_in), pairs)


@partial(jax.jit, static_argnames=("n_samples", "thin", "burn_in"))
def _sample(key, model, cls, state, ladder, update, n_samples, thin, burn_in, pairs=None):
    K = ladder.shape[0]
    big = jnp.int32(2 ** 30)
    if burn_in:
        state = _sweeps(key, model, cls, state, ladder, 0, big, burn_in, update, pairs=pairs)[0]

    def rec(s, i):
        s = _sweeps(key, model, cls, s, ladder, burn_in + i * thin, big, thin, update, pairs=pairs)[0]
        return s, s.base.spins.T.reshape(K, -1, s.base.spins.shape[0])

    return lax.scan(rec, state, jnp.arange(n_samples))[1]


def anneal(key, model: ising.IsingModel, ladder=None, *, n_sweeps: int = 1000, n_rungs: int = 16,
           n_chains: int = 4, adapt: float = 0.5, classes=None, update: Callable = rules.behavioural,
           chunk: int | None = None, time_limit: float | None = None, target_energy: float | None = None,
           progress: Callable | None = None, checkpoint: str | Path | None = None,
           resume: str | Path | None = None, mesh=None, cluster: bool = False) -> tuple[Result, Ladder]:
    """Optimise with parallel tempering: best-so-far over all K*C columns.

    Args:
        key: PRNG key or integer seed (fast generator).
        model: the IsingModel.
        ladder: (K,) increasing betas (default :func:`default_ladder` with ``n_rungs``).
        n_sweeps: sweeps (each followed by a swap attempt).
        n_chains: C chains per rung (R = K*C columns in all).
        adapt: fraction of the sweeps during which the ladder adapts between chunks (0 = fixed).
        classes, update, chunk, time_limit, target_energy, progress: as in
            :func:`circuits.annealing.simulated.anneal`.
        checkpoint: write the state (spins, the current ladder, swap counters, traces, key) to this
            ``.npz`` file after every chunk and on stop (Ctrl-C included).
        resume: continue from this checkpoint: the same model, rule, R = K*C, initial ``ladder``, ``n_sweeps``
            and ``adapt`` are required (else a ValueError names the mismatch); the key is taken from it, and an
            integer seed given as ``key`` must be the one it was written with.
            The resumed run equals the uninterrupted one bit for bit.
        mesh: None, "auto" or a ``jax.sharding.Mesh``: the K*C columns are sharded over its devices
            (rung-major, so a device holds whole rungs when C is a multiple of the device count); the
            result is the same bit for bit. K*C must be a multiple of the device count.
        cluster: after every sweep a Houdayer move between chains ``2r, 2r + 1`` of each rung of the colder half
            (:func:`cluster_pairs`, :mod:`circuits.sampling.houdayer`); C must be even.

    Returns:
        ``(result, ladder)``: a :class:`circuits.annealing.driver.Result` (``schedule`` holds the final ladder)
        and the final :class:`Ladder` with the last measured swap acceptance per neighbouring pair.

    Example:
        >>> m = ising.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)], [-1.0] * 4)
        >>> anneal(0, m, n_sweeps=40, n_rungs=4, n_chains=2)[0].best_energy
        -4.0
    """
    t_start = time.perf_counter()
    key, seed = prng.key_and_seed(key)
    given_seed = seed
    rules.check(update, ising.n_spins(ising.check(model, "tempering.anneal")), "tempering.anneal")
    b = _check_ladder(default_ladder(model, n_rungs) if ladder is None else ladder, "tempering.anneal")
    b_init = b.copy()
    K, C = len(b), int(n_chains)
    if C < 1:
        raise ValueError(f"tempering.anneal: argument 'n_chains' must be a positive integer, got {n_chains!r}")
    mesh = sharding.make_mesh(mesh)
    sharding.check_split(mesh, K * C, "tempering.anneal (n_rungs * n_chains)")
    c = chunk or driver.chunk_size(model, K * C, n_sweeps)
    if adapt:
        c = min(c, max(1, int(adapt * n_sweeps) // 8))  # several ladder updates while adapting
    driver.check_memory(model, K * C, c, n_sweeps, "tempering.anneal")
    pairs = cluster_pairs(K, C, "tempering.anneal") if cluster else None
    plan = np.array([n_sweeps, adapt] + ([1.0] if cluster else []), float)  # a resume must match (cluster too)
    host, compile_time, prior, interrupted = Ladder(b, np.zeros(K - 1)), 0.0, driver.Prior(), False
    if resume is not None:
        state, host, (key, seed), prior = _resumed(resume, model, update, given_seed, K * C, b_init, plan)
    else:
        base, compile_time, interrupted = simulated.initial(jax.random.fold_in(key, 0x7FFFFFFF), model, K * C)
        z = jnp.zeros(K - 1, jnp.float32)
        state = PTState(base, z, z)
    state = PTState(driver.shard_state(state.base, mesh), *(sharding.put(x, mesh) for x in state[1:]))

    def snapshot(loop, trace):
        (s, h), wall = loop.state, prior.elapsed + time.perf_counter() - t_start
        return dict(**ckpt.state_arrays(s.base), accepted=sharding.to_host(s.accepted),
                    attempted=sharding.to_host(s.attempted), **ckpt.common_arrays(key, seed, loop.done, trace, wall),
                    ladder=np.asarray(h.betas), acceptance=np.asarray(h.acceptance), initial_ladder=b_init, plan=plan,
                    **ckpt.identity_arrays(ckpt.identity("tempering", model, update, False)))

    try:  # from here on, Ctrl-C keeps the state and writes the checkpoint
        if interrupted:
            raise KeyboardInterrupt  # pressed while the initial state was made
        classes = coloring.greedy(model) if classes is None else coloring.validate(model, classes)
        advance, args = _advance(key, model, classes, c, adapt, n_sweeps, mesh, update, pairs)
        pos, kw = args(state, host, prior.done, c)
        compile_time += driver.compile_seconds(_sweeps_jit, *pos, **kw)
        loop = driver.run(advance, (state, host), total=n_sweeps, chunk=c, prior=prior, t_start=t_start,
                          best_energy=lambda s: s[0].base.best_energy, target_energy=target_energy,
                          time_limit=time_limit, progress=progress, checkpoint=checkpoint, snapshot=snapshot)
    except KeyboardInterrupt:  # before the first chunk: keep the state, write the checkpoint
        loop = driver.before_first_chunk((state, host), prior, checkpoint=checkpoint, snapshot=snapshot)
    state, host = loop.state
    res = driver.result(model, state.base, loop, prior, t_start=t_start, compile_time=compile_time,
                        schedule=np.asarray(host.betas), seed=seed, method="tempering")
    return res, host


def _resumed(path, model, update, given_seed, columns: int, b_init, plan):
    """``(state, ladder, (key, seed), prior)`` from a checkpoint of this very run (else a ValueError by name)."""
    ck = ckpt.load(path)
    ckpt.check_identity(ck, path, "tempering.anneal", ckpt.identity("tempering", model, update, False), given_seed)
    ckpt.check_resume(ck, path, "tempering.anneal", (ising.n_spins(model), columns),
                      ("initial_ladder", b_init, "ladder / n_rungs"), ("plan", plan, "n_sweeps, adapt and cluster"))
    state = PTState(State(*(jnp.asarray(ck[f]) for f in State._fields)), jnp.asarray(ck["accepted"]),
                    jnp.asarray(ck["attempted"]))
    host = Ladder(np.asarray(ck["ladder"], np.float64), np.asarray(ck["acceptance"], np.float64))
    return state, host, ckpt.key_of(ck), driver.prior_from(ck)


def _advance(key, model, classes, c: int, adapt: float, n_sweeps: int, mesh, update, pairs=None):
    """The loop's ``advance`` for :func:`anneal` (state = (PTState, Ladder)) and the jitted chunk's arguments."""
    n = ising.n_spins(model)
    rule = rules.as_rule(update)
    model_d = sharding.put_tree(model, mesh)
    half = sharding.put_tree(gibbs.half_edges(model), mesh)
    cls = sharding.put(jnp.asarray(coloring.padded(classes, n)), mesh)

    def args(state, host, start, m):
        betas = sharding.put(jnp.asarray(host.betas, jnp.float32), mesh)
        return (key, model_d, cls, state, betas, jnp.int32(start), jnp.int32(start + m)), dict(n=c, update=rule,
                                                                                               half=half, pairs=pairs)

    def advance(carry, done, m):
        """One chunk of sweeps and swaps, then (while adapting) a ladder update from its swap counts."""
        state, host = carry
        pos, kw = args(state, host, done, m)
        new, tb, tm = _sweeps_jit(*pos, **kw)
        tb, tm = np.asarray(tb)[:m], np.asarray(tm)[:m]  # wait for the chunk before touching the ladder
        rate = np.asarray(new.accepted) / np.maximum(np.asarray(new.attempted), 1)
        betas = host.betas
        if adapt and done + m <= adapt * n_sweeps:
            betas = exchange.adapt_ladder(host.betas, new.accepted, new.attempted)
            z = sharding.put(jnp.zeros_like(new.accepted), mesh)
            new = new._replace(accepted=z, attempted=z)
        return (new, Ladder(betas, rate)), ChunkTrace(tb, tm)

    return advance, args
