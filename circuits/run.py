"""Chunked ``lax.scan`` driver for annealing: time limit, target, progress, checkpoint/resume.

A run is a scan over sweeps cut into chunks of static length. Between chunks (in Python) the driver
checks a wall-clock ``time_limit``, a ``target_energy``, an ``interrupt`` callback and Ctrl-C, draws a
progress bar and writes a checkpoint. The key of sweep t is ``fold_in(key, t)``, so the result does not
depend on the chunk size or on stopping and resuming: a run is reproducible bit for bit from its key.

After every sweep the energies of all replicas are computed afresh (:func:`circuits.gibbs.energy_t`, or
:func:`circuits.packed.energy` for byte-packed replicas; exact in float32 for integer couplings; on a CPU
this is cheaper than accumulating the energy changes of the colour-class updates, see there); the
reported best energy is re-computed in float64 from the best state. The best state of every replica is
kept (best-so-far tracking).

Timing: the chunk function is compiled ahead of time (``lower().compile()``, cached by JAX) before the
first chunk, so :class:`Result` reports ``compile_time`` apart from ``run_time`` and the spin updates
per second are those of the run alone. ``mesh=`` shards the replicas over devices
(:mod:`circuits.distributed`) without changing the result.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable, NamedTuple, Optional

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits import anneal as schedules
from circuits import checkpoint as ckpt
from circuits import coloring, distributed, gibbs, ising, pbit, prng
from circuits import packed as packing
from circuits.checkpoint import load_checkpoint, save_checkpoint  # noqa: F401  (public names)


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
        wall_time: seconds for the whole call (including compilation, if any); on resume, all calls.
        spin_updates_per_s: ``n * R * sweeps / run_time`` (sweeps of this call).
        schedule: (sweeps,) betas actually used (or (sweeps, R) for tempering ladders).
        seed: the integer seed, if the key came from one.
        stopped: "done", "target", "time_limit", "interrupt" or "keyboard".
        method: "anneal" or "tempering".
        compile_time: seconds spent tracing and compiling the chunk function in this call (0 when it was
            already compiled for these shapes).
        run_time: ``wall_time - compile_time`` of this call: set-up, sweeps and transfers.
        packed: True when the sweeps ran on byte-packed replicas (:mod:`circuits.packed`).
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
    e = _energy_jit(model, st)
    return State(st, e, st, e)


_energy_jit = jax.jit(gibbs.energy_t)


def energy_np(model: ising.IsingModel, st) -> np.ndarray:
    """Exact energies (R,) in float64 numpy of transposed spins ``st`` (n, R) (no compilation)."""
    s = np.asarray(st, np.float64)
    if ising.is_dense(model):
        f = np.asarray(model.J, np.float64) @ s
    else:
        f = np.einsum("ndr,nd->nr", s[np.asarray(model.nbr)], np.asarray(model.w, np.float64))
    return -0.5 * np.sum(s * f, 0) - np.asarray(model.h, np.float64) @ s


@jax.jit
def _chunk(key, model, classes, state, betas, t0, t_end, update, half=None, tables=None):
    """Advance sweeps t0..t_end-1 (at most ``len(betas)``): a ``fori_loop`` with a traced trip count, so
    a shorter last chunk reuses the same compiled function. Returns (state, best (c,), mean (c,)); trace
    entries past ``t_end - t0`` are 0. With ``tables`` (:class:`circuits.packed.Packed`) the sweeps run
    on byte-packed spins (current and best states packed inside the chunk)."""
    c = betas.shape[0]

    def body(i, carry):
        s, tb, tm = carry
        k = jax.random.fold_in(key, t0 + i)
        if tables is None:
            st = gibbs.sweep_t(k, model, classes, s.spins, betas[i], update)[0]
            e = gibbs.energy_t(model, st, half)  # exact; cheaper than tracking block energy changes (energy_t)
        else:
            st = packing.sweep(k, tables, s.spins, betas[i], update)
            e = packing.energy(tables, st)
        better = e < s.best_energy
        if tables is None:
            best = jnp.where(better[None, :], st, s.best_spins)
        else:
            mask = packing.replica_mask(better)[None, :]
            best = (st & mask) | (s.best_spins & ~mask)
        s = State(st, e, best, jnp.where(better, e, s.best_energy))
        return s, tb.at[i].set(s.best_energy), tm.at[i].set(e)

    # per-replica traces, reduced over replicas once per chunk: no cross-device reduction per sweep
    z = jnp.zeros((c,) + state.energy.shape, jnp.float32)
    if tables is not None:
        state = state._replace(spins=packing.pack(state.spins), best_spins=packing.pack(state.best_spins))
    state, tb, tm = lax.fori_loop(0, jnp.minimum(t_end - t0, c), body, (state, z, z))
    if tables is not None:
        state = state._replace(spins=packing.unpack(state.spins), best_spins=packing.unpack(state.best_spins))
    return state, jnp.min(tb, 1), jnp.mean(tm, 1)


def compile_chunk(fn, *args, **static) -> float:
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
    takes 0.3 ms per sweep), a power of 2."""
    d = ising.n_spins(model) if ising.is_dense(model) else int(model.nbr.shape[1])
    c = max(1, min(int(most), int(work / max(1, ising.n_spins(model) * d * n_replicas))))
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


