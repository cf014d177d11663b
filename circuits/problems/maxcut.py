"""Max-Cut <-> Ising conversion, in one place.

For a graph with weights ``w_ij`` the Ising model has ``J_ij = -w_ij`` and ``h = 0``, so that
``E(s) = sum_{ij in E} w_ij s_i s_j`` and

    cut(s) = (sum_{ij in E} w_ij - sum_{ij in E} w_ij s_i s_j) / 2 = (W - E(s)) / 2.

Maximising the cut is minimising E (docs/methods.md §1). :func:`solve` is the one entry point behind
``pbits maxcut``: it picks the replica/rung split, the schedule or ladder and the update rule, runs simulated
annealing, parallel tempering or the device-level network, and returns one :class:`MaxCutResult`.
"""
from __future__ import annotations

import time
from typing import Any, Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array

from circuits import device_network
from circuits.annealing import anytime, schedules
from circuits.model import ising
from circuits.problems.gset import Graph
from pbits.pbit import calibrate
from pbits.runtime import memory, prng

METHODS = ("anneal", "tempering", "icm", "device")
RULES = anytime.RULES


def total_weight(graph: Graph) -> float:
    """``W = sum of edge weights``."""
    return float(np.sum(graph.weights))


def to_ising(graph: Graph, *, layout: str = "sparse") -> ising.IsingModel:
    """Ising model of Max-Cut on ``graph``: ``J_ij = -w_ij``, ``h = 0``.

    Example:
        >>> from circuits.problems import gset
        >>> to_ising(gset.random_graph(5, 1.0)).nbr.shape
        (5, 4)
    """
    return ising.from_edges(graph.n, graph.edges, -np.asarray(graph.weights), layout=layout)


def from_networkx(G, weight: str = "weight", *, nodelist=None) -> tuple[Graph, list]:
    """Convert a networkx graph to a :class:`Graph` (missing weights count 1); returns ``(graph, nodes)``."""
    nodes = list(G) if nodelist is None else list(nodelist)
    index = {v: k for k, v in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in G.edges()], np.int64).reshape(-1, 2)
    w = np.array([d.get(weight, 1.0) for _, _, d in G.edges(data=True)], np.float64)
    return Graph(n=len(nodes), edges=edges, weights=w, name=str(G.name or "graph")), nodes


def cut_from_energy(graph: Graph, energy) -> Array:
    """``cut = (W - E) / 2``."""
    return (total_weight(graph) - jnp.asarray(energy)) / 2


def energy_from_cut(graph: Graph, cut) -> float:
    """``E = W - 2 cut`` (the Ising energy a cut value corresponds to)."""
    return total_weight(graph) - 2.0 * float(cut)


def cut_value(graph: Graph, spins) -> Array:
    """Weight of edges whose endpoints have opposite spins, ``sum w_ij (1 - s_i s_j) / 2``.

    Args:
        graph: the Graph.
        spins: (..., n) +/-1 spins.

    Returns:
        (...,) cut values (equal to ``networkx.cut_size`` of the +1 side).

    Example:
        >>> from circuits.problems import gset
        >>> g = gset.random_graph(4, 1.0)
        >>> float(cut_value(g, jnp.array([1., -1., 1., -1.])))
        4.0
    """
    if not isinstance(spins, jax.core.Tracer):
        a = np.asarray(spins)
        if a.ndim < 1 or a.shape[-1] != graph.n:
            raise ValueError(f"maxcut.cut_value: spins must have shape (..., {graph.n}) for this graph, got {a.shape}")
        if not np.all(np.abs(a) == 1):
            raise ValueError(f"maxcut.cut_value: spins must be +/-1, got the value {a[np.abs(a) != 1].flat[0]!r}; "
                             "convert 0/1 bits with 2 * x - 1")
    s = jnp.asarray(spins, jnp.float32)
    e = jnp.asarray(graph.edges)
    w = jnp.asarray(graph.weights, jnp.float32)
    return jnp.sum(w * (1 - s[..., e[:, 0]] * s[..., e[:, 1]]) / 2, -1)


def partition(spins, nodes=None) -> set:
    """The set of nodes with spin +1 (``nodes[k]`` for spin k; default ``range(n)``)."""
    s = np.asarray(spins)
    nodes = range(len(s)) if nodes is None else nodes
    return {v for v, x in zip(nodes, s) if x > 0}


class DeviceRun(NamedTuple):
    """What a device-level Max-Cut run adds to its result (``method="device"``)."""

    sim_time: float  # simulated time of the run [s]
    energy: float  # Joule energy of magnets + synapses, all replicas [J]
    energy_magnets: float  # Joule energy of the magnets, all replicas [J]
    wall_time: float  # wall-clock time of the run, compilation included [s]
    time_to_target: float  # first simulated time a replica reached target_cut, NaN if not [s]
    flips_per_ns: float  # output flips per magnet per simulated ns, replica mean [1/ns]
    trace: device_network.Trace  # per-chunk record
    scheme: str  # torque scheme: "self" or the heavy-metal baseline name


