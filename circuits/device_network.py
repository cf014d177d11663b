"""A p-computer at device level: N sLLG magnets driven by synapse currents, integrated in one ``lax.scan``.

Every magnet i is a low-barrier nanomagnet integrated by the stochastic Heun sLLG step of
:func:`pbits.sllg.heun_step` (Stratonovich, Brown's thermal field). Its digital output is
s_i = sgn(m_i . n_i) (n_i: easy axis). A synapse reads all outputs and drives magnet i with

    I_i(t) = I_unit(t) * (sum_j J_ij s_j(t_k) + h_i) + I_trim,i,    t_k <= t < t_k + T_syn,

held for the synapse interval T_syn = ``interval`` * dt (a sample-and-hold delay, the synchronous-update
hazard of Aadit et al., Nat. Electron. 2022). The current acts through the magnet's per-ampere Drive
(the magnonic-dissipation self-torque of Choi et al., Nat. Commun. 2025, doi:10.1038/s41467-025-61073-w,
or the heavy-metal baseline). With the calibrated p-bit <s> = tanh(I/I0 + offset)
(:func:`pbits.pbit.calibrate.calibrate`) the mapping I_unit,i = beta * I0_i and the trim
I_trim,i = -offset_i * I0_i give each p-bit the heat-bath input tanh(beta * local_field), so for
T_syn << tau_c the network samples exp(-beta E) (Camsari et al., PRX 7, 031014 (2017)) with
beta_eff = I_unit / I0. Annealing ramps I_unit (beta) in time, one value per synapse update.

Accounting (per replica, i.e. per chip): simulated time; Joule energy of the magnets
E_mag = sum_i R_i int I_i^2 dt with R_i = :func:`pbits.analysis.energy.write_resistance` (rho J^2 V summed over
the conducting layers); synapse energy E_syn = V_syn sum_i int |I_i| dt -- our assumption: each synapse is
a current source fed from a supply V_syn (default 0.1 V) and its digital/analog logic is not counted;
output flips observed at the synapse updates; first time each replica reaches a target energy. Long runs go
through the one chunked loop (:func:`pbits.runtime.chunks.run_chunks`). Max-Cut on such a network is
:func:`circuits.problems.maxcut.solve` with ``method="device"``.
"""
from __future__ import annotations

import time
from typing import Callable, NamedTuple, Optional

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

import pbits.sllg as sllg
from circuits.model import ising
from pbits.device.stack import Device
from pbits.runtime import chunks


class Network(NamedTuple):
    """Fixed physical parameters of a device-level network (a pytree)."""

    coeffs: sllg.Coeffs  # per-step sLLG constants at dt; leaves scalar or per magnet (N,) / (3, N)
    axis: Array  # (3, N) easy axes n_i; output s_i = sgn(m_i . n_i) [-]
    model: ising.IsingModel  # couplings J_ij and fields h_i [dimensionless energy units]
    i0: Array  # (N,) calibrated I0 of every magnet, signed [A]; I_unit,i = beta I0_i
    i_trim: Array  # (N,) offset trim current -offset_i I0_i [A]
    resistance: Array  # (N,) Joule resistance of each write path, E = R I^2 t [Ohm]
    v_synapse: Array  # supply voltage of the synapse current sources [V]
    dt: Array  # time step [s]


class State(NamedTuple):
    """Evolving state of R independent replicas (chips) of the network (a pytree)."""

    m: tuple  # (m_x, m_y, m_z), each (R, N) [-]
    spins: Array  # (R, N) outputs s = sgn(m . n) at the last synapse update [-]
    t: Array  # simulated time [s]
    e_magnet: Array  # (R,) Joule energy in the magnets so far [J]
    e_synapse: Array  # (R,) synapse supply energy so far [J]
    flips: Array  # (R,) output flips seen at synapse updates [-]
    best_energy: Array  # (R,) lowest Ising energy seen at a synapse update [-]
    best_spins: Array  # (R, N) int8 spins of best_energy [-]
    t_hit: Array  # (R,) first simulated time with energy <= target, NaN if not yet [s]
    step: Array  # synapse updates done (int32) [-]


