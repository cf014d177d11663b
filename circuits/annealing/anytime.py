"""Minimise the energy of an Ising model within a budget: the one optimisation driver behind ``pbits maxcut`` and
``pbits solve`` (docs/methods.md §5).

:func:`minimise` picks the replica count (:func:`default_replicas`), the schedule (a geometric one over the
instance's own beta range, :func:`circuits.annealing.schedules.default_beta_range`) and, without a sweep count but
with a time limit, *plans* the anneal to spend the budget (:func:`first_guess`, then re-timed between chunks by
:func:`circuits.annealing.simulated.anneal` with ``fit_to_time``); or runs parallel tempering. It returns the
driver's :class:`circuits.annealing.driver.Result` with a record of the schedule that ran.
"""
from __future__ import annotations

import time
from typing import Callable, NamedTuple

import jax
import numpy as np

from circuits.annealing import checkpoint, driver, schedules, simulated, tempering
from circuits.model import ising
from circuits.sampling import rules
from pbits.runtime import sharding

RULES = {"pbit": rules.behavioural, "metropolis": rules.metropolis}
PLAN_WORK = 1e9  # neighbour visits per chunk (a fraction of a second: a planned schedule is re-timed that often)
FAST_VISITS = 2e10  # neighbour visits per second: more than any machine we measured, for a first guess
LARGE = 4096  # spins: from here on one long anneal of few replicas (default_replicas)


class Run(NamedTuple):
    """What :func:`minimise` ran: the driver's result, the schedule record and the devices used."""

    result: driver.Result
    schedule: dict  # kind, rule, betas or ladder, n_sweeps, planned, cut_short, ...
    devices: int


def default_replicas(n: int, devices: int = 1, backend: str = "cpu") -> int:
    """Replicas of an anneal of ``n`` spins over ``devices``: on a CPU 64 below :data:`LARGE` spins, else
    ``4 * devices`` (one packed word of four replicas per device, :mod:`circuits.sampling.packed`); on an
    accelerator 64 (its vector width is far from full at 64 replicas of a G-set graph, so they cost no sweeps).

    At a fixed budget more replicas mean a shorter anneal. The spread of the annealed energies of independent
    replicas grows as sqrt(n) while the energy gained by a longer anneal grows as n, so on large instances one
    long anneal of the fewest replicas that fill the devices beats the best of many shorter ones; on small ones
    the best of many is worth more (measured on the tuning set, BENCHMARKS.md).

    Example:
        >>> default_replicas(800, 2), default_replicas(20000, 2)
        (64, 8)
    """
    return 64 if n < LARGE or backend != "cpu" else 4 * max(1, int(devices))


def first_guess(model: ising.IsingModel, n_replicas: int, time_limit: float) -> int:
    """The first length of a planned anneal: the sweeps ``time_limit`` buys at an optimistic
    :data:`FAST_VISITS` neighbour visits per second. Only the two probe chunks run on it, so a guess too long
    keeps them a little hotter, which costs nothing; the run is then re-timed to the measured rate."""
    d = ising.n_spins(model) if ising.is_dense(model) else int(model.nbr.shape[1])
    return int(max(simulated.FIT_LEAST, min(2**40, time_limit * FAST_VISITS / (ising.n_spins(model) * d * n_replicas))))


def resumed_schedule(path, where: str = "anytime.minimise") -> schedules.Geometric:
    """The schedule of a checkpointed anneal (so that ``resume`` without ``n_sweeps`` continues it)."""
    text = str(checkpoint.load(path).get("schedule", ""))
    schedule = schedules.from_identity(text)
    if schedule is None:
        raise ValueError(f"{where}: checkpoint '{path}' holds no geometric schedule ({text!r}); pass n_sweeps "
                         "(--sweeps) as it was when the run began")
    return schedule