class MaxCutResult(NamedTuple):
    """Outcome of :func:`solve`, the same for every method."""

    cut: float  # best cut found [weight units]
    spins: np.ndarray  # (n,) +-1 spins of the best cut
    method: str  # "anneal", "tempering", "icm" or "device"
    schedule: dict  # how it ran: kind, betas or ladder, update rule (JSON-ready)
    run: Any  # the annealer's circuits.annealing.driver.Result, or a DeviceRun for method="device"
    devices: int = 1  # XLA devices the replicas were split over
    wall_time: float = float("nan")  # seconds of the whole call: set-up, compilation and run [s]


def solve(key, graph: Graph, *, method: str = "anneal", n_sweeps: int | None = None, n_replicas: int | None = None,
          rule: str | None = None, beta: tuple | None = None, time_limit: float | None = None,
          target_cut: float | None = None, progress: Callable | None = None, checkpoint=None, resume=None,
          mesh=None, scheme: str = "self", calibration: calibrate.Calibration | None = None,
          sim_time: float = 100e-9, interval: int = 10, stop_at_target: bool | None = None,
          layout: str = "sparse") -> MaxCutResult:
    """Solve Max-Cut on ``graph`` with p-bits: simulated annealing, parallel tempering or sLLG magnets.

    Args:
        key: PRNG key or integer seed (:func:`pbits.runtime.prng.key_and_seed`).
        graph: the :class:`circuits.problems.gset.Graph`.
        method: ``"anneal"`` (default), ``"tempering"``, ``"icm"`` (tempering with Houdayer cluster moves between
            pairs of chains: the ground-state finder for 2D glasses, docs/methods.md §5) or ``"device"`` (the
            device-level network).
        n_sweeps: sweeps (annealing, tempering). None (default): with ``time_limit`` and ``method="anneal"`` the
            run is *planned* to spend the budget: one geometric schedule from a first guess
            (:func:`circuits.annealing.anytime.first_guess`), two short probe chunks measure the sweep rate after compilation, and between
            chunks the rest of the schedule is re-timed to the measured rate, so that the cold end comes at
            ~0.96 ``time_limit`` whatever the load (:func:`circuits.annealing.simulated.anneal` with
            ``fit_to_time``); otherwise 1000 sweeps. A given ``n_sweeps`` is a
            fixed schedule, which ``time_limit`` may cut short (``schedule["cut_short"]``: the cold end was
            not reached).
        n_replicas: replicas (default :func:`circuits.annealing.anytime.default_replicas`: 64 below 4096 spins, else one packed
            word of 4 replicas per device; 4 for ``"device"``); tempering runs ``min(16, R)`` rungs of
            ``R // rungs`` chains (default 64 replicas).
        rule: ``"metropolis"`` (default for annealing and tempering: optimisation) or ``"pbit"`` (behavioural
            p-bit, heat bath: the rule for sampling, and of the p-bit hardware).
        beta: ``(beta0, beta1)``, hot to cold (default :func:`circuits.annealing.schedules.default_beta_range`,
            from the instance's own single-flip energy changes):
            the geometric schedule, the ends of the tempering ladder, or the device's beta_eff ramp.
        time_limit: wall seconds of the whole call [s] (annealing, tempering).
        target_cut: stop once a cut >= this is found (device: record the first time it is reached).
        progress: ``progress(done, total, record) -> bool | None`` between chunks (True stops the run).
        checkpoint, resume: as in :func:`circuits.annealing.simulated.anneal`.
        mesh: None, "auto", a ``jax.sharding.Mesh`` (as in :func:`circuits.annealing.simulated.anneal`), or
            ``"local"``: split the replicas over the local devices when they divide evenly, else one device.
        scheme: device torque scheme, ``"self"`` or a heavy-metal baseline (:data:`pbits.device.stack.SCHEMES`).
        calibration: a :class:`pbits.pbit.calibrate.Calibration` (device; default: calibrated here, ~5-10 s,
            without the heavy metal's Oersted field).
        sim_time: simulated anneal time of the device [s].
        interval: Heun steps per synapse update (device).
        stop_at_target: device: stop at ``target_cut`` (default: when a target is given).
        layout: device: ``"sparse"`` (padded neighbours) or ``"dense"`` couplings.

    Returns:
        :class:`MaxCutResult`.

    Example:
        >>> from circuits.problems import gset
        >>> r = solve(0, gset.random_graph(30, 0.3, seed=1), n_sweeps=200, n_replicas=8)
        >>> r.method, r.cut == float(cut_value(gset.random_graph(30, 0.3, seed=1), r.spins))
        ('anneal', True)
    """
    if method not in METHODS:
        raise ValueError(f"maxcut.solve: method must be one of {METHODS}, got {method!r}")
    rule = "metropolis" if rule is None else rule
    if rule not in RULES:
        raise ValueError(f"maxcut.solve: rule must be one of {tuple(RULES)}, got {rule!r}")
    if beta is not None and not (len(beta) == 2 and 0 < beta[0] < beta[1] and np.isfinite(beta[1])):
        raise ValueError(f"maxcut.solve: beta must be (beta0, beta1) with 0 < beta0 < beta1 (hot to cold; the "
                         f"schedule is geometric), got {beta!r}")
    target = None if target_cut is None else energy_from_cut(graph, target_cut)
    if method == "device":
        return _device(prng.key_and_seed(key)[0], graph, n_replicas or 4, beta, target, target_cut, scheme, calibration, sim_time,
                       interval, progress, target_cut is not None if stop_at_target is None else stop_at_target,
                       layout)
    model = to_ising(graph, layout=default_layout(graph))
    t_start = time.perf_counter()
    res, sched, devices = anytime.minimise(key, model, method=method, n_sweeps=n_sweeps, n_replicas=n_replicas,
                                           rule=rule, beta=beta, time_limit=time_limit, target_energy=target,
                                           progress=progress, checkpoint=checkpoint, resume=resume, mesh=mesh,
                                           where="maxcut.solve")
    return MaxCutResult(float(cut_value(graph, res.best_spins)), np.asarray(res.best_spins), method, sched, res,
                        devices, time.perf_counter() - t_start)


