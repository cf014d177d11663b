"""What every annealer shares: the sampler state, chunk sizes, compile timing, the chunked run with an energy
target, checkpoints between chunks, and the :class:`Result`.

A run is a scan over sweeps cut into chunks of static length, driven by the one chunked loop of the project
(:func:`pbits.runtime.chunks.run_chunks`: time limit, target, ``progress`` callback, Ctrl-C, checkpoint). The
key of sweep t is ``fold_in(key, t)``, so the result does not depend on the chunk size or on stopping and
resuming: a run is reproducible bit for bit from its key (docs/methods.md §5).

Timing: a driver compiles its chunk function ahead of time (:func:`compile_seconds`, cached by JAX) before the
first chunk, so :class:`Result` reports ``compile_time`` apart from ``run_time`` and the spin updates per second
are those of the run alone.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, NamedTuple, Optional

import jax.numpy as jnp
import numpy as np
from jax import Array

from circuits.annealing import checkpoint as ckpt
from circuits.model import ising
from pbits.runtime import chunks, memory, sharding


class State(NamedTuple):
    """Sampler state, replicas on the trailing axis.

    Attributes:
        spins: (n, R) int8 current spins.
        energy: (R,) float32 current energies.
        best_spins: (n, R) int8 best state seen by each replica.
        best_energy: (R,) float32 best energy seen by each replica.
    """

    spins: Array
    energy: Array
    best_spins: Array
    best_energy: Array


class ChunkTrace(NamedTuple):
    """The record of one chunk: per sweep, the best-so-far and the mean current energy over replicas."""

    best: np.ndarray  # (m,) best energy over all replicas after each sweep of the chunk
    mean: np.ndarray  # (m,) mean current energy over replicas after each sweep


class Trace(NamedTuple):
    """The trace of a whole run (all calls, a resumed run included)."""

    best: np.ndarray  # (sweeps,) best-so-far energy after each sweep
    mean: np.ndarray  # (sweeps,) mean current energy after each sweep
    time: np.ndarray  # (chunks,) wall seconds since the start at the end of each chunk [s]
    sweep: np.ndarray  # (chunks,) sweeps done at the end of each chunk


class Result(NamedTuple):
    """Outcome of a run (numpy/Python values).

    Attributes:
        best_energy: lowest energy seen by any replica (re-computed exactly from ``best_spins``).
        best_spins: (n,) int8 state with that energy.
        replica_best_energy: (R,) best energy of each replica.
        final_spins: (R, n) int8 final states.
        trace_best: (sweeps,) best-so-far energy (all replicas) after each sweep.
        trace_mean: (sweeps,) mean current energy over replicas after each sweep.
        trace_time: (chunks,) wall seconds since the start at the end of each chunk.
        trace_sweep: (chunks,) sweeps done at the end of each chunk.
        sweeps: sweeps done.
        n_replicas: R.
        wall_time: seconds for the whole call (including compilation, if any); on resume, all calls.
        spin_updates_per_s: ``n * R * sweeps / run_time`` (sweeps of this call).
        schedule: (sweeps,) betas actually used, or the lazy schedule itself
            (:class:`circuits.annealing.schedules.Geometric`), or the final (K,) ladder for tempering.
        seed: the integer seed, if the key came from one.
        stopped: "done", "target", "time_limit", "interrupt" or "keyboard".
        method: "anneal" or "tempering".
        compile_time: seconds spent tracing and compiling the chunk function in this call (0 when it was
            already compiled for these shapes).
        run_time: ``wall_time - compile_time`` of this call: set-up, sweeps and transfers.
        packed: True when the sweeps ran on byte-packed replicas (:mod:`circuits.sampling.packed`).
        dense: True when the sweeps were the dense model's blocked sequential sweeps (:mod:`circuits.sampling.dense`).
        replica_best_spins: (R, n) int8 best state of each replica (``replica_best_energy`` is its energy).
    """

    best_energy: float
    best_spins: np.ndarray
    replica_best_energy: np.ndarray
    final_spins: np.ndarray
    trace_best: np.ndarray
    trace_mean: np.ndarray
    trace_time: np.ndarray
    trace_sweep: np.ndarray
    sweeps: int
    n_replicas: int
    wall_time: float
    spin_updates_per_s: float
    schedule: np.ndarray
    seed: Optional[int]
    stopped: str
    method: str
    compile_time: float = 0.0
    run_time: float = 0.0
    packed: bool = False
    dense: bool = False
    replica_best_spins: Optional[np.ndarray] = None


def compile_seconds(fn, *args, **static) -> float:
    """Trace and compile ``fn`` (a jitted chunk function) for these arguments; returns the seconds spent.

    Ahead-of-time ``lower(...).compile()`` fills the same cache as a call, so the chunks that follow
    run without compiling and a second run with the same shapes costs about a millisecond here.
    """
    t = time.perf_counter()
    fn.lower(*args, **static).compile()
    return time.perf_counter() - t


def chunk_size(model: ising.IsingModel, n_replicas: int, n_sweeps: int, work: float = 4e9,
               most: int = 1024) -> int:
    """Sweeps per chunk: about ``work`` neighbour visits (a fraction of a second; fewer chunks, less
    overhead per sweep), at most ``most`` sweeps (few replicas cost more per visit: G81 with one replica
    takes 0.3 ms per sweep), a power of 2.

    Example:
        >>> chunk_size(ising.from_edges(4, [(0, 1), (1, 2)]), 8, 5000)
        1024
    """
    d = ising.n_spins(model) if ising.is_dense(model) else int(model.nbr.shape[1])
    c = max(1, min(int(most), int(work / max(1, ising.n_spins(model) * d * n_replicas))))
    c = 1 << (c.bit_length() - 1)
    return int(min(c, n_sweeps))


def check_memory(model: ising.IsingModel, n_replicas: int, chunk: int, n_sweeps: int, where: str) -> None:
    """Refuse, before anything is allocated, an annealing run that would not fit in memory: spins, best states and
    fields of R replicas (about 12 bytes per spin and replica), neighbour and packed tables (about 16 bytes per
    slot), the per-sweep traces of a chunk (8 bytes per replica and sweep) and of the run (16 bytes per sweep)."""
    n = ising.n_spins(model)
    d = n if ising.is_dense(model) else int(model.nbr.shape[1])
    need = 12.0 * n * n_replicas + 16.0 * n * d + 8.0 * chunk * n_replicas + 16.0 * n_sweeps
    memory.check(need, where, f"{n} spins x {n_replicas} replicas, {d} couplings per spin, {n_sweeps} sweeps",
                 "the replica count or the sweeps")


def shard_state(state: State, mesh) -> State:
    """Place a :class:`State` on ``mesh``: every field is sharded over its trailing replica axis."""
    if mesh is None:
        return state
    return State(*(sharding.put(x, mesh, x.ndim - 1) for x in state))


class Prior(NamedTuple):
    """What a resumed run brings from its checkpoint (empty for a fresh run)."""

    done: int = 0  # sweeps done before this call
    elapsed: float = 0.0  # wall seconds of the earlier calls [s]
    trace: Trace = Trace(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0, int))


def prior_from(ck: dict) -> Prior:
    """The :class:`Prior` stored in a checkpoint (see :func:`circuits.annealing.checkpoint.common_arrays`)."""
    tr = Trace(ck["trace_best"], ck["trace_mean"], np.asarray(ck["trace_time"], float),
               np.asarray(ck["trace_sweep"], int))
    return Prior(int(ck["sweeps"]), float(ck["wall_time"]), tr)


def trace_of(loop: chunks.Loop, prior: Prior) -> Trace:
    """The whole run's :class:`Trace`: the prior's followed by this call's chunk records."""
    best = [prior.trace.best] + [r.best for r in loop.records]
    mean = [prior.trace.mean] + [r.mean for r in loop.records]
    return Trace(np.concatenate(best), np.concatenate(mean), np.concatenate([prior.trace.time, loop.times]),
                 np.concatenate([prior.trace.sweep, loop.dones]).astype(int))