class Trace(NamedTuple):
    """Per-chunk record of a run (numpy); one entry per chunk, or the arrays of all chunks of a run."""

    t: np.ndarray  # (n_chunks,) simulated time at the chunk end [s]
    best_energy: np.ndarray  # (n_chunks,) best energy over replicas so far [-]
    energy: np.ndarray  # (n_chunks,) mean over replicas of the current energy [-]
    e_total: np.ndarray  # (n_chunks,) mean over replicas of magnet + synapse energy so far [J]


def network(model: ising.IsingModel, device: Device, i0, *, dt: float, offset=0.0, resistance=0.0,
            v_synapse: float = 0.1) -> Network:
    """Build a device-level network from an Ising model and (per-magnet) devices.

    Args:
        model: Ising model with n spins (dense or padded-neighbour layout).
        device: sLLG device; leaves scalar or per magnet (n,) / (3, n) (device spread,
            :func:`pbits.pbit.population.sample_devices`).
        i0: calibrated I0 [A], scalar or (n,), signed as fitted (``PbitParams.i0``).
        dt: time step [s].
        offset: calibrated offset of tanh(I/I0 + offset) [-]; trimmed by I_trim = -offset I0.
        resistance: write-path resistance R [Ohm] for the Joule energy R I^2
            (:func:`pbits.analysis.energy.write_resistance`).
        v_synapse: synapse supply voltage [V] (energy V |I| per synapse; our assumption).

    Returns:
        :class:`Network`.

    Example:
        >>> from pbits.device import stack
        >>> dev = stack.drives(stack.preset("inplane_low_barrier"))["self"]
        >>> net = network(ising.from_dense([[0., 1.], [1., 0.]]), dev, 1.4e-5, dt=4e-13)
        >>> net.axis.shape, net.i0.shape
        ((3, 2), (2,))
    """
    n = ising.n_spins(ising.check(model, "device_network.network"))
    i0 = np.broadcast_to(np.asarray(i0, np.float64), (n,))
    if not np.all(np.isfinite(i0)) or np.any(i0 == 0):
        raise ValueError(f"device_network.network: i0 must be finite and nonzero [A] (from calibrate.calibrate), "
                         f"got {i0[:4]}...")
    if not (np.isfinite(dt) and dt > 0):
        raise ValueError(f"device_network.network: dt must be a time step > 0 [s], got {dt!r}")
    for name, v in (("resistance", resistance), ("v_synapse", v_synapse)):
        if np.any(~np.isfinite(np.asarray(v, float))) or np.any(np.asarray(v, float) < 0):
            raise ValueError(f"device_network.network: {name} must be finite and >= 0, got {v!r}")
    c = sllg.coefficients(device, dt)
    for leaf in jax.tree_util.tree_leaves(c):
        if leaf.ndim and leaf.shape != (3,) and leaf.shape[-1] not in (1, n):
            raise ValueError(f"device_network.network: device leaves must be scalar or per magnet with last axis "
                             f"{n} (the model's spins), got shape {leaf.shape}")
    axis = jnp.asarray(c.n, jnp.float32).reshape(3, -1)
    axis = jnp.broadcast_to(axis / jnp.linalg.norm(axis, axis=0), (3, n))
    f32 = lambda x: jnp.asarray(np.broadcast_to(np.asarray(x, np.float64), (n,)), jnp.float32)  # noqa: E731
    return Network(c, axis, model, f32(i0), f32(-np.asarray(offset) * i0), f32(resistance),
                   jnp.float32(v_synapse), jnp.float32(dt))


def init(key, net: Network, n_replicas: int = 1) -> State:
    """R replicas with every magnet along +-n_i at random (spins uniform).

    Example:
        >>> from pbits.device import stack
        >>> dev = stack.drives(stack.preset("inplane_low_barrier"))["self"]
        >>> net = network(ising.from_dense([[0., 1.], [1., 0.]]), dev, 1.4e-5, dt=4e-13)
        >>> from pbits.runtime import prng
        >>> init(prng.key(0), net, 3).spins.shape
        (3, 2)
    """
    if int(n_replicas) < 1:
        raise ValueError(f"device_network.init: n_replicas must be >= 1, got {n_replicas!r}")
    n = net.axis.shape[1]
    s = jnp.where(jax.random.bernoulli(key, 0.5, (n_replicas, n)), 1.0, -1.0).astype(jnp.float32)
    m = tuple(s * net.axis[k] for k in range(3))
    e = ising.energy(net.model, s)
    z = jnp.zeros(n_replicas, jnp.float32)
    return State(m, s, jnp.float32(0.0), z, z, z, e, s.astype(jnp.int8), jnp.full(n_replicas, jnp.nan, jnp.float32),
                 jnp.int32(0))