def _key(seed_or_key):
    """An integer seed gives a key of the fast generator :data:`circuits.prng.FAST`."""
    if isinstance(seed_or_key, (int, np.integer)):
        return prng.key(int(seed_or_key)), int(seed_or_key)
    return seed_or_key, None


def stop_reason(best_energy, done: int, elapsed: float, *, target_energy=None, time_limit=None,
                interrupt=None) -> str | None:
    """Why a chunked run stops before its next chunk: "target", "time_limit", "interrupt", or None.

    Checked between chunks by every driver. The time limit acts only after a first chunk, so a run
    always makes progress; with several processes, process 0 decides on time and interrupt for all.
    """
    if target_energy is not None and float(jnp.min(best_energy)) <= target_energy:
        return "target"
    reason = (("time_limit" if time_limit is not None and done > 0 and elapsed >= time_limit else None)
              or ("interrupt" if interrupt is not None and interrupt() else None))
    return distributed.agree(reason, ("time_limit", "interrupt"))


def anneal(key, model: ising.IsingModel, betas=None, *, n_sweeps: int = 1000, n_replicas: int = 16,
           classes=None, update: Callable = pbit.behavioural, spins=None, chunk: int | None = None,
           time_limit: float | None = None, target_energy: float | None = None,
           interrupt: Callable[[], bool] | None = None, progress: bool = False,
           checkpoint: str | Path | None = None, resume: str | Path | None = None, mesh=None,
           packed: bool | None = None) -> Result:
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
        chunk: sweeps per chunk (default :func:`chunk_size`: about 4e9 neighbour visits, at most 1024).
        time_limit: wall-clock seconds from the call (compilation included); checked between chunks,
            after at least one chunk.
        target_energy: stop when any replica reaches ``E <= target_energy``.
        interrupt: callable checked between chunks; True stops the run.
        progress: draw a progress bar on stderr.
        checkpoint: write the state to this ``.npz`` file after every chunk and on stop.
        resume: continue from this checkpoint (same model, R and schedule); ``key`` and the layout
            (``packed``) are taken from it.
        mesh: None (one device), "auto" (all ``jax.devices()``) or a ``jax.sharding.Mesh``: replicas are
            sharded over its devices (see :mod:`circuits.distributed`); the result is the same bit for bit.
            R must be a multiple of the device count.
        packed: sweep on byte-packed replicas (:mod:`circuits.packed`: couplings in {-1, 0, +1}, R a
            multiple of 4; G22 x 64: 1.2x faster on one device, 1.8x on two). None (default) uses it when it
            applies, False never, True requires it. The two layouts draw different random numbers, so a seed
            gives a different (equally exact) run in each; ``Result.packed`` says which ran.

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
    if betas is None:
        b0, b1 = schedules.default_beta_range(model)
        betas = schedules.geometric(b0, b1, n_sweeps)
    betas = schedules.check_schedule(betas, "run.anneal")
    if int(n_replicas) != n_replicas or n_replicas < 1:
        raise ValueError(f"run.anneal: argument 'n_replicas' must be a positive integer, got {n_replicas!r}")
    n, R, total = ising.n_spins(model), int(n_replicas), int(betas.shape[0])
    mesh = distributed.make_mesh(mesh)
    distributed.check_replicas(mesh, R, "run.anneal")
    done, trace_best, trace_mean, trace_time, trace_sweep, elapsed0 = 0, [], [], [], [], 0.0
    compile_time = 0.0
    if resume is not None:
        ck = ckpt.load_checkpoint(resume)
        ckpt.check_resume(ck, resume, "run.anneal", (n, R), ("schedule", np.asarray(betas), "sweeps/beta range"))
        key, seed, done, elapsed0 = ckpt.resume_common(ck)
        packed = _resume_layout(ck, resume, packed, "run.anneal")
        state = State(*(jnp.asarray(ck[f]) for f in State._fields))
        trace_best, trace_mean = [ck["trace_best"]], [ck["trace_mean"]]
        trace_time, trace_sweep = list(ck["trace_time"]), list(ck["trace_sweep"])
    else:
        compile_time += compile_chunk(_energy_jit, model, jax.ShapeDtypeStruct((n, R), jnp.int8))
        state = init_state(jax.random.fold_in(key, -1 & 0x7FFFFFFF), model, R, spins)
    done0 = done
    c = chunk or chunk_size(model, R, total)
    rule = pbit.as_rule(update)
    use_packed = _packed_layout(model, R, packed, "run.anneal")
    half = gibbs.half_edges(model)  # each coupling once, for the energy of either layout
    tables = distributed.put_tree(packing.build(model, classes, half), mesh) if use_packed else None
    half = None if use_packed else distributed.put_tree(half, mesh)
    model_d = distributed.put_tree(model, mesh)
    cls = distributed.put(jnp.asarray(coloring.padded(classes, n)), mesh)
    state = shard_state(state, mesh)
    bar = _Progress(total, progress)

    def chunk_args(state, start, m):
        bs = jnp.asarray(np.resize(np.asarray(betas)[start:start + m], c))  # padded; sweeps >= t_end skipped
        return (key, model_d, cls, state, distributed.put(bs, mesh), jnp.int32(start), jnp.int32(start + m), rule,
                half, tables)

    compile_time += compile_chunk(_chunk, *chunk_args(state, done, min(c, max(1, total - done))))

    def snapshot(state, done):
        wall = elapsed0 + time.perf_counter() - t_start
        return dict(**ckpt.state_arrays(state), schedule=np.asarray(betas), packed=np.array(use_packed),
                    **ckpt.common_arrays(key, seed, done, trace_best, trace_mean, trace_time, trace_sweep, wall))

    def advance(state, done, m):
        return _chunk(*chunk_args(state, done, m))

    state, done, stopped = chunk_loop(advance, snapshot, state, done, total, c,
                                      (trace_best, trace_mean, trace_time, trace_sweep), t_start=t_start,
                                      elapsed0=elapsed0, target_energy=target_energy, time_limit=time_limit,
                                      interrupt=interrupt, bar=bar, checkpoint=checkpoint)
    wall = time.perf_counter() - t_start
    return _result(model, state, trace_best, trace_mean, trace_time, trace_sweep, done, R, n,
                   elapsed0 + wall, np.asarray(betas)[:done], seed, stopped, "anneal",
                   compile_time, wall - compile_time, done - done0)._replace(packed=use_packed)


