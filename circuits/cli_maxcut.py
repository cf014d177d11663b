"""``pbits maxcut [FILE]``: Max-Cut with a p-bit annealer (a thin face over the public API).

Without FILE it solves a built-in 800-node random graph with G-set density (seed 0). The ``pbits``
command gives XLA one CPU device per core (:func:`circuits.distributed.use_cpu_cores`) and the replicas
are split over them when their number divides evenly (same result bit for bit). If the best-known
table (``$PBITS_SHARED/gset/best_known.csv``, default ``<repo>/../shared``) knows the graph, the
best-known cut and the ratio are printed.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np


def shared_dir() -> Path:
    """``$PBITS_SHARED`` or ``<repo root>/../shared``."""
    env = os.environ.get("PBITS_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="G-set/rudy graph file (default: built-in 800-node random graph, seed 0)")
    parser.add_argument("--sweeps", type=int, default=1000, help="sweeps per replica (default 1000)")
    parser.add_argument("--replicas", type=int, default=None,
                        help="independent replicas (default 64; 4 with --device sllg)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="stop after this wall time (checked between chunks)")
    parser.add_argument("--target", type=float, default=None, metavar="CUT", help="stop once a cut >= CUT is found")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0); runs are reproducible")
    parser.add_argument("--method", choices=("anneal", "tempering"), default="anneal",
                        help="simulated annealing (default) or parallel tempering")
    parser.add_argument("--rule", choices=("pbit", "metropolis"), default="pbit",
                        help="update rule: behavioural p-bit (heat bath, default) or Metropolis")
    parser.add_argument("--beta", type=float, nargs=2, default=None, metavar=("BETA0", "BETA1"),
                        help="geometric schedule from BETA0 (hot) to BETA1 (cold), in 1/|J| units (default: "
                             "anneal.default_beta_range); with --method tempering the ladder's ends")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    parser.add_argument("--device", choices=("behavioural", "sllg"), default="behavioural",
                        help="behavioural p-bits (default) or a device-level network of sLLG magnets driven by "
                             "synapse currents (circuits.device_network)")
    parser.add_argument("--torque", choices=("self", "heavy_metal"), default="self",
                        help="with --device sllg: dissipation self-torque (default) or heavy-metal baseline")
    parser.add_argument("--sim-time", type=float, default=100.0, metavar="NS",
                        help="with --device sllg: simulated anneal time [ns] (default 100)")
    parser.add_argument("--plot", metavar="FILE", default=None, help="save the best-cut trace to FILE (png/pdf)")
    parser.add_argument("--checkpoint", metavar="FILE", default=None,
                        help="save the run state to FILE (.npz) after each chunk and on Ctrl-C")
    parser.add_argument("--resume", metavar="FILE", default=None, help="continue a run from a checkpoint FILE")
    parser.add_argument("--shard", action="store_true",
                        help="shard the replicas over all jax.devices() (--replicas must be a multiple of their "
                             "count); without it they are split over the local CPU cores if --replicas divides evenly")
    parser.add_argument("--distributed", action="store_true",
                        help="join a multi-host job first (jax.distributed; PBITS_COORDINATOR, PBITS_NUM_PROCESSES, "
                             "PBITS_PROCESS_ID or the cluster's own variables), then shard over all hosts' devices")


def run(args) -> int:
    from circuits import distributed

    if getattr(args, "distributed", False):
        distributed.initialize()
    import jax

    from circuits import anneal, gset, maxcut, pbit, plotting
    from circuits import run as driver
    from circuits import tempering

    if args.replicas is None:
        args.replicas = 4 if args.device == "sllg" else 64
    if args.sweeps < 1:
        raise ValueError(f"--sweeps must be a positive integer, got {args.sweeps}")
    if args.replicas < 1:
        raise ValueError(f"--replicas must be a positive integer, got {args.replicas}")
    if args.time_limit is not None and args.time_limit <= 0:
        raise ValueError(f"--time-limit must be positive seconds, got {args.time_limit}")
    beta = getattr(args, "beta", None)
    if beta is not None and not (0 <= beta[0] < beta[1] and np.isfinite(beta[1])):
        raise ValueError(f"--beta must be two numbers 0 <= BETA0 < BETA1 (hot to cold), got {beta[0]:g} {beta[1]:g}")
    rule = {"pbit": pbit.behavioural, "metropolis": pbit.metropolis}[getattr(args, "rule", "pbit")]
    shard = getattr(args, "shard", False) or getattr(args, "distributed", False)
    rungs = min(16, args.replicas)  # tempering: rungs x chains replicas
    chains = max(1, args.replicas // rungs)
    used = args.replicas if args.method == "anneal" else rungs * chains
    mesh = "auto" if shard else distributed.local_mesh(used)  # all local cores when the replicas split evenly
    graph = gset.read(args.file) if args.file else gset.random_graph(800, 0.06, seed=0)
    model = maxcut.to_ising(graph)
    W = maxcut.total_weight(graph)
    best_known = gset.best_known(graph.name, shared_dir() / "gset" / "best_known.csv") if args.file else None
    target_e = None if args.target is None else maxcut.energy_from_cut(graph, args.target)
    leader = jax.process_index() == 0  # with --distributed only process 0 reports
    progress = sys.stderr.isatty() and not args.json and leader
    if args.device == "sllg":
        return _run_sllg(args, graph, model, best_known)
    if args.method == "anneal":
        b0, b1 = anneal.default_beta_range(model) if beta is None else beta
        betas = anneal.geometric(b0, b1, args.sweeps)
        res = driver.anneal(args.seed, model, betas, n_replicas=args.replicas, time_limit=args.time_limit,
                            target_energy=target_e, progress=progress, checkpoint=args.checkpoint,
                            resume=args.resume, mesh=mesh, update=rule)
        schedule = {"kind": "geometric", "beta0": b0, "beta1": b1, "n_sweeps": args.sweeps, "rule": args.rule}
    else:
        ladder = None if beta is None else np.geomspace(max(beta[0], 1e-3 * beta[1]), beta[1], rungs)
        res, info = tempering.anneal(args.seed, model, ladder, n_sweeps=args.sweeps, n_rungs=rungs, n_chains=chains,
                                     update=rule, time_limit=args.time_limit, target_energy=target_e, progress=progress,
                                     checkpoint=args.checkpoint, resume=args.resume, mesh=mesh)
        schedule = {"kind": "tempering", "rule": args.rule, "ladder": [float(b) for b in info["ladder"]],
                    "swap_acceptance": [float(a) for a in info["acceptance"]]}
    cut = float(maxcut.cut_value(graph, res.best_spins))
    out = {
        "instance": graph.name, "n": graph.n, "m": int(len(graph.edges)), "method": res.method,
        "best_cut": cut, "best_energy": res.best_energy, "best_known": best_known,
        "ratio": None if best_known is None else cut / best_known,
        "time_s": res.wall_time, "compile_s": res.compile_time, "run_s": res.run_time,
        "sweeps": res.sweeps, "replicas": res.n_replicas,
        "spin_updates_per_s": res.spin_updates_per_s, "schedule": schedule, "seed": res.seed,
        "stopped": res.stopped, "checkpoint": args.checkpoint, "packed": res.packed,
        "devices": 1 if mesh is None else len(jax.devices()), "processes": jax.process_count(),
    }
    if not leader:
        return 130 if res.stopped == "keyboard" else 0
    if args.plot:
        plotting.cut_trace(res, W, best_known=best_known, path=args.plot)
    if args.json:
        print(json.dumps(out))
    else:
        print(f"instance      {graph.name}  (n = {graph.n}, m = {len(graph.edges)})")
        print(f"method        {res.method}, {res.n_replicas} replicas, {res.sweeps} sweeps, seed {res.seed}")
        print(f"best cut      {cut:g}")
        if best_known is not None:
            print(f"best known    {best_known}  (ratio {cut / best_known:.5f})")
        print(f"time          {res.wall_time:.2f} s = {res.compile_time:.2f} s compiling + "
              f"{res.run_time:.2f} s running  ({res.spin_updates_per_s:.3g} spin updates/s)")
        if res.stopped != "done":
            print(f"stopped       {res.stopped}" + (f"; state saved to {args.checkpoint}" if args.checkpoint else ""))
        if args.plot:
            print(f"plot          {args.plot}")
    return 130 if res.stopped == "keyboard" else 0


def _sllg_bar(done, total, state) -> None:
    """Progress of the device-level anneal (synapse updates done / total) on stderr."""
    print(f"\r  synapse updates {done}/{total} ({100 * done / total:.0f} %)", end="", file=sys.stderr, flush=True)


def _run_sllg(args, graph, model, best_known) -> int:
    """``--device sllg``: anneal the device-level network (beta_eff = I_unit / I0 ramped over --sim-time)."""
    from circuits import anneal
    from circuits import device_network as dn
    from pbits import prng

    if not args.sim_time > 0:
        raise ValueError(f"--sim-time must be a positive number of nanoseconds, got {args.sim_time}")
    b0, b1 = anneal.default_beta_range(model)
    r = dn.solve_maxcut(prng.key(args.seed), graph, scheme=args.torque, n_replicas=args.replicas,
                        duration=args.sim_time * 1e-9, beta=(b0, b1), target_cut=args.target,
                        stop_at_target=args.target is not None,
                        progress=_sllg_bar if sys.stderr.isatty() and not args.json else None)
    if sys.stderr.isatty() and not args.json:
        print(file=sys.stderr)
    hit = None if np.isnan(r.time_to_target) else r.time_to_target
    out = {"instance": graph.name, "n": graph.n, "m": int(len(graph.edges)), "method": f"sllg-{args.torque}",
           "best_cut": r.cut, "best_known": best_known, "ratio": None if best_known is None else r.cut / best_known,
           "sim_time_s": r.sim_time, "energy_J": r.energy, "energy_magnets_J": r.energy_magnets,
           "time_s": r.wall_time, "time_to_target_s": hit, "flips_per_ns": r.flips_per_ns,
           "replicas": args.replicas, "seed": args.seed}
    if args.json:
        print(json.dumps(out))
        return 0
    print(f"instance      {graph.name}  (n = {graph.n}, m = {len(graph.edges)})")
    print(f"device        sLLG magnets, {args.torque} torque, {args.replicas} replicas, seed {args.seed}")
    print(f"best cut      {r.cut:g}")
    if best_known is not None:
        print(f"best known    {best_known}  (ratio {r.cut / best_known:.5f})")
    reached = "" if hit is None else f"  (target reached at {hit * 1e9:.4g} ns)"
    print(f"simulated     {r.sim_time * 1e9:.4g} ns{reached}")
    print(f"energy        {r.energy:.4g} J  (magnets {r.energy_magnets:.4g} J, "
          f"synapses {r.energy - r.energy_magnets:.4g} J)")
    print(f"wall time     {r.wall_time:.2f} s")
    return 0
