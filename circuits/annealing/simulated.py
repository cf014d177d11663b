"""Simulated annealing of R replicas with chromatic Gibbs sweeps of p-bits: :func:`anneal`.

Each sweep updates every colour class of every replica (:func:`circuits.sampling.gibbs.column_sweep`, or the
byte-packed sweep :func:`circuits.sampling.packed.sweep` when the couplings are in {-1, 0, +1}) at the beta of
the schedule; after every sweep the energies of all replicas are computed afresh (exact in float32 for integer
couplings; on a CPU cheaper than accumulating the energy changes of the colour-class updates) and the best
state of every replica is kept. A model with the dense layout is swept spin by spin instead, with incremental
fields and matrix products (:func:`circuits.sampling.dense.sweep`; :func:`dense_path` says when), its energies
computed from the fields. The reported best energy is re-scored in float64. The chunked run, its stop
rules and checkpoints are :mod:`circuits.annealing.driver`; ``mesh=`` shards the replicas over devices
(:mod:`pbits.runtime.sharding`) without changing the result.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from circuits.annealing import checkpoint as ckpt
from circuits.annealing import driver, schedules
from circuits.annealing.driver import ChunkTrace, Result, State
from circuits.model import ising
from circuits.sampling import coloring, dense as dense_sweep, gibbs, packed, rules
from pbits.runtime import prng, sharding


def init_state(key, model: ising.IsingModel, n_replicas: int, spins=None, *, energy: bool = True) -> State:
    """Random (or given (R, n)) initial spins and their energies, as a column-layout :class:`State`."""
    n = ising.n_spins(model)
    if spins is None:
        st = jnp.where(jax.random.bernoulli(key, 0.5, (n, n_replicas)), 1, -1).astype(jnp.int8)
    else:
        s = np.asarray(spins)
        if s.shape != (n_replicas, n) or not np.all(np.abs(s) == 1):
            raise ValueError(f"simulated.init_state: argument 'spins' must be ({n_replicas}, {n}) of +/-1, got shape "
                             f"{s.shape}")
        st = jnp.asarray(s.T, jnp.int8)
    e = initial_energy(model, st) if energy else jnp.zeros(n_replicas, jnp.float32)
    return State(st, e, st, e)


initial_energy = jax.jit(gibbs.column_energy)  # the energies of initial states (compiled ahead of a run)


def initial(key, model, n_replicas: int, spins=None) -> tuple[State, float, bool]:
    """``(state, compile seconds, interrupted)`` of a fresh run. Ctrl-C while the energy function compiles still
    gives the state (its energies computed in numpy, without compiling) and ``interrupted = True``, so that the
    driver can write a checkpoint from which ``resume`` starts."""
    n = ising.n_spins(model)
    try:
        seconds = driver.compile_seconds(initial_energy, model, jax.ShapeDtypeStruct((n, n_replicas), jnp.int8))
        return init_state(key, model, n_replicas, spins), seconds, False
    except KeyboardInterrupt:
        st = init_state(key, model, n_replicas, spins, energy=False)
        e = jnp.asarray(ising.energy_exact(model, np.asarray(st.spins).T), jnp.float32)
        return State(st.spins, e, st.spins, e), 0.0, True


def anneal(key, model: ising.IsingModel, betas=None, *, n_sweeps: int = 1000, n_replicas: int = 16,
           classes=None, update: Callable = rules.behavioural, spins=None, chunk: int | None = None,
           time_limit: float | None = None, target_energy: float | None = None, progress: Callable | None = None,
           checkpoint: str | Path | None = None, resume: str | Path | None = None, mesh=None,
           packed: bool | None = None, dense: bool | None = None, fit_to_time: bool = False) -> Result:
    """Simulated annealing of R replicas with chromatic Gibbs sweeps of p-bits.

    Args:
        key: PRNG key, or an integer seed (then the fast generator ``prng.key(seed)`` is used).
        model: the IsingModel (dense or sparse).
        betas: (n_sweeps,) schedule, or a lazy :class:`circuits.annealing.schedules.Geometric` (generated a chunk
            at a time); default the lazy geometric schedule over
            :func:`circuits.annealing.schedules.default_beta_range` with ``n_sweeps`` sweeps.
        n_sweeps: sweeps when ``betas`` is None.
        n_replicas: R independent replicas.
        classes: colour classes (default ``coloring.greedy(model)``).
        update: p-bit update rule ``update(key, field, beta, spins)`` (:mod:`circuits.sampling.rules`).
        spins: optional (R, n) initial spins (default random).
        chunk: sweeps per chunk (default :func:`circuits.annealing.driver.chunk_size`).
        time_limit: wall-clock seconds from the call (compilation included); checked between chunks,
            after at least one chunk.
        target_energy: stop when any replica reaches ``E <= target_energy``.
        progress: ``progress(sweeps_done, total, ChunkTrace) -> bool | None`` after every chunk; True stops
            the run (``stopped = "interrupt"``).
        checkpoint: write the state to this ``.npz`` file after every chunk and on stop.
        resume: continue from this checkpoint: the same model, rule, R and schedule are required (a
            ValueError names the field that differs); the key and the layout (``packed``) are taken from it,
            and an integer seed given as ``key`` must be the one it was written with.
        mesh: None (one device), "auto" (all ``jax.devices()``) or a ``jax.sharding.Mesh``: replicas are
            sharded over its devices; the result is the same bit for bit. R must be a multiple of the device
            count.
        packed: sweep on byte-packed replicas (:mod:`circuits.sampling.packed`: couplings in {-1, 0, +1}, R a
            multiple of 4). None (default) uses it when it applies, False never, True requires it. The two
            layouts draw different random numbers, so a seed gives a different (equally exact) run in each;
            ``Result.packed`` says which ran.
        dense: sweep a dense-layout model spin by spin with incremental fields (:mod:`circuits.sampling.dense`:
            sequential sweeps, matrix products over blocks of spins). None (default) decides by
            :func:`dense_path`, False never, True requires it (a dense model and a rule it supports). The two
            paths draw different random numbers. On resume the checkpoint's choice is kept.
        fit_to_time: re-time a :class:`circuits.annealing.schedules.Geometric` schedule between chunks so that
            its cold end comes at :data:`FIT_END` x ``time_limit`` (:func:`circuits.annealing.schedules.retime`:
            the sweeps done stay as they were, the rest is stretched or compressed to the measured sweep rate of
            the last chunks), instead of being cut by the limit (which then stops nothing: a late run is
            compressed to end within about one chunk). ``Result.schedule`` is the schedule that ran.

    Returns:
        A :class:`circuits.annealing.driver.Result`.

    Example:
        >>> m = ising.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)], [-1.0] * 4)
        >>> anneal(0, m, n_sweeps=50, n_replicas=4).best_energy
        -4.0
    """
    t_start = time.perf_counter()
    key, seed = prng.key_and_seed(key)
    given_seed = seed
    rules.check(update, ising.n_spins(ising.check(model, "simulated.anneal")), "simulated.anneal")
    if betas is None:
        betas = schedules.lazy_geometric(*schedules.default_beta_range(model), n_sweeps)
    if not isinstance(betas, schedules.Geometric):
        betas = np.asarray(schedules.check_schedule(betas, "simulated.anneal"))
    n, R, total = ising.n_spins(model), driver.check_replicas(n_replicas, "simulated.anneal"), schedules.length(betas)
    work = DENSE_WORK * 4e9 if _dense_auto(model, R, update, dense, resume) else 4e9
    c = chunk or driver.chunk_size(model, R, total, work=work)
    driver.check_memory(model, R, c, total, "simulated.anneal")
    mesh = sharding.make_mesh(mesh)
    sharding.check_split(mesh, R, "simulated.anneal")
    compile_time, prior, interrupted = 0.0, driver.Prior(), False
    if resume is not None:
        state, (key, seed), prior, packed, dense = _resumed(resume, model, update, packed, dense, given_seed, R, betas)
    else:
        state, compile_time, interrupted = initial(jax.random.fold_in(key, -1 & 0x7FFFFFFF), model, R, spins)
    use_dense = _dense_layout(model, R, update, dense, "simulated.anneal")
    use_packed = _packed_layout(model, R, packed, "simulated.anneal") if packed or not use_dense else False
    state = driver.shard_state(state, mesh)

    if fit_to_time and isinstance(betas, schedules.Geometric) and betas.n_sweeps < FIT_LEAST and not betas.knots:
        betas = betas._replace(n_sweeps=FIT_LEAST)  # its length is the budget's to choose; the probes need room
    now = [betas]  # the schedule: re-timed between chunks with fit_to_time
    rates = []  # (sweeps, seconds) of the chunks of this call
    if fit_to_time and not (time_limit is not None and isinstance(betas, schedules.Geometric)):
        raise ValueError("simulated.anneal: fit_to_time needs a time_limit and a lazy geometric schedule "
                         "(schedules.lazy_geometric)")
    snapshot = _snapshot(key, seed, model, update, _layout(use_packed, use_dense), lambda: now[0], prior, t_start)
    try:  # from here on, Ctrl-C keeps the state and writes the checkpoint (the colouring and compiling take seconds)
        if interrupted:
            raise KeyboardInterrupt  # pressed while the initial state was made
        if use_dense:
            advance, args, fn = _advance_dense(key, model, lambda: now[0], c, mesh, update, R, rates)
        else:
            classes = coloring.greedy(model) if classes is None else coloring.validate(model, classes)
            (advance, args), fn = _advance(key, model, classes, lambda: now[0], c, use_packed, mesh, update,
                                           rates), _chunk
        compile_time += driver.compile_seconds(fn, *args(state, prior.done, min(c, max(1, total - prior.done))))
        goal = _fitted(now, rates, time_limit) if fit_to_time else total
        loop = driver.run(advance, state, total=goal, chunk=c, prior=prior, t_start=t_start,
                          best_energy=lambda s: s.best_energy, target_energy=target_energy,
                          time_limit=None if fit_to_time else time_limit,  # fitted: the schedule keeps the time
                          progress=progress, checkpoint=checkpoint, snapshot=snapshot)
    except KeyboardInterrupt:  # before the first chunk: keep the state, write the checkpoint
        loop = driver.before_first_chunk(state, prior, checkpoint=checkpoint, snapshot=snapshot)
    return driver.result(model, loop.state, loop, prior, t_start=t_start, compile_time=compile_time,
                         schedule=now[0] if isinstance(betas, schedules.Geometric) else betas[:loop.done], seed=seed,
                         method="anneal", packed=use_packed, dense=use_dense)


def _resumed(path, model, update, packed, dense, given_seed, n_replicas: int, betas):
    """``(state, (key, seed), prior, packed, dense)`` from a checkpoint of this very run (else a ValueError by
    name)."""
    ck = ckpt.load(path)
    saved_dense = str(ck.get("id_layout", "")) == "dense"
    if dense is not None and bool(dense) != saved_dense:
        raise ValueError(f"simulated.anneal: checkpoint '{path}' was written with dense={saved_dense}; resume with "
                         f"dense={saved_dense} or dense=None to continue the same run")
    packed = False if saved_dense else _resume_layout(ck, path, packed, "simulated.anneal")
    ckpt.check_identity(ck, path, "simulated.anneal", _identity(model, update, _layout(packed, saved_dense)),
                        given_seed)
    ckpt.check_resume(ck, path, "simulated.anneal", (ising.n_spins(model), n_replicas),
                      ("schedule", np.array(schedules.identify(betas)), "sweeps/beta range"))
    return (State(*(jnp.asarray(ck[f]) for f in State._fields)), ckpt.key_of(ck), driver.prior_from(ck), packed,
            saved_dense)


FIT_END = 0.96  # fit_to_time: the cold end is planned at this fraction of the time limit
REFIT = 0.03  # ... and the rest of the schedule re-timed when the sweeps left are off by more than this fraction
PROBE = 32  # ... after two first chunks of this many sweeps, which measure the sweep rate
FIT_LEAST = 160  # ... and never fewer sweeps in all: a budget eaten by compilation overruns rather than quench


def _fitted(now: list, rates: list, time_limit: float) -> Callable:
    """The ``total(done, elapsed)`` of a run re-timed to its budget. The first two chunks are short probes of
    :data:`PROBE` sweeps (the first run of a compiled chunk is slow, so the rate comes from the second on); then,
    from the sweep rate of the last (up to 3) chunks, the sweeps that fit before ``FIT_END * time_limit`` (at least
    :data:`FIT_LEAST` in all, and at least two more, so the run always reaches its cold end); the schedule in
    ``now[0]`` is re-timed when they differ from the sweeps it has left by more than :data:`REFIT`."""
    def total(done, elapsed):
        sched = now[0]
        if done >= sched.n_sweeps:
            return sched.n_sweeps
        if len(rates) < 2:
            return min(sched.n_sweeps, done + PROBE)
        m, sec = map(sum, zip(*rates[1:][-3:]))
        fit = max(FIT_LEAST - done, int((FIT_END * time_limit - elapsed) * m / max(sec, 1e-9)))
        left = sched.n_sweeps - done
        if abs(fit - left) > REFIT * left + 1:
            now[0] = schedules.retime(sched, done, fit)
        return now[0].n_sweeps

    return total


def _layout(use_packed: bool, use_dense: bool) -> str:
    """The layout name a checkpoint records: "packed", "dense" or "int8" (the chromatic column sweep)."""
    return "dense" if use_dense else ("packed" if use_packed else "int8")


def _identity(model, update, layout: str) -> dict:
    """:func:`circuits.annealing.checkpoint.identity` of an annealing run with this layout."""
    return {**ckpt.identity("anneal", model, update, layout == "packed"), "layout": layout}


def _snapshot(key, seed, model, update, layout: str, betas_now: Callable, prior, t_start: float):
    """The checkpoint arrays of :func:`anneal` at a point of its loop: ``snapshot(loop, trace) -> dict``
    (``betas_now()`` is the schedule as it stands)."""
    def snapshot(loop, trace):
        wall = prior.elapsed + time.perf_counter() - t_start
        return dict(**ckpt.state_arrays(loop.state), schedule=np.array(schedules.identify(betas_now())),
                    packed=np.array(layout == "packed"), **ckpt.common_arrays(key, seed, loop.done, trace, wall),
                    **ckpt.identity_arrays(_identity(model, update, layout)))

    return snapshot


def _advance(key, model, classes, betas_now: Callable, c: int, use_packed: bool, mesh, update, rates: list):
    """The loop's ``advance`` for :func:`anneal` and the argument builder of the jitted chunk (for compiling);
    ``betas_now()`` is the schedule as it stands, and every chunk appends ``(sweeps, seconds)`` to ``rates``."""
    n = ising.n_spins(model)
    rule = rules.as_rule(update)
    half = gibbs.half_edges(model)  # each coupling once, for the energy of either layout
    tables = sharding.put_tree(packed.build(model, classes, half), mesh) if use_packed else None
    half = None if use_packed else sharding.put_tree(half, mesh)
    model_d = sharding.put_tree(model, mesh)
    cls = sharding.put(jnp.asarray(coloring.padded(classes, n)), mesh)

    def args(state, start, m):
        bs = jnp.asarray(np.resize(schedules.segment(betas_now(), start, m), c))  # padded; sweeps >= t_end skipped
        return (key, model_d, cls, state, sharding.put(bs, mesh), jnp.int32(start), jnp.int32(start + m), rule,
                half, tables)

    return _timed(_chunk, args, rates), args


def _timed(chunk_fn, args, rates: list) -> Callable:
    """The loop's ``advance(state, done, m)``: run the jitted ``chunk_fn`` on ``args(state, done, m)``, wait for it,
    and append ``(m, seconds)`` to ``rates`` (the sweep rate a re-timed run is fitted to)."""
    def advance(state, done, m):
        t0 = time.perf_counter()
        state, tb, tm = chunk_fn(*args(state, done, m))
        trace = ChunkTrace(np.asarray(tb)[:m], np.asarray(tm)[:m])  # waits for the chunk
        rates.append((m, time.perf_counter() - t0))
        return state, trace

    return advance


@jax.jit
def _chunk(key, model, classes, state, betas, t0, t_end, update, half=None, tables=None):
    """Advance sweeps t0..t_end-1 (at most ``len(betas)``): a ``fori_loop`` with a traced trip count, so
    a shorter last chunk reuses the same compiled function. Returns (state, best (c,), mean (c,)); trace
    entries past ``t_end - t0`` are 0. With ``tables`` (:class:`circuits.sampling.packed.Packed`) the sweeps run
    on byte-packed spins (current and best states packed inside the chunk)."""
    c = betas.shape[0]

    def body(i, carry):
        s, tb, tm = carry
        k = jax.random.fold_in(key, t0 + i)
        if tables is None:
            st = gibbs.column_sweep(k, model, classes, s.spins, betas[i], update)[0]
            e = gibbs.column_energy(model, st, half)  # exact; cheaper on a CPU than tracking block energy changes
        else:
            st = packed.sweep(k, tables, s.spins, betas[i], update)
            e = packed.energy(tables, st)
        better = e < s.best_energy
        if tables is None:
            best = jnp.where(better[None, :], st, s.best_spins)
        else:
            mask = packed.replica_mask(better)[None, :]
            best = (st & mask) | (s.best_spins & ~mask)
        s = State(st, e, best, jnp.where(better, e, s.best_energy))
        return s, tb.at[i].set(s.best_energy), tm.at[i].set(e)

    # per-replica traces, reduced over replicas once per chunk: no cross-device reduction per sweep
    z = jnp.zeros((c,) + state.energy.shape, jnp.float32)
    if tables is not None:
        state = state._replace(spins=packed.pack(state.spins), best_spins=packed.pack(state.best_spins))
    state, tb, tm = lax.fori_loop(0, jnp.minimum(t_end - t0, c), body, (state, z, z))
    if tables is not None:
        state = state._replace(spins=packed.unpack(state.spins), best_spins=packed.unpack(state.best_spins))
    return state, jnp.min(tb, 1), jnp.mean(tm, 1)


DENSE_MIN_SPINS = 64  # below this the dense sweep is not reliably faster (measured on complete graphs K16-K64)
DENSE_MIN_FILL = 0.25  # fraction of non-zero couplings from which a dense layout is swept by the dense sweep
DENSE_WORK = 8  # a dense sweep costs about 1/8 of a gathered one per coupling visit: chunks of 8x the sweeps


def dense_path(model: ising.IsingModel, n_replicas: int, update) -> bool:
    """Whether :func:`anneal` sweeps ``model`` with :func:`circuits.sampling.dense.sweep` by default.

    Yes for a model with the dense layout (``model.J``) of at least ``DENSE_MIN_SPINS`` spins, at least
    ``DENSE_MIN_FILL`` of its couplings non-zero, and a rule the dense sweep supports
    (:func:`circuits.sampling.dense.supports`). There a sweep is one set of matrix products of ``n^2 R``
    multiply-adds (int8 for small integer couplings) plus ``n`` short sequential steps, whereas the chromatic
    sweep of a dense layout does one (k x n) @ (n x R) product and one scan step per colour class, and a dense
    graph has about as many classes as spins (K2000: 2000). On a 2-core CPU (``benchmarks/dense.py``) the
    dense sweep is several times faster on K2000 and 1.6-4x on K64-K256, but slower on the dense layout of a
    sparse graph (800 spins, 2 % of couplings non-zero, 9 colour classes: 0.85x with +/-1 couplings, about
    0.25x with float couplings, for which it computes two products per sweep, see :mod:`circuits.sampling.dense`);
    hence the fill threshold, which costs one count of the non-zeros (a colouring of K2000 takes 0.8 s).
    ``n_replicas`` does not change the choice: measured ratios did not depend on R (8-64) beyond the noise.

    Example:
        >>> from circuits.problems import instances, maxcut
        >>> dense_path(maxcut.to_ising(instances.complete(100), layout="dense"), 8, rules.metropolis)
        True
    """
    del n_replicas
    if not ising.is_dense(model) or ising.n_spins(model) < DENSE_MIN_SPINS or not dense_sweep.supports(update):
        return False
    n = ising.n_spins(model)
    return int(np.count_nonzero(np.asarray(model.J))) >= DENSE_MIN_FILL * n * (n - 1)


def _dense_auto(model, n_replicas, update, want, resume) -> bool:
    """The dense path as far as it is known before a checkpoint is read (for the default chunk size)."""
    if resume is not None and want is None:
        return ising.is_dense(model) and dense_sweep.supports(update)
    return dense_path(model, n_replicas, update) if want is None else bool(want)


def _dense_layout(model: ising.IsingModel, n_replicas: int, update, want: bool | None, where: str) -> bool:
    """Whether a run uses :mod:`circuits.sampling.dense` (``want`` is ``dense=`` of :func:`anneal`)."""
    if want is None:
        return dense_path(model, n_replicas, update)
    if want and not ising.is_dense(model):
        raise ValueError(f"{where}: dense=True needs a model with the dense layout (model.J); convert it with "
                         "ising.to_dense or use dense=None")
    if want and not dense_sweep.supports(update):
        raise ValueError(f"{where}: dense=True supports the rules behavioural, metropolis and device_pbit, got "
                         f"{ckpt.rule_name(update)}; use dense=None or dense=False for another rule")
    return bool(want)


def _advance_dense(key, model, betas_now: Callable, c: int, mesh, update, n_replicas: int, rates: list):
    """``(advance, args, fn)`` of the dense path: the loop's ``advance``, the argument builder of the jitted
    chunk ``fn`` (:func:`_dense_chunk`); as :func:`_advance` for ``betas_now`` and ``rates``."""
    rule = rules.as_rule(update)
    tables = sharding.put_tree(dense_sweep.build(model, n_replicas), mesh)

    def args(state, start, m):
        bs = jnp.asarray(np.resize(schedules.segment(betas_now(), start, m), c))  # padded; sweeps >= t_end skipped
        return key, tables, state, sharding.put(bs, mesh), jnp.int32(start), jnp.int32(start + m), rule

    return _timed(_dense_chunk, args, rates), args, _dense_chunk


@jax.jit
def _dense_chunk(key, tables, state, betas, t0, t_end, update):
    """:func:`_chunk` for the dense path: the fields ``J s`` are computed from ``state.spins`` when the chunk
    starts and carried through its sweeps (recomputed at every sweep for float couplings,
    :func:`circuits.sampling.dense.fresh`); the energies come from the fields."""
    n, c = state.spins.shape[0], betas.shape[0]
    s = dense_sweep.pad(tables, state.spins)

    def body(i, carry):
        s, g, e, best, best_e, tb, tm = carry
        k = jax.random.fold_in(key, t0 + i)
        if dense_sweep.fresh(tables):
            g = dense_sweep.fields(tables, s)
        s, g = dense_sweep.sweep(k, tables, s, g, betas[i], update)
        e = dense_sweep.energy(tables, s, g)
        better = e < best_e
        best = jnp.where(better[None, :], s[:n].astype(jnp.int8), best)
        best_e = jnp.where(better, e, best_e)
        return s, g, e, best, best_e, tb.at[i].set(best_e), tm.at[i].set(e)

    z = jnp.zeros((c,) + state.energy.shape, jnp.float32)
    carry = (s, dense_sweep.fields(tables, s), state.energy, state.best_spins, state.best_energy, z, z)
    s, _, e, best, best_e, tb, tm = lax.fori_loop(0, jnp.minimum(t_end - t0, c), body, carry)
    return State(s[:n].astype(jnp.int8), e, best, best_e), jnp.min(tb, 1), jnp.mean(tm, 1)


def _packed_layout(model: ising.IsingModel, n_replicas: int, want: bool | None, where: str) -> bool:
    """Whether a run uses :mod:`circuits.sampling.packed` (``want`` is ``packed=`` of :func:`anneal`)."""
    why = packed.unsupported(model, n_replicas)
    if want and why:
        raise ValueError(f"{where}: packed=True cannot be used: {why}; use packed=None to choose automatically")
    return why is None if want is None else bool(want)


def _resume_layout(ck, path, want: bool | None, where: str) -> bool:
    """The layout of a checkpointed run; an explicit ``packed=`` (``want``) that contradicts it is refused,
    because the run would not continue bit for bit."""
    saved = bool(ck["packed"]) if "packed" in ck else str(ck.get("id_layout", "int8")) == "packed"
    if want is not None and bool(want) != saved:
        raise ValueError(f"{where}: checkpoint '{path}' was written with packed={saved}; resume with packed={saved} "
                         "or packed=None to continue the same run")
    return saved
