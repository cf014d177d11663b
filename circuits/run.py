"""Chunked ``lax.scan`` driver for annealing: time limit, target, progress, checkpoint/resume.

A run is a scan over sweeps cut into chunks of static length. Between chunks (in Python) the driver
checks a wall-clock ``time_limit``, a ``target_energy``, an ``interrupt`` callback and Ctrl-C, draws a
progress bar and writes a checkpoint. The key of sweep t is ``fold_in(key, t)``, so the result does not
depend on the chunk size or on stopping and resuming: a run is reproducible bit for bit from its key.

Energies are tracked incrementally (the energy change of a colour-class update is exact and costs no
extra field evaluation; exact in float32 for integer couplings) and not re-synchronised between chunks,
so that chunking cannot change a run; the reported best energy is re-computed from the best state. The
best state of every replica is kept (best-so-far tracking).
"""
from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path
from typing import Callable, NamedTuple, Optional

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits import anneal as schedules
from circuits import coloring, gibbs, ising, pbit, prng


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
        wall_time: seconds for the whole call (including compilation, if any).
        spin_updates_per_s: ``n * R * sweeps / wall_time``.
        schedule: (sweeps,) betas actually used (or (sweeps, R) for tempering ladders).
        seed: the integer seed, if the key came from one.
        stopped: "done", "target", "time_limit", "interrupt" or "keyboard".
        method: "anneal" or "tempering".
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


def init_state(key, model: ising.IsingModel, n_replicas: int, spins=None) -> State:
    """Random (or given (R, n)) initial spins and their energies."""
    n = ising.n_spins(model)
    if spins is None:
        st = jnp.where(jax.random.bernoulli(key, 0.5, (n, n_replicas)), 1, -1).astype(jnp.int8)
    else:
        s = np.asarray(spins)
        if s.shape != (n_replicas, n) or not np.all(np.abs(s) == 1):
            raise ValueError(f"run: argument 'spins' must be ({n_replicas}, {n}) of +/-1, got shape {s.shape}")
        st = jnp.asarray(s.T, jnp.int8)
    e = gibbs.energy_t(model, st)
    return State(st, e, st, e)


@jax.jit
def _chunk(key, model, classes, state, betas, t0, t_end, update):
    """Advance sweeps t0..t_end-1 (at most ``len(betas)``; a shorter last chunk skips the rest with
    ``lax.cond`` instead of compiling a second length). Returns (state, best (c,), mean (c,))."""
    ts = t0 + jnp.arange(betas.shape[0])

    def sweep(s, t, beta):
        return gibbs.sweep_t(jax.random.fold_in(key, t), model, classes, s.spins, beta, update)

    def skip(s, t, beta):
        return s.spins, jnp.zeros_like(s.energy)

    def body(s: State, xs):
        t, beta = xs
        st, de = lax.cond(t < t_end, sweep, skip, s, t, beta)
        e = s.energy + de
        better = e < s.best_energy
        best_st = jnp.where(better[None, :], st, s.best_spins)
        best_e = jnp.where(better, e, s.best_energy)
        return State(st, e, best_st, best_e), (jnp.min(best_e), jnp.mean(e))

    state, (tb, tm) = lax.scan(body, state, (ts, betas))
    return state, tb, tm


def chunk_size(model: ising.IsingModel, n_replicas: int, n_sweeps: int, work: float = 1e9) -> int:
    """Sweeps per chunk: about ``work`` neighbour visits per chunk (a fraction of a second), power of 2."""
    d = ising.n_spins(model) if ising.is_dense(model) else int(model.nbr.shape[1])
    c = max(1, int(work / max(1, ising.n_spins(model) * d * n_replicas)))
    c = 1 << (c.bit_length() - 1)
    return int(min(c, n_sweeps))


class _Progress:
    def __init__(self, total, enabled):
        self.total, self.enabled, self.t0 = total, enabled, time.perf_counter()

    def __call__(self, done, best):
        if not self.enabled:
            return
        frac = done / max(1, self.total)
        bar = "#" * int(30 * frac)
        sys.stderr.write(f"\r[{bar:<30}] {done}/{self.total} sweeps  best E {best:.6g}  "
                         f"{time.perf_counter() - self.t0:.1f} s")
        sys.stderr.flush()

    def close(self):
        if self.enabled:
            sys.stderr.write("\n")


