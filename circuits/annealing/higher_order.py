"""Simulated annealing of higher-order p-bit networks (:mod:`circuits.model.hubo`): :func:`anneal`.

Each sweep updates every colour class of the factor hypergraph (:func:`circuits.sampling.higher.column_sweep`) of
every replica at the beta of the schedule; after every sweep the energies of all replicas are computed afresh and
the best state of every replica is kept, as in :mod:`circuits.annealing.simulated`. The run is the project's one
chunked loop (:func:`circuits.annealing.driver.run`: time limit, energy target, ``progress``, Ctrl-C), the key of
sweep t is ``fold_in(key, t)`` (the result does not depend on the chunk size), and the reported best energy is
re-scored in float64 (:func:`circuits.model.hubo.energy_exact`). The default schedule is geometric over the beta
range that :func:`circuits.annealing.schedules.beta_range` gives for this model's own single-flip energy changes
(docs/methods.md §5). Not yet supported here: checkpoints, resume and sharding over devices.
"""
from __future__ import annotations

import time
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from circuits.annealing import driver, schedules
from circuits.annealing.driver import ChunkTrace, Result, State
from circuits.model import hubo
from circuits.sampling import coloring, higher, rules
from pbits.runtime import memory, prng


def energy_changes(model: hubo.Hubo, n_states: int | None = None, seed: int = 0) -> np.ndarray:
    """Single-flip energy changes ``dE_i = 2 s_i I_i`` (:func:`circuits.model.hubo.local_field`) of ``n_states``
    uniform random states (default: 4 to 32, about 2^22 gathered spins in all) from numpy's generator with ``seed``
    (a function of the model alone); float64, flat.

    Example:
        >>> sorted(set(energy_changes(hubo.from_dict({(0, 1, 2): 1.0})).tolist()))
        [-2.0, 2.0]
    """
    n = hubo.n_spins(model)
    n_states = n_states or int(np.clip(2**22 // max(1, np.size(model.others)), 4, 32))
    s = np.where(np.random.default_rng(seed).random((n_states, n)) < 0.5, -1.0, 1.0)
    return (2.0 * s * np.asarray(hubo.local_field(model, jnp.asarray(s, jnp.float32)), np.float64)).ravel()


def default_beta_range(model: hubo.Hubo) -> tuple[float, float]:
    """``(beta0, beta1)`` [1/energy] from the model's own energy changes
    (:func:`circuits.annealing.schedules.beta_range` of :func:`energy_changes`).

    Example:
        >>> [round(b, 3) for b in default_beta_range(hubo.from_dict({(0, 1, 2): 1.0, (1, 2, 3): 1.0}))]
        [0.502, 3.454]
    """
    return schedules.beta_range(energy_changes(model), hubo.n_spins(model))


def chunk_size(model: hubo.Hubo, n_replicas: int, n_sweeps: int, work: float = 4e9, most: int = 1024) -> int:
    """Sweeps per chunk: about ``work`` spin gathers (n x term slots x other spins x replicas per sweep), at most
    ``most``, a power of 2 (as :func:`circuits.annealing.driver.chunk_size`).

    Example:
        >>> chunk_size(hubo.from_dict({(0, 1, 2): 1.0}), 16, 5000)
        1024
    """
    _, d, k = np.shape(model.others)
    c = max(1, min(int(most), int(work / max(1, hubo.n_spins(model) * d * k * n_replicas))))
    return int(min(1 << (c.bit_length() - 1), n_sweeps))


initial_energy = jax.jit(higher.column_energy)


def anneal(key, model: hubo.Hubo, betas=None, *, n_sweeps: int = 1000, n_replicas: int = 16, classes=None,
           update: Callable = rules.behavioural, spins=None, chunk: int | None = None, time_limit: float | None = None,
           target_energy: float | None = None, progress: Callable | None = None) -> Result:
    """Simulated annealing of R replicas of a higher-order model with chromatic Gibbs sweeps of p-bits.

    Args:
        key: PRNG key, or an integer seed (then the fast generator ``prng.key(seed)`` is used).
        model: the :class:`circuits.model.hubo.Hubo`.
        betas: (n_sweeps,) schedule [1/energy] or a lazy :class:`circuits.annealing.schedules.Geometric`; default
            the lazy geometric schedule over :func:`default_beta_range` with ``n_sweeps`` sweeps.
        n_sweeps: sweeps when ``betas`` is None.
        n_replicas: R independent replicas.
        classes: colour classes (default :func:`circuits.sampling.higher.greedy`).
        update: p-bit rule ``update(key, field, beta, spins)``, e.g. ``rules.behavioural`` or ``rules.metropolis``.
        spins: optional (R, n) +/-1 initial spins (default uniformly random).
        chunk: sweeps per chunk (default :func:`chunk_size`).
        time_limit: wall-clock seconds from the call (compilation included), checked between chunks.
        target_energy: stop when any replica reaches ``E <= target_energy``.
        progress: ``progress(sweeps_done, total, ChunkTrace) -> bool | None`` after every chunk; True stops the run.

    Returns:
        A :class:`circuits.annealing.driver.Result` (``best_energy`` re-scored in float64).

    Example:
        >>> m = hubo.from_dict({(0, 1, 2): 1.0, (1, 2, 3): 1.0, (0, 3): -1.0})
        >>> anneal(0, m, n_sweeps=50, n_replicas=4).best_energy
        -3.0
    """
    t_start, where = time.perf_counter(), "higher_order.anneal"
    key, seed = prng.key_and_seed(key)
    n = hubo.n_spins(hubo.check(model, where))
    rules.check(update, n, where)
    if betas is None:
        betas = schedules.lazy_geometric(*default_beta_range(model), n_sweeps)
    if not isinstance(betas, schedules.Geometric):
        betas = np.asarray(schedules.check_schedule(betas, where))
    R, total = driver.check_replicas(n_replicas, where), schedules.length(betas)
    c = chunk or chunk_size(model, R, total)
    memory.check(3.0 * n * R + 16.0 * np.size(model.others) + 8.0 * c * R + 16.0 * total, where,
                 f"{n} spins x {R} replicas, {np.shape(model.others)[1]} terms per spin, {total} sweeps",
                 "the replica count or the sweeps")
    classes = higher.greedy(model) if classes is None else higher.validate(model, classes)
    state, prior = _initial(jax.random.fold_in(key, -1 & 0x7FFFFFFF), model, R, spins, where), driver.Prior()
    cls, rule = jnp.asarray(coloring.padded(classes, n)), rules.as_rule(update)

    def args(state, start, m):
        bs = jnp.asarray(np.resize(schedules.segment(betas, start, m), c))  # padded; sweeps >= t_end are skipped
        return key, model, cls, state, bs, jnp.int32(start), jnp.int32(start + m), rule

    def advance(state, done, m):
        state, tb, tm = _chunk(*args(state, done, m))
        return state, ChunkTrace(np.asarray(tb)[:m], np.asarray(tm)[:m])

    compile_time = 0.0
    try:  # Ctrl-C while compiling keeps the initial state
        compile_time = driver.compile_seconds(_chunk, *args(state, 0, min(c, total)))
        loop = driver.run(advance, state, total=total, chunk=c, prior=prior, t_start=t_start,
                          best_energy=lambda s: s.best_energy, target_energy=target_energy, time_limit=time_limit,
                          progress=progress)
    except KeyboardInterrupt:
        loop = driver.before_first_chunk(state, prior)
    return driver.result(model, loop.state, loop, prior, t_start=t_start, compile_time=compile_time,
                         schedule=betas if isinstance(betas, schedules.Geometric) else betas[:loop.done], seed=seed,
                         method="anneal", score=hubo.energy_exact)


def _initial(key, model, n_replicas: int, spins, where: str) -> State:
    """Random (or given (R, n)) initial spins and their energies, as a column-layout :class:`State`."""
    n = hubo.n_spins(model)
    if spins is None:
        st = jnp.where(jax.random.bernoulli(key, 0.5, (n, n_replicas)), 1, -1).astype(jnp.int8)
    else:
        s = np.asarray(spins)
        if s.shape != (n_replicas, n) or not np.all(np.abs(s) == 1):
            raise ValueError(f"{where}: argument 'spins' must be ({n_replicas}, {n}) of +/-1, got shape {s.shape}")
        st = jnp.asarray(s.T, jnp.int8)
    e = initial_energy(model, st)
    return State(st, e, st, e)


@jax.jit
def _chunk(key, model, classes, state, betas, t0, t_end, update):
    """Advance sweeps t0..t_end-1 (at most ``len(betas)``) in a ``fori_loop`` with a traced trip count (a shorter
    last chunk reuses the compiled function). Returns (state, best (c,), mean (c,)); entries past ``t_end - t0``
    are 0."""
    def body(i, carry):
        s, tb, tm = carry
        st = higher.column_sweep(jax.random.fold_in(key, t0 + i), model, classes, s.spins, betas[i], update)
        e = higher.column_energy(model, st)
        better = e < s.best_energy
        s = State(st, e, jnp.where(better[None, :], st, s.best_spins), jnp.where(better, e, s.best_energy))
        return s, tb.at[i].set(s.best_energy), tm.at[i].set(e)

    z = jnp.zeros((betas.shape[0],) + state.energy.shape, jnp.float32)
    state, tb, tm = lax.fori_loop(0, jnp.minimum(t_end - t0, betas.shape[0]), body, (state, z, z))
    return state, jnp.min(tb, 1), jnp.mean(tm, 1)