def minimise(key, model: ising.IsingModel, *, method: str = "anneal", n_sweeps: int | None = None,
             n_replicas: int | None = None, rule: str = "metropolis", beta: tuple | None = None,
             time_limit: float | None = None, target_energy: float | None = None, progress: Callable | None = None,
             checkpoint=None, resume=None, mesh=None, where: str = "anytime.minimise") -> Run:
    """Anneal (or temper) ``model`` toward its ground state; the arguments are those of
    :func:`circuits.problems.maxcut.solve` (``target_energy`` instead of a target cut), checked there.
    ``method``: ``"anneal"``, ``"tempering"`` or ``"icm"`` (tempering with Houdayer cluster moves between chain
    pairs, :func:`circuits.annealing.tempering.anneal` with ``cluster=True``)."""
    devices_here = 1 if mesh is None else (len(jax.local_devices()) if isinstance(mesh, str) else
                                           sharding.make_mesh(mesh).size)
    n = ising.n_spins(model)
    if n_replicas is not None:
        R = int(n_replicas)
    else:
        R = default_replicas(n, devices_here, jax.default_backend()) if method == "anneal" else 64
    rungs = min(16, R) if method != "icm" else min(16, max(1, R // 2))  # tempering: rungs x chains columns
    if method in ("tempering", "icm") and R > 16 and R % 16:
        raise ValueError(f"{where}: tempering runs 16 rungs of n_replicas / 16 chains; n_replicas = {R} is not a "
                         f"multiple of 16 (use {R // 16 * 16} or {(R // 16 + 1) * 16})")
    if method == "icm" and (R < 4 or (R // rungs) % 2):
        raise ValueError(f"{where}: cluster moves pair two chains of a rung, so n_replicas / 16 must be even (or "
                         f"n_replicas an even number from 4 to 32); got n_replicas = {R}: use "
                         f"{max(4, R // 32 * 32)} or {(R // 32 + 1) * 32}")
    columns = R if method == "anneal" else rungs * max(1, R // rungs)
    if isinstance(mesh, str) and mesh == "local":
        mesh = sharding.local_mesh(columns)
    devices = 1 if mesh is None else sharding.make_mesh(mesh).size
    common = dict(update=RULES[rule], time_limit=time_limit, target_energy=target_energy, progress=progress,
                  checkpoint=checkpoint, resume=resume, mesh=mesh)
    t_start = time.perf_counter()
    if method == "anneal":
        b0, b1 = schedules.default_beta_range(model) if beta is None else beta
        planned = n_sweeps is None and time_limit is not None and resume is None
        work = PLAN_WORK * (simulated.DENSE_WORK if ising.is_dense(model) else 1)
        chunk = driver.chunk_size(model, R, 2**30, work=work)  # one chunk shape for every run: one compile
        if planned:  # a first guess, re-timed after two probe chunks (simulated.anneal(fit_to_time=True))
            if not (np.isfinite(time_limit) and time_limit > 0):
                raise ValueError(f"{where}: time_limit must be a finite number of seconds > 0, got {time_limit!r}")
            betas = schedules.lazy_geometric(b0, b1, first_guess(model, R, time_limit))
        elif n_sweeps is None and resume is not None:
            betas = resumed_schedule(resume, where)  # as it stood when the checkpoint was written
        else:
            betas = schedules.lazy_geometric(b0, b1, 1000 if n_sweeps is None else n_sweeps)
        left = None if time_limit is None else max(1e-3, time_limit - (time.perf_counter() - t_start))
        res = simulated.anneal(key, model, betas, n_replicas=R, chunk=chunk, fit_to_time=planned,
                               **dict(common, time_limit=left))
        n_sweeps = res.schedule.n_sweeps  # a planned run: as re-timed
        sched = {"kind": "geometric", "beta0": float(b0), "beta1": float(b1), "n_sweeps": int(n_sweeps), "rule": rule,
                 "planned": planned}
        if planned:
            sched.update(budget_s=float(time_limit), first_plan=int(betas.n_sweeps), retimed=len(res.schedule.knots),
                         sweep_s=float(res.run_time / max(res.sweeps, 1)),
                         over_budget=bool(res.compile_time > 0.5 * time_limit or
                                          res.sweeps <= simulated.FIT_LEAST < res.sweeps * 2))
    else:
        n_sweeps = 1000 if n_sweeps is None else n_sweeps
        ladder = None if beta is None else np.geomspace(max(beta[0], 1e-3 * beta[1]), beta[1], rungs)
        res, host = tempering.anneal(key, model, ladder, n_sweeps=n_sweeps, n_rungs=rungs,
                                     n_chains=max(1, R // rungs), cluster=method == "icm", **common)
        sched = {"kind": "tempering", "rule": rule, "cluster_moves": method == "icm",
                 "ladder": [float(b) for b in host.betas],
                 "swap_acceptance": [float(a) for a in host.acceptance], "n_sweeps": int(n_sweeps), "planned": False}
    sched["cut_short"] = res.stopped == "time_limit" and res.sweeps < n_sweeps  # the cold end was not reached
    return Run(res, sched, devices)