def _readout(m, axis):
    x = m[0] * axis[0] + m[1] * axis[1] + m[2] * axis[2]
    return jnp.where(x >= 0, 1.0, -1.0).astype(jnp.float32)


def _synapse_step(key, state: State, net: Network, beta, target, interval: int):
    """One synapse update followed by ``interval`` Heun steps at the held currents."""
    field = ising.local_field(net.model, state.spins)
    cur = beta * net.i0 * field + net.i_trim  # (R, N) [A]
    keys = jax.random.split(key, interval)

    def body(m, k):
        return sllg.heun_step(k, m, net.coeffs, cur), None

    m, _ = lax.scan(body, state.m, keys)
    t_hold = net.dt * interval
    e_mag = state.e_magnet + t_hold * jnp.sum(net.resistance * cur * cur, -1)
    e_syn = state.e_synapse + t_hold * net.v_synapse * jnp.sum(jnp.abs(cur), -1)
    s = _readout(m, net.axis)
    e = ising.energy(net.model, s)
    better = e < state.best_energy
    best_e = jnp.where(better, e, state.best_energy)
    best_s = jnp.where(better[:, None], s.astype(jnp.int8), state.best_spins)
    t = state.t + t_hold
    t_hit = jnp.where(jnp.isnan(state.t_hit) & (e <= target), t, state.t_hit)
    flips = state.flips + jnp.sum(s != state.spins, -1)
    return State(m, s, t, e_mag, e_syn, flips, best_e, best_s, t_hit, state.step + 1), e


def _chunk_impl(key, state, net, betas, target, *, interval, every):
    def body(st, beta):
        k = jax.random.fold_in(key, st.step)
        st, e = _synapse_step(k, st, net, beta, target, interval)
        return st, (st.spins.astype(jnp.int8), e)

    st, (s, e) = lax.scan(body, state, betas)
    return st, (s[every - 1::every] if every else None), e[-1]


_chunk = jax.jit(_chunk_impl, static_argnames=("interval", "every"))