def run(advance, state, *, total: int, chunk: int, prior: Prior, t_start: float, best_energy: Callable,
        target_energy: float | None = None, time_limit: float | None = None, progress: Callable | None = None,
        checkpoint: str | Path | None = None, snapshot: Callable | None = None) -> chunks.Loop:
    """The chunked run of an annealer: :func:`pbits.runtime.chunks.run_chunks` with an energy target and
    checkpoints.

    ``advance(state, done, m) -> (state, ChunkTrace)``; ``best_energy(state)`` gives the (R,) best energies for
    the target (stop when any replica has ``E <= target_energy``); ``snapshot(loop, trace) -> dict`` gives the
    arrays of a checkpoint, written to ``checkpoint`` after every chunk and on stop (Ctrl-C included).
    """
    def stop(state, done):
        if target_energy is not None and float(jnp.min(best_energy(state))) <= target_energy:
            return "target"
        return None

    def save(loop):
        ckpt.save(checkpoint, **snapshot(loop, trace_of(loop, prior)))

    return chunks.run_chunks(advance, state, total=total, chunk=chunk, done=prior.done, time_limit=time_limit,
                             stop=stop, progress=progress, save=None if checkpoint is None else save,
                             t_start=t_start, elapsed0=prior.elapsed)


def before_first_chunk(state, prior: Prior, *, checkpoint=None, snapshot: Callable | None = None) -> chunks.Loop:
    """The :class:`pbits.runtime.chunks.Loop` of a run stopped by Ctrl-C before its first chunk (while compiling):
    no sweep done, the state kept, and the checkpoint written so that ``resume`` continues from here."""
    loop = chunks.Loop(state, prior.done, "keyboard", (), np.zeros(0), np.zeros(0, int))
    if checkpoint is not None:
        ckpt.save(checkpoint, **snapshot(loop, trace_of(loop, prior)))
    return loop