DENSE_FILL = 0.25  # couplings present, of all pairs: from here on a graph is solved in the dense layout
DENSE_MOST = 20000  # spins: the dense layout's n x n couplings stay below 1.6 GB


def default_layout(graph: Graph) -> str:
    """``"dense"`` for graphs with at least :data:`DENSE_FILL` of all pairs coupled (K2000, SK-type models; up to
    :data:`DENSE_MOST` vertices), where :mod:`circuits.sampling.dense` sweeps with matrix products, else
    ``"sparse"`` (padded neighbour lists).

    Example:
        >>> from circuits.problems import instances
        >>> default_layout(instances.complete(50)), default_layout(instances.torus2d(10))
        ('dense', 'sparse')
    """
    n, m = int(graph.n), len(graph.edges)
    return "dense" if 2 <= n <= DENSE_MOST and m >= DENSE_FILL * n * (n - 1) / 2 else "sparse"


def _device(key, graph, n_replicas, beta, target, target_cut, scheme, calibration, sim_time, interval, progress,
            stop, layout) -> MaxCutResult:
    """``method="device"``: anneal a device-level network, beta_eff ramping geometrically over ``sim_time``."""
    if not (np.isfinite(sim_time) and sim_time > 0):
        raise ValueError(f"maxcut.solve: sim_time must be a simulated time > 0 [s], got {sim_time!r}")
    k_cal, k0, k1 = jax.random.split(key, 3)
    cal = calibrate.calibrated(k_cal, scheme, oersted=False) if calibration is None else calibration
    model = to_ising(graph, layout=layout)
    net = device_network.network(model, cal.device, cal.params.i0, dt=cal.dt, offset=cal.params.offset,
                                 resistance=cal.resistance)
    b0, b1 = schedules.default_beta_range(model) if beta is None else beta
    n_upd = max(1, int(round(sim_time / (cal.dt * interval))))
    if n_upd > 2**31 - 1:
        raise ValueError(f"maxcut.solve: sim_time = {sim_time:.3g} s is {n_upd:.3g} synapse updates, more than one run "
                         "counts (2^31 - 1); shorten sim_time")
    memory.check(64.0 * graph.n * n_replicas, "maxcut.solve", f"{graph.n} magnets x {n_replicas} replicas",
                 "the replica count")
    st = device_network.init(k0, net, n_replicas)
    t0 = time.perf_counter()
    ramp = schedules.lazy_geometric(b0, b1, n_upd)  # generated a chunk at a time
    st, tr, _ = device_network.run(k1, st, net, lambda start, m: schedules.segment(ramp, start, m),
                                   n_updates=n_upd, interval=interval, chunk=max(1, min(n_upd, 256)),
                                   target_energy=target, stop_at_target=stop, progress=progress)
    jax.block_until_ready(st)
    wall = time.perf_counter() - t0
    spins = np.asarray(st.best_spins[int(jnp.argmin(st.best_energy))], np.int8)
    t_hit = np.asarray(st.t_hit)
    e_m = float(jnp.sum(st.e_magnet))
    run = DeviceRun(float(st.t), e_m + float(jnp.sum(st.e_synapse)), e_m, wall,
                    float(np.nanmin(t_hit)) if np.any(np.isfinite(t_hit)) else float("nan"),
                    float(jnp.mean(st.flips)) / graph.n / (float(st.t) * 1e9), tr, cal.scheme)
    sched = {"kind": "device", "beta0": float(b0), "beta1": float(b1), "sim_time_s": float(sim_time),
             "interval": int(interval), "scheme": cal.scheme}
    return MaxCutResult(float(cut_value(graph, spins)), spins, "device", sched, run)
