"""Stochastic Landau-Lifshitz-Gilbert (sLLG) engine: the chunked driver :func:`simulate` for N magnets.

One idea: run many stochastic Heun steps of many magnets and keep only what is asked -- traces every
``record_every`` steps, the time-averaged m, and switching statistics (:class:`Events` -> :class:`EventStats`)
accumulated on the fly -- as a ``lax.scan`` in compiled chunks, optionally with the magnet axis split over
the devices of a ``jax.sharding.Mesh``. The physics of one step (the LL equation with DL/FL torques, Brown's
thermal field, stochastic Heun in the Stratonovich sense) is :mod:`pbits.llg`; it is re-exported here
(:class:`Device`, :class:`Coeffs`, :func:`coefficients`, :func:`rhs`, :func:`noise`, :func:`heun_step`),
as are the waveforms and time-step checks, so that ``pbits.sllg`` stays the one namespace of the engine:
``sllg.Device``, ``sllg.heun_step``, ``sllg.simulate``.

Equation and integrator: PHYSICS.md §2.1-2.5 (see :mod:`pbits.llg`); thermal field after Brown, Phys. Rev.
130, 1677 (1963); stochastic Heun converges to the Stratonovich solution (Garcia-Palacios & Lazaro, PRB 58,
14937 (1998)); the device is that of Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w.

Noise: step n uses ``fold_in(key, n)`` and every draw is a function of (key, step, magnet index), so results
do not depend on the chunking, and :func:`simulate` can split the magnets over devices (``mesh=``) and return
the one-device result bit for bit.

Arrays are components-first (see :mod:`pbits.magnet`): m has shape (3,) for one magnet or (3, N).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike

from pbits import magnet as _magnet
from pbits.llg import NOISES, Coeffs, Device, coefficients, heun_step, noise, rhs  # noqa: F401 (re-exported)
from pbits.llg import _heun, _heun_lazy, _unstack  # the loop body of the driver
from pbits.magnet import Magnet  # noqa: F401 (re-exported)
from pbits.timestep import check_dt, max_field  # noqa: F401 (re-exported)
from pbits.torques import Drive, no_drive  # noqa: F401 (re-exported)
from pbits.waveform import Waveform, constant, initial, pulses  # noqa: F401 (re-exported)


class Events(NamedTuple):
    """Hysteretic switching detector on p = m.axis: state +1 above ``hi``, -1 below ``lo``."""

    axis: ArrayLike = (0.0, 0.0, 1.0)  # projection axis, (3,) or (3, N) [-]
    lo: ArrayLike = -0.5  # lower threshold [-]
    hi: ArrayLike = 0.5  # upper threshold [-]


class EventStats(NamedTuple):
    """Per-magnet switching statistics accumulated on the fly (times in seconds)."""

    n_switches: np.ndarray  # number of switches (N,)
    first_time: np.ndarray  # time of the first switch, NaN if none [s] (first-passage time)
    state: np.ndarray  # final state +1/-1 (N,)
    dwell_sum: np.ndarray  # (2, N): total length of completed dwells in state +1 (row 0) and -1 (row 1) [s]
    dwell_count: np.ndarray  # (2, N): number of completed dwells in each state
    open_time: np.ndarray  # (N,) time spent since the last switch (or since t = 0) [s]
    occupancy: np.ndarray  # (2, N): total time in state +1 (row 0) and -1 (row 1), censored dwells included [s]
    exits: np.ndarray  # (2, N): number of switches out of state +1 (row 0) and -1 (row 1)


class Result(NamedTuple):
    """Output of :func:`simulate` (numpy arrays)."""

    m: np.ndarray  # final magnetisation (3, N) [-]
    t: np.ndarray  # record times (n_records,) [s]
    trace: dict  # name -> (n_records, N) or (n_records, 3, N) recorded values
    mean_m: np.ndarray | None  # (3, N) time average of m over all steps, if "mean" was recorded
    events: EventStats | None  # switching statistics, if events were requested


def _as_waveform(current) -> Waveform:
    if isinstance(current, Waveform):
        return current
    return constant(current)


def _check_finite_tree(tree, name):
    for path, leaf in jax.tree_util.tree_leaves_with_path(tree):
        a = np.asarray(leaf, dtype=float)
        if not np.all(np.isfinite(a)):
            raise ValueError(f"sllg.simulate: {name}{jax.tree_util.keystr(path)} must be finite, got {leaf!r}")


def _chunk_impl(key, m, c, levels, ends, step0, ev, ev_par, one, *, n_records, every, names, with_events, renormalize,
                unroll, kind="gaussian"):
    n_levels = levels.shape[0]

    def unit(m1, r1):
        return m1 if r1 is None else (m1[0] * r1, m1[1] * r1, m1[2] * r1)

    def step(carry, n):
        (m1, r1), acc, ev = carry
        idx = jnp.minimum(jnp.sum(n >= ends), n_levels - 1)
        i = levels[idx].astype(m1[0].dtype)
        xi = noise(jax.random.fold_in(key, n), m1[0].shape, m1[0].dtype, kind=kind)
        if renormalize:
            m1, r1 = _heun_lazy(xi, m1, r1, c, i, one)
        else:
            m1 = _heun(xi, m1, c, i, False, one)
        if acc is not None:
            m = unit(m1, r1)
            acc = (acc[0] + m[0], acc[1] + m[1], acc[2] + m[2])
        if with_events:
            ev = _update_events(ev, ev_par, unit(m1, r1), n + 1)
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

    m = _unstack(m)
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


def _update_events(ev, par, m, n):
    axis, lo, hi = par
    p = m[0] * axis[0] + m[1] * axis[1] + m[2] * axis[2]
    s, last, first, nsw, dsum, dcnt, occ, exits = ev
    s_new = jnp.where(p > hi, 1, jnp.where(p < lo, -1, s))
    switched = (s_new != s) & (s != 0)
    complete = switched & (last >= 0)
    dwell = jnp.where(complete, n - last, 0)
    up = (s == 1)
    dsum = dsum + jnp.stack([jnp.where(up, dwell, 0), jnp.where(up, 0, dwell)])
    dcnt = dcnt + jnp.stack([complete & up, complete & ~up]).astype(jnp.int32)
    exits = exits + jnp.stack([switched & up, switched & ~up]).astype(jnp.int32)
    occ = occ + jnp.stack([s_new == 1, s_new == -1]).astype(jnp.int32)
    entered = switched | ((s == 0) & (s_new != 0))
    last = jnp.where(entered, n, last)
    first = jnp.where(switched & (first < 0), n, first)
    return (s_new, last, first, nsw + switched.astype(jnp.int32), dsum, dcnt, occ, exits)


def _resolve_mesh(mesh, n):
    """(mesh, axis names) for ``simulate(mesh=...)``, or (None, None); checks that N splits evenly."""
    if mesh is None:
        return None, None
    if isinstance(mesh, str):
        if mesh != "auto":
            raise ValueError(f"sllg.simulate: mesh must be None, 'auto' or a jax.sharding.Mesh, got {mesh!r}")
        mesh = jax.sharding.Mesh(np.array(jax.devices()), ("magnets",))
    if not isinstance(mesh, jax.sharding.Mesh):
        raise ValueError(f"sllg.simulate: mesh must be None, 'auto' or a jax.sharding.Mesh, got {type(mesh).__name__}")
    d = mesh.devices.size
    if n % d:
        lo, hi = (n // d) * d, (n // d + 1) * d
        near = f"{lo} or {hi}" if lo else f"{hi}"
        fits = " or ".join(str(k) for k in range(1, d + 1) if n % k == 0)
        raise ValueError(f"sllg.simulate: N = {n} magnets cannot be split evenly over the {d} devices of the mesh; "
                         f"use a multiple of {d} magnets (e.g. {near}) or a mesh of {fits} devices")
    return mesh, tuple(mesh.axis_names)


def _shard(tree, n, mesh, axes):
    """Place every leaf on the mesh: split along the last axis if that is the magnet axis (length n), else
    replicate. (Only where data live depends on this guess; the results do not.)"""
    def put(x):
        x = jnp.asarray(x) if not isinstance(x, jax.Array) else x
        spec = jax.sharding.PartitionSpec(*(None,) * (x.ndim - 1), axes) if x.ndim and x.shape[-1] == n else \
            jax.sharding.PartitionSpec()
        return jax.device_put(x, jax.sharding.NamedSharding(mesh, spec))
    return jax.tree_util.tree_map(put, tree)


def simulate(key, device: Device, m0: ArrayLike, *, dt: float, n_steps: int,
             current: ArrayLike | Waveform = 0.0, record: tuple[str, ...] = ("mz",), record_every: int = 1,
             events: Events | None = None, chunk_steps: int = 100_000,
             callback: Callable[[int, int, jax.Array], None] | None = None, renormalize: bool = True,
             unroll: int = 1, noise: str = "gaussian", mesh=None) -> Result:
    """Integrate N magnets for ``n_steps`` Heun steps, recording only what is asked.

    Stochastic Heun in the Stratonovich sense with Brown's thermal field (see the module docstring and
    :func:`heun_step`; PHYSICS.md §2.1-2.5; the device of Choi et al., Nat. Commun. 2025,
    doi:10.1038/s41467-025-61073-w). The time loop is a ``lax.scan`` run in chunks of
    ``chunk_steps``; ``callback(steps_done, n_steps, m)`` runs between chunks (progress bars,
    checkpoints). The noise of step n comes from ``fold_in(key, n)``, so results do not depend on
    the chunking. Memory is O(N * (n_steps / record_every)) for the traces and O(N) otherwise.

    Args:
        key: ``jax.random`` key of any implementation (threefry, rbg, unsafe_rbg).
        device: magnet, drive and field; every leaf is a scalar or per-magnet array (N,) / (3, N).
        m0: initial magnetisation, shape (3, N) (components first); normalised here.
        dt: time step [s] (checked against the fields, see :func:`check_dt`).
        n_steps: number of steps, a multiple of ``record_every``.
        current: current [A]: scalar, (N,), or a :class:`Waveform` with per-magnet levels.
        record: names among ``"m"``, ``"mx"``, ``"my"``, ``"mz"`` (traces every ``record_every``
            steps) and ``"mean"`` (time-averaged m over all steps).
        record_every: steps between records.
        events: a hysteretic switching detector; statistics are accumulated every step.
        chunk_steps: steps per compiled chunk (rounded to a multiple of ``record_every``).
        callback: called between chunks with (steps done, n_steps, current m).
        renormalize: restore |m| = 1 each step (default True).
        unroll: ``lax.scan`` unroll factor of the inner loop.
        noise: ``"gaussian"`` (default) or ``"uniform"``, the weak-noise variant of :func:`noise` (same
            weak order; for statistics, not for single trajectories).
        mesh: ``None`` (one device), a ``jax.sharding.Mesh``, or ``"auto"`` (all of ``jax.devices()``):
            the magnet axis is split over all the mesh's devices (``NamedSharding``; per-magnet parameters
            with it, scalars replicated). N must be a multiple of the device count. The noise is a function
            of the key, the step and the magnet's index, so the result is bitwise that of the one-device run.

    Pass ``pbits.prng.key(seed)`` as the key for the fast counter-based generator (Box-Muller normals,
    see :func:`noise`); any other key uses ``jax.random.normal``.

    Returns:
        :class:`Result` with numpy arrays.

    Example:
        >>> dev = Device(_magnet.preset("pma"))
        >>> r = simulate(jax.random.key(0), dev, initial(8), dt=5e-14, n_steps=100, record_every=10)
        >>> r.trace["mz"].shape
        (10, 8)
    """
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
    m0 = m0 / jnp.asarray(norm, dtype=m0.dtype)
    if int(n_steps) != n_steps or n_steps < 0 or record_every < 1 or n_steps % record_every:
        raise ValueError(f"{f}: n_steps must be a non-negative multiple of record_every, got n_steps={n_steps}, "
                         f"record_every={record_every}")
    bad = [r for r in record if r not in ("m", "mx", "my", "mz", "mean")]
    if bad:
        raise ValueError(f"{f}: record names must be among 'm', 'mx', 'my', 'mz', 'mean', got {bad}")
    _check_finite_tree(device, "device")
    _magnet.validate(device.magnet, func=f)
    wf = _as_waveform(current)
    _check_finite_tree(wf.levels, "current")
    check_dt(device, dt, float(np.max(np.abs(np.asarray(wf.levels, dtype=float)), initial=0.0)))

    if noise not in NOISES:
        raise ValueError(f"{f}: noise must be one of {NOISES}, got {noise!r}")
    n = m0.shape[1]
    dtype = m0.dtype
    mesh, axes = _resolve_mesh(mesh, n)
    platform = jax.default_backend() if mesh is None else mesh.devices.flat[0].platform
    c = coefficients(device, dt, dtype=dtype)
    ends = np.asarray(wf.t_end, dtype=float) / dt
    ends = np.where(np.isfinite(ends), np.ceil(ends - 1e-6), 2**31 - 1)
    ends = jnp.asarray(np.clip(ends, 0, 2**31 - 1), dtype=jnp.int32)
    levels = jnp.asarray(wf.levels, dtype=dtype)

    with_events = events is not None
    if with_events:
        ax = jnp.asarray(events.axis, dtype=dtype)
        ax = ax / jnp.sqrt(jnp.sum(ax * ax, axis=0))
        ev_par = (ax, jnp.asarray(events.lo, dtype=dtype), jnp.asarray(events.hi, dtype=dtype))
        p0 = jnp.sum(m0 * (ax if ax.ndim == 2 else ax[:, None]), axis=0)
        s0 = jnp.where(p0 >= 0, 1, -1).astype(jnp.int32)
        ev = (s0, jnp.full(n, -1, jnp.int32), jnp.full(n, -1, jnp.int32), jnp.zeros(n, jnp.int32),
              jnp.zeros((2, n), jnp.int32), jnp.zeros((2, n), jnp.int32), jnp.zeros((2, n), jnp.int32),
              jnp.zeros((2, n), jnp.int32))
    else:
        ev, ev_par = None, None

    run = _chunk if platform == "cpu" else _chunk_any
    one = jnp.ones((), dtype)
    if mesh is not None:
        m0, c, levels, ev, ev_par = _shard((m0, c, levels, ev, ev_par), n, mesh, axes)
        key, ends, one = _shard((key, ends, one), -1, mesh, axes)  # replicated
    chunk = max(record_every, (min(chunk_steps, max(n_steps, 1)) // record_every) * record_every)
    names = tuple(record)
    m, done, traces, acc_total = m0, 0, {k: [] for k in names if k != "mean"}, None
    while done < n_steps:
        steps = min(chunk, n_steps - done)
        m, acc, ev, out = run(key, m, c, levels, ends, jnp.int32(done), ev, ev_par, one,
                                 n_records=steps // record_every, every=record_every, names=names,
                                 with_events=with_events, renormalize=renormalize, unroll=unroll, kind=noise)
        if acc is not None:
            a = np.asarray(acc, dtype=np.float64)
            acc_total = a if acc_total is None else acc_total + a
        for k in traces:
            traces[k].append(np.asarray(out[k]))
        done += steps
        if callback is not None:
            callback(done, n_steps, m)

    trace = {k: (np.concatenate(v) if v else np.zeros((0, n))) for k, v in traces.items()}
    t = dt * record_every * np.arange(1, n_steps // record_every + 1)
    mean_m = None if "mean" not in names else (acc_total / max(n_steps, 1) if acc_total is not None
                                               else np.asarray(m0, dtype=np.float64))
    stats = None
    if with_events:
        s, last, first, nsw, dsum, dcnt, occ, exits = (np.asarray(x) for x in ev)
        stats = EventStats(nsw, np.where(first >= 0, first * dt, np.nan), s, dsum * dt, dcnt,
                           (n_steps - np.maximum(last, 0)) * dt, occ * dt, exits)
    return Result(np.asarray(m), t, trace, mean_m, stats)


__all__ = ["Device", "Coeffs", "Waveform", "Events", "EventStats", "Result", "NOISES", "coefficients", "rhs",
           "heun_step", "noise", "initial", "constant", "pulses", "max_field", "check_dt", "simulate"]