def save_checkpoint(path, **arrays) -> None:
    """Write a checkpoint atomically (``.npz``; written to a temporary name, then renamed)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)


def load_checkpoint(path) -> dict:
    """Read a checkpoint written by :func:`save_checkpoint`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"run: checkpoint file '{path}' does not exist")
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def _key(seed_or_key):
    """An integer seed gives a key of the fast generator :data:`circuits.prng.FAST`."""
    if isinstance(seed_or_key, (int, np.integer)):
        return prng.key(int(seed_or_key)), int(seed_or_key)
    return seed_or_key, None


def anneal(key, model: ising.IsingModel, betas=None, *, n_sweeps: int = 1000, n_replicas: int = 16,
           classes=None, update: Callable = pbit.behavioural, spins=None, chunk: int | None = None,
           time_limit: float | None = None, target_energy: float | None = None,
           interrupt: Callable[[], bool] | None = None, progress: bool = False,
           checkpoint: str | Path | None = None, resume: str | Path | None = None) -> Result:
    """Simulated annealing of R replicas with chromatic Gibbs sweeps of p-bits.

    Args:
        key: PRNG key, or an integer seed (then the fast generator ``prng.key(seed)`` is used).
        model: the IsingModel (dense or sparse).
        betas: (n_sweeps,) schedule; default geometric over :func:`circuits.anneal.default_beta_range`.
        n_sweeps: sweeps when ``betas`` is None.
        n_replicas: R independent replicas.
        classes: colour classes (default ``coloring.greedy(model)``).
        update: p-bit update rule ``update(key, field, beta, spins)``.
        spins: optional (R, n) initial spins (default random).
        chunk: sweeps per chunk (default about 3e7 neighbour visits).
        time_limit: wall-clock seconds from the call (compilation included); checked between chunks,
            after at least one chunk.
        target_energy: stop when any replica reaches ``E <= target_energy``.
        interrupt: callable checked between chunks; True stops the run.
        progress: draw a progress bar on stderr.
        checkpoint: write the state to this ``.npz`` file after every chunk and on stop.
        resume: continue from this checkpoint (same model, R and schedule); ``key`` is taken from it.

    Returns:
        A :class:`Result`.

    Example:
        >>> m = ising.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)], [-1.0] * 4)
        >>> anneal(0, m, n_sweeps=50, n_replicas=4).best_energy
        -4.0
    """
    t_start = time.perf_counter()
    key, seed = _key(key)
    classes = coloring.greedy(model) if classes is None else coloring.validate(model, classes)
    cls = jnp.asarray(coloring.padded(classes, ising.n_spins(model)))
    if betas is None:
        b0, b1 = schedules.default_beta_range(model)
        betas = schedules.geometric(b0, b1, n_sweeps)
    betas = schedules.check_schedule(betas, "run.anneal")
    if int(n_replicas) != n_replicas or n_replicas < 1:
        raise ValueError(f"run.anneal: argument 'n_replicas' must be a positive integer, got {n_replicas!r}")
    n, R, total = ising.n_spins(model), int(n_replicas), int(betas.shape[0])
    done, trace_best, trace_mean, trace_time, trace_sweep, elapsed0 = 0, [], [], [], [], 0.0
    if resume is not None:
        ck = load_checkpoint(resume)
        if ck["spins"].shape != (n, R):
            raise ValueError(f"run.anneal: checkpoint '{resume}' holds spins of shape {ck['spins'].shape[::-1]} "
                             f"(R, n) but this run has ({R}, {n}); use the same model and --replicas")
        if not np.array_equal(ck["schedule"], np.asarray(betas)):
            raise ValueError(f"run.anneal: checkpoint '{resume}' was made with another schedule; use the same "
                             "sweeps/beta range")
        key = jax.random.wrap_key_data(jnp.asarray(ck["key"]), impl=prng.resolve(str(ck["key_impl"])))
        seed = int(ck["seed"]) if int(ck["seed"]) >= 0 else None
        state = State(*(jnp.asarray(ck[f]) for f in State._fields))
        done = int(ck["sweeps"])
        trace_best, trace_mean = [ck["trace_best"]], [ck["trace_mean"]]
        trace_time, trace_sweep = list(ck["trace_time"]), list(ck["trace_sweep"])
        elapsed0 = float(ck["wall_time"])
    else:
        state = init_state(jax.random.fold_in(key, -1 & 0x7FFFFFFF), model, R, spins)
    c = chunk or chunk_size(model, R, total)
    rule = pbit.as_rule(update)
    bar = _Progress(total, progress)
    stopped = "done"

    def snapshot():
        return dict(spins=np.asarray(state.spins), energy=np.asarray(state.energy),
                    best_spins=np.asarray(state.best_spins), best_energy=np.asarray(state.best_energy),
                    key=np.asarray(jax.random.key_data(key)), key_impl=np.array(str(jax.random.key_impl(key))),
                    seed=np.array(-1 if seed is None else seed), sweeps=np.array(done),
                    schedule=np.asarray(betas), trace_best=np.concatenate(trace_best) if trace_best else np.zeros(0),
                    trace_mean=np.concatenate(trace_mean) if trace_mean else np.zeros(0),
                    trace_time=np.asarray(trace_time, float), trace_sweep=np.asarray(trace_sweep, int),
                    wall_time=np.array(elapsed0 + time.perf_counter() - t_start))

    try:
        while done < total:
            if target_energy is not None and float(jnp.min(state.best_energy)) <= target_energy:
                stopped = "target"
                break
            if time_limit is not None and done > 0 and time.perf_counter() - t_start >= time_limit:
                stopped = "time_limit"
                break
            if interrupt is not None and interrupt():
                stopped = "interrupt"
                break
            m = min(c, total - done)
            bs = jnp.asarray(np.resize(np.asarray(betas)[done:done + m], c))  # padded, skipped by t_end
            new, tb, tm = _chunk(key, model, cls, state, bs, jnp.int32(done), jnp.int32(done + m), rule)
            tb, tm = np.asarray(tb)[:m], np.asarray(tm)[:m]  # waits for the chunk
            state, done = new, done + m
            trace_best.append(tb)
            trace_mean.append(tm)
            trace_time.append(elapsed0 + time.perf_counter() - t_start)
            trace_sweep.append(done)
            bar(done, float(tb[-1]))
            if checkpoint is not None:
                save_checkpoint(checkpoint, **snapshot())
        else:
            if target_energy is not None and float(jnp.min(state.best_energy)) <= target_energy:
                stopped = "target"
    except KeyboardInterrupt:
        stopped = "keyboard"
    bar.close()
    if checkpoint is not None:
        save_checkpoint(checkpoint, **snapshot())
    return _result(model, state, trace_best, trace_mean, trace_time, trace_sweep, done, R, n,
                   elapsed0 + time.perf_counter() - t_start, np.asarray(betas)[:done], seed, stopped, "anneal")


def _result(model, state, trace_best, trace_mean, trace_time, trace_sweep, done, R, n, wall, schedule, seed,
            stopped, method) -> Result:
    be = np.asarray(state.best_energy)
    r = int(np.argmin(be))
    exact_best = float(gibbs.energy_t(model, state.best_spins[:, r:r + 1])[0])
    return Result(
        best_energy=exact_best, best_spins=np.asarray(state.best_spins)[:, r].copy(), replica_best_energy=be,
        final_spins=np.asarray(state.spins).T.copy(),
        trace_best=np.concatenate(trace_best) if trace_best else np.zeros(0),
        trace_mean=np.concatenate(trace_mean) if trace_mean else np.zeros(0),
        trace_time=np.asarray(trace_time, float), trace_sweep=np.asarray(trace_sweep, int), sweeps=int(done),
        n_replicas=R, wall_time=float(wall), spin_updates_per_s=float(n * R * done / max(wall, 1e-12)),
        schedule=schedule, seed=seed, stopped=stopped, method=method)