def result(model: ising.IsingModel, state: State, loop: chunks.Loop, prior: Prior, *, t_start: float,
           compile_time: float, schedule, seed, method: str, packed: bool = False, dense: bool = False,
           score: Callable = ising.energy_exact) -> Result:
    """Assemble a :class:`Result`: the best state re-scored exactly (``score(model, spins)``, default
    :func:`circuits.model.ising.energy_exact`) and the spin updates per second of this call's sweeps."""
    wall = time.perf_counter() - t_start
    run_time = wall - compile_time
    be = sharding.to_host(state.best_energy)
    best_spins = sharding.to_host(state.best_spins)
    r = int(np.argmin(be))
    n, R = best_spins.shape
    tr = trace_of(loop, prior)
    return Result(
        best_energy=float(score(model, best_spins[:, r])), best_spins=best_spins[:, r].copy(),
        replica_best_energy=be, final_spins=sharding.to_host(state.spins).T.copy(), trace_best=tr.best,
        trace_mean=tr.mean, trace_time=tr.time, trace_sweep=tr.sweep, sweeps=int(loop.done), n_replicas=R,
        wall_time=float(prior.elapsed + wall),
        spin_updates_per_s=float(n * R * (loop.done - prior.done) / max(run_time, 1e-12)), schedule=schedule,
        seed=seed, stopped=loop.stopped, method=method, compile_time=float(compile_time), run_time=float(run_time),
        packed=bool(packed), dense=bool(dense), replica_best_spins=best_spins.T.copy())


def check_replicas(n_replicas, where: str) -> int:
    """``n_replicas`` as a positive int, or a ValueError naming ``where``."""
    if isinstance(n_replicas, bool) or int(n_replicas) != n_replicas or n_replicas < 1:
        raise ValueError(f"{where}: argument 'n_replicas' must be a positive integer, got {n_replicas!r}")
    return int(n_replicas)