def _packed_layout(model: ising.IsingModel, n_replicas: int, packed: bool | None, where: str) -> bool:
    """Whether a run uses :mod:`circuits.packed` (see ``packed=`` of :func:`anneal`)."""
    why = packing.unsupported(model, n_replicas)
    if packed and why:
        raise ValueError(f"{where}: packed=True cannot be used: {why}; use packed=None to choose automatically")
    return why is None if packed is None else bool(packed)


def _resume_layout(ck, path, packed: bool | None, where: str) -> bool:
    """The layout of a checkpointed run (checkpoints from before the packed layout: int8); an explicit
    ``packed`` that contradicts it is refused, because the run would not continue bit for bit."""
    saved = bool(ck["packed"]) if "packed" in ck else False
    if packed is not None and bool(packed) != saved:
        raise ValueError(f"{where}: checkpoint '{path}' was written with packed={saved}; resume with packed={saved} "
                         "or packed=None to continue the same run")
    return saved


def chunk_loop(advance, snapshot, state, done: int, total: int, chunk: int, traces, *, t_start: float,
               elapsed0: float, target_energy, time_limit, interrupt, bar, checkpoint):
    """The chunked driver loop shared by :func:`anneal` and :func:`circuits.tempering.anneal`.

    Calls ``advance(state, done, m) -> (state, best (m+,), mean (m+,))`` for chunks of ``m <= chunk`` sweeps
    until ``total`` sweeps are done or :func:`stop_reason` gives a reason; between chunks it appends to
    ``traces = (best, mean, time, sweep)`` (lists), draws ``bar`` and writes ``snapshot(state, done)`` to
    ``checkpoint``. Ctrl-C keeps the last finished chunk and writes the checkpoint.

    Returns:
        ``(state, done, stopped)`` with ``stopped`` one of "done", "target", "time_limit", "interrupt",
        "keyboard".
    """
    trace_best, trace_mean, trace_time, trace_sweep = traces
    stopped = "done"
    try:
        while done < total:
            reason = stop_reason(state.best_energy, done, time.perf_counter() - t_start, target_energy=target_energy,
                                 time_limit=time_limit, interrupt=interrupt)
            if reason:
                stopped = reason
                break
            m = min(chunk, total - done)
            new, tb, tm = advance(state, done, m)
            tb, tm = np.asarray(tb)[:m], np.asarray(tm)[:m]  # waits for the chunk
            state, done = new, done + m
            trace_best.append(tb)
            trace_mean.append(tm)
            trace_time.append(elapsed0 + time.perf_counter() - t_start)
            trace_sweep.append(done)
            bar(done, float(tb[-1]))
            if checkpoint is not None:
                ckpt.save_checkpoint(checkpoint, **snapshot(state, done))
        else:
            if target_energy is not None and float(jnp.min(state.best_energy)) <= target_energy:
                stopped = "target"
    except KeyboardInterrupt:
        stopped = "keyboard"
    bar.close()
    if checkpoint is not None:
        ckpt.save_checkpoint(checkpoint, **snapshot(state, done))
    return state, done, stopped


