"""Minimise an Ising (or QUBO) energy with the anytime annealer, with a certified lower bound, and higher-order
(HUBO) energies by chromatic annealing: what ``pbits solve`` runs (docs/methods.md §5; the formats are in docs/formats.md).

An Ising model ``E(s) = -1/2 s^T J s - h^T s`` is a Max-Cut problem on n + 1 vertices: with an extra spin
``s_0 = +1`` carrying the fields, ``E(s) = sum_{i<j} w_ij s_i s_j + sum_i w_0i s_0 s_i`` with ``w_ij = -J_ij`` and
``w_0i = -h_i``, an energy that is unchanged when every spin flips (so ``s_0 = +1`` costs nothing). Then
``E = W - 2 cut`` with ``W = sum w``, and the certified Max-Cut bound (:func:`circuits.problems.bounds.eigenvalue_bound`)
gives ``E_min >= W - 2 cut_max`` (Barahona, Grötschel, Jünger & Reinelt, Oper. Res. 36, 493 (1988) for the
reduction).
"""
from __future__ import annotations

import time
from typing import Callable, NamedTuple

import numpy as np

from circuits.annealing import anytime, schedules
from circuits.model import ising
from circuits.problems import bounds
from circuits.problems.gset import Graph


class Solution(NamedTuple):
    """Outcome of :func:`solve` (energies include the problem's constant ``offset``)."""

    energy: float  # best energy found, float64 re-scored [energy units]
    spins: np.ndarray  # (n,) int8 +/-1 best state
    lower_bound: float | None  # certified (or Lanczos-only, see ``bound_certified``) lower bound on the energy
    bound_certified: bool | None
    run: anytime.Run  # what ran (driver result, schedule, devices)
    wall_time: float  # seconds, bound included


def as_graph(model: ising.IsingModel, name: str = "ising") -> tuple[Graph, float]:
    """``(graph, W)``: the Max-Cut graph on n + 1 vertices (vertex 0 carries the fields) whose cuts give the
    energies, ``E(s) = W - 2 cut``, and the total weight W.

    Example:
        >>> g, W = as_graph(ising.from_dense([[0., 1.], [1., 0.]], [0.5, 0.0]))
        >>> g.n, sorted(g.weights.tolist()), W
        (3, [-1.0, -0.5], -1.5)
    """
    n = ising.n_spins(model)
    dense = ising.to_dense(model)
    J = np.asarray(dense.J, np.float64)
    i, j = np.nonzero(np.triu(J, 1))
    h = np.asarray(model.h, np.float64)
    f = np.flatnonzero(h)
    edges = np.concatenate([np.stack([i + 1, j + 1], 1), np.stack([np.zeros_like(f), f + 1], 1)]).astype(np.int64)
    w = np.concatenate([-J[i, j], -h[f]])
    return Graph(n + 1, edges.reshape(-1, 2), w, name), float(w.sum())


def lower_bound(model: ising.IsingModel, *, time_limit: float = 2.0) -> bounds.CutBound:
    """A lower bound on ``min_s E(s)`` from the certified Max-Cut bound of :func:`as_graph` (value = the energy
    bound; ``certified`` as there)."""
    g, W = as_graph(model)
    if len(g.edges) == 0:
        return bounds.CutBound(0.0, True, 0, 0.0)
    b = bounds.eigenvalue_bound(g, time_limit=time_limit)
    return b._replace(value=W - 2.0 * b.value)


