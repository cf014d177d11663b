"""The sLLG driver: :func:`simulate` integrates N magnets for many stochastic Heun steps, keeping only what is asked.

Traces every ``record_every`` steps, the time-averaged m, and switching statistics (:mod:`pbits.sllg.events`)
accumulated on the fly, as a ``lax.scan`` in compiled chunks run by the one chunked loop
(:func:`pbits.runtime.chunks.run_chunks`), optionally with the magnet axis split over the devices of a
``jax.sharding.Mesh``. The physics of one step is :mod:`pbits.sllg.step` (docs/physics.md §2.1-2.5; thermal
field after Brown, Phys. Rev. 130, 1677 (1963); stochastic Heun converges to the Stratonovich solution,
Garcia-Palacios & Lazaro, PRB 58, 14937 (1998)).

Noise: step n uses ``fold_in(key, n)`` and every draw is a function of (key, step, magnet index), so results
do not depend on the chunking, and the magnets can be split over devices (``mesh=``) with the one-device
result bit for bit. Arrays are components-first (see :mod:`pbits.device.magnet`): m has shape (3, N).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from pbits.device import magnet as _magnet
from pbits.device.stack import Device
from pbits.runtime import chunks, memory, sharding
from pbits.sllg import events as _events
from pbits.sllg.events import EventStats, Events
from pbits.sllg.step import NOISES, coefficients, heun, heun_lazy, noise, unstack
from pbits.sllg.timestep import check_dt
from pbits.sllg.waveform import Waveform, constant


class Result(NamedTuple):
    """Output of :func:`simulate` (numpy arrays)."""

    m: np.ndarray  # final magnetisation (3, N) [-]
    t: np.ndarray  # record times (n_records,) [s]
    trace: dict  # name -> (n_records, N) or (n_records, 3, N) recorded values
    mean_m: np.ndarray | None  # (3, N) time average of m over all steps, if "mean" was recorded
    events: EventStats | None  # switching statistics, if events were requested


def _chunk_impl(key, m, c, levels, ends, step0, ev, ev_par, one, *, n_records, every, names, with_events, renormalize,
                unroll, kind="gaussian"):
    """``n_records * every`` Heun steps from step ``step0``: (m, time-summed m or None, event carry, traces)."""
    n_levels = levels.shape[0]

    def unit(m1, r1):
        return m1 if r1 is None else (m1[0] * r1, m1[1] * r1, m1[2] * r1)

    def step(carry, n):
        (m1, r1), acc, ev = carry
        idx = jnp.minimum(jnp.sum(n >= ends), n_levels - 1)
        i = levels[idx].astype(m1[0].dtype)
        xi = noise(jax.random.fold_in(key, n), m1[0].shape, m1[0].dtype, kind=kind)
        if renormalize:
            m1, r1 = heun_lazy(xi, m1, r1, c, i, one)
        else:
            m1 = heun(xi, m1, c, i, False, one)
        if acc is not None:
            m = unit(m1, r1)
            acc = (acc[0] + m[0], acc[1] + m[1], acc[2] + m[2])
        if with_events:
            ev = _events.update(ev, ev_par, unit(m1, r1), n + 1)
        return ((m1, r1), acc, ev), None

    def block(carry, n0):
        carry, _ = jax.lax.scan(step, carry, n0 + jnp.arange(every, dtype=jnp.int32), unroll=unroll)
        m = unit(*carry[0])
        out = {}
        for name in names:
            if name == "m":
                out[name] = jnp.stack(m)
            elif name in ("mx", "my", "mz"):
                out[name] = m["xyz".index(name[1])]
        return carry, out

    m = unstack(m)
    state = (m, jnp.ones_like(m[0]) if renormalize else None)
    acc = tuple(jnp.zeros_like(x) for x in m) if "mean" in names else None
    names = tuple(nm for nm in names if nm != "mean")
    starts = step0 + every * jnp.arange(n_records, dtype=jnp.int32)
    (state, acc, ev), out = jax.lax.scan(block, (state, acc, ev), starts)
    return jnp.stack(unit(*state)), (None if acc is None else jnp.stack(acc)), ev, out


_STATIC = ("n_records", "every", "names", "with_events", "renormalize", "unroll", "kind")
# On CPU the chunk is compiled for 512-bit vectors where the CPU has them (AVX-512; XLA prefers 256 bits
# by default): the integer hash and the Heun arithmetic run 1.3-1.7x faster (2-core AVX-512 Xeon).
_chunk = jax.jit(_chunk_impl, static_argnames=_STATIC, compiler_options={"xla_cpu_prefer_vector_width": 512})
_chunk_any = jax.jit(_chunk_impl, static_argnames=_STATIC)  # other platforms (GPU, TPU)


class ChunkRecord(NamedTuple):
    """What one chunk of :func:`simulate` hands to the loop (and to ``progress``)."""

    m: jax.Array  # (3, N) magnetisation at the end of the chunk [-]
    traces: dict  # name -> records of this chunk
    mean_sum: np.ndarray | None  # (3, N) sum of m over the chunk's steps, if "mean" is recorded


def _check(device, m0, dt, n_steps, record, record_every, wf, noise_kind):
    """Validate the inputs of :func:`simulate`; returns m0 normalised, as a float array (3, N)."""
    f = "sllg.simulate"
    m0 = jnp.asarray(m0)
    if m0.ndim != 2 or m0.shape[0] != 3:
        raise ValueError(f"{f}: m0 must have shape (3, N) (components first), got shape {m0.shape}; "
                         f"use sllg.initial(N, direction) or m.T")
    norm = np.sqrt(np.sum(np.asarray(m0, dtype=float) ** 2, axis=0))
    if np.any(~np.isfinite(norm)) or np.any(norm == 0):
        raise ValueError(f"{f}: m0 has a zero-length or non-finite vector (magnet {int(np.argmin(norm))}); "
                         f"every column must be a non-zero direction")
    if not jnp.issubdtype(m0.dtype, jnp.floating):
        m0 = m0.astype(jnp.float32)
    if int(n_steps) != n_steps or n_steps < 0 or record_every < 1 or n_steps % record_every:
        raise ValueError(f"{f}: n_steps must be a non-negative multiple of record_every, got n_steps={n_steps}, "
                         f"record_every={record_every}")
    if n_steps > 2**31 - 1:
        raise ValueError(f"{f}: n_steps = {n_steps:.3g} exceeds the 2^31 - 1 steps one run can count; shorten the "
                         f"simulated time (n_steps * dt = {n_steps * dt:.3g} s) or split it into several runs")
    bad = [r for r in record if r not in ("m", "mx", "my", "mz", "mean")]
    if bad:
        raise ValueError(f"{f}: record names must be among 'm', 'mx', 'my', 'mz', 'mean', got {bad}")
    for name, tree in (("device", device), ("current", wf.levels)):
        for path, leaf in jax.tree_util.tree_leaves_with_path(tree):
            if not np.all(np.isfinite(np.asarray(leaf, dtype=float))):
                raise ValueError(f"{f}: {name}{jax.tree_util.keystr(path)} must be finite, got {leaf!r}")
    _magnet.validate(device.magnet, func=f)
    check_dt(device, dt, float(np.max(np.abs(np.asarray(wf.levels, dtype=float)), initial=0.0)))
    if noise_kind not in NOISES:
        raise ValueError(f"{f}: noise must be one of {NOISES}, got {noise_kind!r}")
    return m0 / jnp.asarray(norm, dtype=m0.dtype)


def _segment_ends(wf: Waveform, dt: float):
    """The step at which each waveform segment ends, int32 (2^31 - 1 for an open end)."""
    ends = np.asarray(wf.t_end, dtype=float) / dt
    ends = np.where(np.isfinite(ends), np.ceil(ends - 1e-6), 2**31 - 1)
    return jnp.asarray(np.clip(ends, 0, 2**31 - 1), dtype=jnp.int32)


def simulate(key, device: Device, m0: ArrayLike, *, dt: float, n_steps: int,
             current: ArrayLike | Waveform = 0.0, record: tuple[str, ...] = ("mz",), record_every: int = 1,
             events: Events | None = None, chunk_steps: int = 100_000, progress: Callable | None = None,
             renormalize: bool = True, unroll: int = 1, noise: str = "gaussian", mesh=None) -> Result:
    """Integrate N magnets for ``n_steps`` Heun steps, recording only what is asked.

    Stochastic Heun in the Stratonovich sense with Brown's thermal field (see :func:`pbits.sllg.heun_step`;
    docs/physics.md §2.1-2.5). The time loop is a ``lax.scan`` run in chunks of ``chunk_steps`` by
    :func:`pbits.runtime.chunks.run_chunks`; ``progress(steps_done, n_steps, record)`` runs between chunks
    (``record.m`` is the current magnetisation; returning True stops the integration early, and the result
    then covers the steps done). The noise of step n comes from ``fold_in(key, n)``, so results do not depend on
    the chunking. Memory is O(N * (n_steps / record_every)) for the traces and O(N) otherwise.

    Args:
        key: ``jax.random`` key of any implementation (threefry, rbg, unsafe_rbg, ``pbits.runtime.prng``).
        device: magnet, drive and field; every leaf is a scalar or per-magnet array (N,) / (3, N).
        m0: initial magnetisation, shape (3, N) (components first); normalised here.
        dt: time step [s] (checked against the fields, see :func:`pbits.sllg.check_dt`).
        n_steps: number of steps, a multiple of ``record_every``.
        current: current [A]: scalar, (N,), or a :class:`pbits.sllg.Waveform` with per-magnet levels.
        record: names among ``"m"``, ``"mx"``, ``"my"``, ``"mz"`` (traces every ``record_every``
            steps) and ``"mean"`` (time-averaged m over all steps).
        record_every: steps between records.
        events: a hysteretic switching detector; statistics are accumulated every step.
        chunk_steps: steps per compiled chunk (rounded to a multiple of ``record_every``).
        progress: ``progress(done, n_steps, record) -> bool | None`` between chunks.
        renormalize: restore |m| = 1 each step (default True).
        unroll: ``lax.scan`` unroll factor of the inner loop.
        noise: ``"gaussian"`` (default) or ``"uniform"``, the weak-noise variant of :func:`pbits.sllg.noise`
            (same weak order; for statistics, not for single trajectories).
        mesh: ``None`` (one device), a ``jax.sharding.Mesh``, or ``"auto"`` (all of ``jax.devices()``):
            the magnet axis is split over all the mesh's devices (per-magnet parameters with it, scalars
            replicated). N must be a multiple of the device count; the result is bitwise that of one device.

    Pass ``pbits.runtime.prng.key(seed)`` as the key for the fast counter-based generator (Box-Muller
    normals); any other key uses ``jax.random.normal``.

    Returns:
        :class:`Result` with numpy arrays.

    Example:
        >>> from pbits.device import magnet
        >>> from pbits.sllg.waveform import initial
        >>> dev = Device(magnet.preset("pma"))
        >>> r = simulate(jax.random.key(0), dev, initial(8), dt=5e-14, n_steps=100, record_every=10)
        >>> r.trace["mz"].shape
        (10, 8)
    """
    wf = current if isinstance(current, Waveform) else constant(current)
    m0 = _check(device, m0, dt, n_steps, record, record_every, wf, noise)
    n, dtype = m0.shape[1], m0.dtype
    n_rec = n_steps // record_every * sum(3 if r == "m" else (0 if r == "mean" else 1) for r in record)
    memory.check(n * (4.0 * 3 * 16 + 4.0 * n_rec + (64.0 if events is not None else 0.0)), "sllg.simulate",
                 f"{n} magnets, {n_rec} recorded values each", "the magnets, the steps or record_every")
    mesh = sharding.make_mesh(mesh, "magnets")
    sharding.check_split(mesh, n, "sllg.simulate", "magnets")
    platform = jax.default_backend() if mesh is None else mesh.devices.flat[0].platform
    c = coefficients(device, dt, dtype=dtype)
    ends, levels = _segment_ends(wf, dt), jnp.asarray(wf.levels, dtype=dtype)
    ev, ev_par = (_events.start(events, m0, dtype, _dt_over_tau(device, dt, n)) if events is not None
                  else (None, None))
    one = jnp.ones((), dtype)
    m0, c, levels, ev, ev_par = sharding.put_batch_last((m0, c, levels, ev, ev_par), n, mesh)
    key, ends, one = sharding.put_batch_last((key, ends, one), -1, mesh)  # replicated
    run = _chunk if platform == "cpu" else _chunk_any
    names = tuple(record)
    chunk = max(record_every, (min(chunk_steps, max(n_steps, 1)) // record_every) * record_every)

    def advance(state, done, steps):
        m, ev = state
        m, acc, ev, out = run(key, m, c, levels, ends, jnp.int32(done), ev, ev_par, one,
                              n_records=steps // record_every, every=record_every, names=names,
                              with_events=ev is not None, renormalize=renormalize, unroll=unroll, kind=noise)
        traces = {k: np.asarray(v) for k, v in out.items()}
        return (m, ev), ChunkRecord(m, traces, None if acc is None else np.asarray(acc, dtype=np.float64))

    loop = chunks.run_chunks(advance, (m0, ev), total=n_steps, chunk=chunk, progress=progress)
    return _assemble(loop, m0, names, n, dt, record_every)


def _dt_over_tau(device: Device, dt: float, n: int) -> np.ndarray:
    """dt/tau_N per magnet (0 without thermal noise), for the continuous-time event detector."""
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.broadcast_to(np.asarray(_magnet.derived(device.magnet).tau_n, dtype=float), (n,))
        return np.where(np.isfinite(tau) & (tau > 0), dt / tau, 0.0)


def _assemble(loop: chunks.Loop, m0, names, n, dt, record_every) -> Result:
    """Assemble a :class:`Result` from the chunk records of the loop."""
    (m, ev), done, recs = loop.state, loop.done, loop.records
    trace = {k: (np.concatenate([r.traces[k] for r in recs]) if recs else np.zeros((0, n)))
             for k in names if k != "mean"}
    t = dt * record_every * np.arange(1, done // record_every + 1)
    mean_m = None
    if "mean" in names:
        mean_m = sum(r.mean_sum for r in recs) / done if recs else np.asarray(m0, dtype=np.float64)
    stats = None if ev is None else _events.stats(ev, done, dt)
    return Result(np.asarray(m), t, trace, mean_m, stats)