def shard_state(state, mesh):
    """Place a ``State``/``PTState`` on ``mesh``: (n, R) and (R,) fields sharded over replicas, the
    swap counters replicated."""
    if mesh is None:
        return state
    return type(state)(*(distributed.put(x, mesh, None if f in ("accepted", "attempted") else x.ndim - 1)
                         for f, x in zip(state._fields, state)))


def _result(model, state, trace_best, trace_mean, trace_time, trace_sweep, done, R, n, wall, schedule, seed,
            stopped, method, compile_time=0.0, run_time=None, sweeps_now=None) -> Result:
    """Assemble a :class:`Result`; ``run_time`` and ``sweeps_now`` (this call) give spin updates/s."""
    be = distributed.to_host(state.best_energy)
    best_spins = distributed.to_host(state.best_spins)
    r = int(np.argmin(be))
    exact_best = float(energy_np(model, best_spins[:, r:r + 1])[0])
    run_time = wall if run_time is None else run_time
    sweeps_now = done if sweeps_now is None else sweeps_now
    return Result(
        best_energy=exact_best, best_spins=best_spins[:, r].copy(), replica_best_energy=be,
        final_spins=distributed.to_host(state.spins).T.copy(),
        trace_best=np.concatenate(trace_best) if trace_best else np.zeros(0),
        trace_mean=np.concatenate(trace_mean) if trace_mean else np.zeros(0),
        trace_time=np.asarray(trace_time, float), trace_sweep=np.asarray(trace_sweep, int), sweeps=int(done),
        n_replicas=R, wall_time=float(wall), spin_updates_per_s=float(n * R * sweeps_now / max(run_time, 1e-12)),
        schedule=schedule, seed=seed, stopped=stopped, method=method, compile_time=float(compile_time),
        run_time=float(run_time))