def solve(key, model: ising.IsingModel, *, offset: float = 0.0, time_limit: float | None = None,
          n_sweeps: int | None = None, n_replicas: int | None = None, rule: str = "metropolis",
          beta: tuple | None = None, target_energy: float | None = None, bound_time: float = 0.0,
          progress: Callable | None = None, checkpoint=None, resume=None, mesh=None,
          method: str = "anneal") -> Solution:
    """Minimise ``E(s) + offset``: the bound first (``bound_time`` seconds of the budget; 0 skips it), then the
    anytime anneal (:func:`circuits.annealing.anytime.minimise`; ``method`` "anneal", "tempering" or "icm") with
    the rest; a certified bound that the best energy reaches (integer couplings: within 1e-9) ends the run as a
    proven optimum.

    Example:
        >>> m = ising.from_dense([[0., 1.], [1., 0.]], [0.5, 0.0])
        >>> s = solve(0, m, n_sweeps=100, n_replicas=4)
        >>> s.energy, s.spins.tolist()
        (-1.5, [1, 1])
    """
    ising.check(model, "ising_solve.solve")
    if not np.isfinite(offset):
        raise ValueError(f"ising_solve.solve: argument 'offset' must be finite, got {offset!r}")
    t0 = time.perf_counter()
    bound = lower_bound(model, time_limit=0.7 * bound_time) if bound_time > 0 else None
    target = None if target_energy is None else float(target_energy) - offset
    if target is None and bound is not None and bound.certified and integer_couplings(model):
        target = float(np.ceil(bound.value - 1e-9 * max(1.0, abs(bound.value))))  # reaching it proves optimality
    left = None if time_limit is None else max(1e-3, time_limit - (time.perf_counter() - t0))
    if method not in ("anneal", "tempering", "icm"):
        raise ValueError(f"ising_solve.solve: method must be 'anneal', 'tempering' or 'icm', got {method!r}")
    run = anytime.minimise(key, model, method=method, n_sweeps=n_sweeps, n_replicas=n_replicas, rule=rule, beta=beta,
                           time_limit=left, target_energy=target, progress=progress, checkpoint=checkpoint,
                           resume=resume, mesh=mesh, where="ising_solve.solve")
    spins = np.asarray(run.result.best_spins, np.int8)
    energy = float(ising.energy_exact(model, spins)) + offset
    return Solution(energy, spins, None if bound is None else bound.value + offset,
                    None if bound is None else bound.certified, run, time.perf_counter() - t0)


def integer_couplings(model: ising.IsingModel) -> bool:
    """All couplings and fields integers (then energies are integers, or integers + 1/2 sums of them)."""
    J = np.asarray(model.J if ising.is_dense(model) else model.w, np.float64)
    h = np.asarray(model.h, np.float64)
    return bool(np.all(J == np.round(J)) and np.all(h == np.round(h)))


PILOT = 64  # sweeps of the pilot that measures a higher-order sweep's cost


def solve_hubo(key, model, *, time_limit: float | None = None, n_sweeps: int | None = None,
               n_replicas: int | None = None, rule: str = "metropolis", target_energy: float | None = None,
               progress: Callable | None = None) -> Solution:
    """Minimise a higher-order model (:class:`circuits.model.hubo.Hubo`, its offset included) by chromatic
    annealing (:func:`circuits.annealing.higher_order.anneal`). Without ``n_sweeps`` but with a time limit the one
    geometric schedule is sized from a pilot of :data:`PILOT` sweeps (compiled first) to end at ~0.9 of what is
    left of the budget, which then stops it if the machine slows down (``schedule["cut_short"]``). No lower bound
    is computed for order > 2 (``lower_bound`` is None).

    Example:
        >>> from circuits.model import hubo
        >>> s = solve_hubo(0, hubo.from_dict({(0, 1, 2): 1.0, (1, 2, 3): 1.0, (0, 3): -1.0}), n_sweeps=100)
        >>> s.energy
        -3.0
    """
    from circuits.annealing import higher_order

    t0 = time.perf_counter()
    R = 16 if n_replicas is None else int(n_replicas)
    update = anytime.RULES[rule]
    b0, b1 = higher_order.default_beta_range(model)
    planned = n_sweeps is None and time_limit is not None
    if planned:
        pilot = higher_order.anneal(key, model, schedules.lazy_geometric(b0, b1, PILOT), n_replicas=R, update=update,
                                    chunk=PILOT)  # the run's chunk shape: compiled once
        per = pilot.run_time / max(1, pilot.sweeps)
        left = time_limit - (time.perf_counter() - t0)
        n_sweeps = int(max(PILOT, 0.9 * left / max(per, 1e-9)))
    n_sweeps = 1000 if n_sweeps is None else int(n_sweeps)
    left = None if time_limit is None else max(1e-3, time_limit - (time.perf_counter() - t0))
    res = higher_order.anneal(key, model, schedules.lazy_geometric(b0, b1, n_sweeps), n_replicas=R, update=update,
                              chunk=PILOT if planned else None, time_limit=left, target_energy=target_energy, progress=progress)
    sched = {"kind": "geometric", "beta0": float(b0), "beta1": float(b1), "n_sweeps": n_sweeps, "rule": rule,
             "planned": planned, "cut_short": res.stopped == "time_limit" and res.sweeps < n_sweeps}
    spins = np.asarray(res.best_spins, np.int8)
    return Solution(float(res.best_energy), spins, None, None, anytime.Run(res, sched, 1), time.perf_counter() - t0)