def run(key, state: State, net: Network, betas, *, interval: int = 10, chunk: int = 256,
        target_energy: float | None = None, stop_at_target: bool = True, progress: Optional[Callable] = None,
        record_every: int = 0, n_updates: int | None = None):
    """Integrate the network over a schedule of inverse temperatures, one per synapse update.

    Scanned in chunks of ``chunk`` synapse updates (compiled once per shape; new couplings, betas or currents
    do not recompile) by :func:`pbits.runtime.chunks.run_chunks`. Between chunks
    ``progress(done, total, trace)`` is called (a :class:`Trace` of the chunk; True stops the run), and with
    ``stop_at_target`` the run stops early once the best replica reached ``target_energy`` (E <= target);
    ``State.t_hit`` holds the first time each replica got there (synapse-update resolution). The noise of
    synapse update u comes from ``fold_in(key, u)``, so results do not depend on ``chunk``.

    Args:
        key: ``jax.random`` key; :func:`pbits.runtime.prng.key` (fast hash) is ~2x faster.
        state: from :func:`init`.
        net: from :func:`network`.
        betas: (n_updates,) beta_eff per synapse update (I_unit = beta I0), e.g. a ramp for annealing [-]; or a
            function ``betas(start, m)`` giving the m betas from update ``start`` (then ``n_updates`` is
            required), so that a long ramp is generated a chunk at a time.
        interval: Heun steps between synapse updates (synapse delay T_syn = interval * dt).
        chunk: synapse updates per compiled chunk.
        target_energy: target Ising energy (first-hit times in ``State.t_hit``).
        stop_at_target: stop between chunks when min over replicas of the best energy <= target.
        progress: ``progress(done, total, trace) -> bool | None`` between chunks.
        record_every: if > 0, also return the spins every ``record_every`` synapse updates,
            an int8 array (n_records, R, N) (``chunk`` is rounded to a multiple).
        n_updates: synapse updates when ``betas`` is a function.

    Returns:
        ``(state, trace, records)``: final :class:`State`, :class:`Trace` per chunk, records or None.

    Example:
        >>> from pbits.device import stack
        >>> dev = stack.drives(stack.preset("inplane_low_barrier"))["self"]
        >>> net = network(ising.from_dense([[0., 1.], [1., 0.]]), dev, 1.4e-5, dt=4e-13)
        >>> from pbits.runtime import prng
        >>> st, tr, _ = run(prng.key(1), init(prng.key(0), net, 2), net, np.ones(8), interval=5, chunk=4)
        >>> round(float(st.t) * 1e12)  # ps
        16
    """
    if callable(betas):  # a schedule generated a chunk at a time: betas(start, m) -> (m,) array
        if n_updates is None or int(n_updates) < 1:
            raise ValueError("device_network.run: a schedule given as a function needs n_updates >= 1")
        fetch, size = betas, int(n_updates)
    else:
        table = np.asarray(betas, np.float32).ravel()
        if table.size == 0 or not np.all(np.isfinite(table)):
            raise ValueError(f"device_network.run: betas must be a non-empty finite schedule, got {table[:4]}...")
        fetch, size = (lambda start, m: table[start:start + m]), table.size
    if int(interval) < 1:
        raise ValueError(f"device_network.run: interval must be >= 1 Heun step, got {interval!r}")
    every = int(record_every)
    chunk = max(int(chunk), 1)
    if every:
        chunk = max(every, chunk // every * every)
        if size % every:
            raise ValueError(f"device_network.run: len(betas) = {size} must be a multiple of "
                             f"record_every = {every}")
    target = np.float32(-np.inf if target_energy is None else target_energy)

    def advance(state, done, n):
        b = np.asarray(fetch(done, n), np.float32)
        if b.shape != (n,) or not np.all(np.isfinite(b)):
            raise ValueError(f"device_network.run: the schedule gave {b[:4]}... for updates {done}..{done + n - 1}; "
                             f"expected {n} finite betas")
        state, s, e = _chunk(key, state, net, jnp.asarray(b), target, interval=int(interval), every=every)
        rec = Trace(float(state.t), float(jnp.min(state.best_energy)), float(jnp.mean(e)),
                    float(jnp.mean(state.e_magnet + state.e_synapse)))
        return state, (rec, None if s is None else np.asarray(s))

    def stop(state, done):
        hit = stop_at_target and target_energy is not None and float(jnp.min(state.best_energy)) <= target_energy
        return "target" if hit and done > 0 else None

    tell = None if progress is None else (lambda done, total, r: progress(done, total, r[0]))
    loop = chunks.run_chunks(advance, state, total=size, chunk=chunk, stop=stop, progress=tell)
    trace = Trace(*(np.array([r[0][k] for r in loop.records]) for k in range(4)))
    recs = [r[1] for r in loop.records if r[1] is not None]
    return loop.state, trace, (np.concatenate(recs) if recs else None)


def sample(key, net: Network, beta: float, *, n_replicas: int, n_samples: int, every: int, interval: int = 1,
           burn_in: int = 0):
    """Spin samples of the free-running network at fixed beta_eff, every ``every`` synapse updates.

    Args:
        key: ``jax.random`` key.
        net: from :func:`network`.
        beta: beta_eff = I_unit / I0 [-].
        n_replicas: independent chips R.
        n_samples: samples per replica.
        every: synapse updates between samples (choose ~tau_c / T_syn or more for nearly independent samples).
        interval: Heun steps per synapse update.
        burn_in: synapse updates discarded first.

    Returns:
        ``(spins, state)``: (n_samples * R, N) int8 spins and the final :class:`State`.

    Example:
        >>> from pbits.device import stack
        >>> dev = stack.drives(stack.preset("inplane_low_barrier"))["self"]
        >>> net = network(ising.from_dense([[0., 1.], [1., 0.]]), dev, 1.4e-5, dt=4e-13)
        >>> from pbits.runtime import prng
        >>> sample(prng.key(0), net, 1.0, n_replicas=2, n_samples=3, every=4)[0].shape
        (6, 2)
    """
    k0, k1, k2 = jax.random.split(key, 3)
    st = init(k0, net, n_replicas)
    if burn_in:
        st, _, _ = run(k1, st, net, np.full(int(burn_in), beta), interval=interval, chunk=max(int(burn_in), 1))
    st, _, s = run(k2, st, net, np.full(int(n_samples) * int(every), beta), interval=interval,
                   record_every=int(every), chunk=int(every) * max(1, 2048 // int(every)))
    return s.reshape(-1, s.shape[-1]), st
