"""``pbits maxcut [FILE]``: Max-Cut with p-bits, a thin face over :func:`circuits.problems.maxcut.solve`.

Without FILE it solves a built-in 800-node random graph with G-set density (seed 0). The ``pbits`` command
gives XLA one CPU device per core (:func:`pbits.runtime.sharding.use_cpu_cores`) and the replicas are split
over them when their number divides evenly (same result bit for bit). If the best-known table
(``$PBITS_SHARED/gset/best_known.csv``) knows the graph, the best-known cut and the ratio are printed.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from circuits.cli import common
from pbits.device.stack import SCHEMES

DEFAULT_BUDGET = 10.0  # seconds, when neither --time-limit nor --sweeps is given


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``pbits maxcut``."""
    parser.add_argument("file", nargs="?", metavar="FILE",
                        help="G-set/rudy graph file (default: built-in 800-node random graph, seed 0)")
    parser.add_argument("--sweeps", type=int, default=None,
                        help="a fixed schedule of this many sweeps per replica (default: the anneal is planned to "
                             "spend the time budget; --method tempering: 1000)")
    parser.add_argument("--replicas", type=int, default=None,
                        help="independent replicas (default: 64 below 4096 spins, else 4 per device: one long "
                             "anneal; 4 with --device sllg; 64 with --method tempering)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help=f"time budget [s] (default {DEFAULT_BUDGET:g} s unless --sweeps is given): one geometric "
                             f"anneal is planned to end near it, re-timed between chunks to the measured sweep rate "
                             f"(reading the file, compilation and the upper bound count); with --sweeps the fixed schedule is stopped "
                             f"at the limit and the summary says that it was cut")
    parser.add_argument("--target", type=float, default=None, metavar="CUT", help="stop once a cut >= CUT is found")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0); runs are reproducible")
    parser.add_argument("--method", choices=("anneal", "tempering", "icm"), default=None,
                        help="simulated annealing (default), parallel tempering, or icm: tempering with Houdayer "
                             "cluster moves between pairs of chains (for 2D glasses; replicas a multiple of 32)")
    parser.add_argument("--rule", choices=("pbit", "metropolis"), default=None,
                        help="update rule: Metropolis (default: optimisation; zero-cost flips always taken) or the "
                             "behavioural p-bit (heat bath, the rule of p-bit hardware and of sampling); the "
                             "summary and the JSON say which ran")
    parser.add_argument("--beta", type=float, nargs=2, default=None, metavar=("BETA0", "BETA1"),
                        help="geometric schedule from BETA0 (hot) to BETA1 (cold), in 1/|J| units (default: "
                             "from the instance's energy changes: 30 %% of the uphill flips of random states accepted "
                             "at BETA0, the smallest one accepted < 1/n at BETA1); with --method tempering the ladder's "
                             "ends; with --device sllg the beta_eff ramp")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    parser.add_argument("--bound-time", type=float, default=None, metavar="SECONDS",
                        help="seconds for the certified upper bound, computed before the run and counted in the "
                             "budget (default: 5 %% of it, at least 0.5 s, at most 5 s; 0 skips the bound); with "
                             "integer weights a cut that reaches it is a proven optimum and the run stops there")
    parser.add_argument("--device", choices=("behavioural", "sllg"), default="behavioural",
                        help="behavioural p-bits (default) or a device-level network of sLLG magnets driven by "
                             "synapse currents (circuits.device_network)")
    parser.add_argument("--torque", choices=SCHEMES, default=None,
                        help="with --device sllg: dissipation self-torque (default: self) or a heavy-metal "
                             "baseline (pt, ta, w)")
    parser.add_argument("--sim-time", type=float, default=None, metavar="NS",
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
    """Solve, print the summary or one JSON object; return the exit code."""
    if getattr(args, "distributed", False):
        common.join_distributed()
    import jax

    from circuits.problems import gset, maxcut

    device = args.device == "sllg"
    _check_options(args, device)
    args.replicas = 4 if device and args.replicas is None else args.replicas
    args.method, args.rule = args.method or "anneal", args.rule or "metropolis"
    if not device and args.time_limit is None and args.sweeps is None and args.resume is None:
        args.time_limit = DEFAULT_BUDGET
    args.torque, args.sim_time = args.torque or "self", 100.0 if args.sim_time is None else args.sim_time
    common.check_output(args.plot, "--plot", suffixes=common.FIGURE_TYPES)
    common.check_output(args.checkpoint, "--checkpoint", suffixes=("npz",))
    graph = gset.read(args.file) if args.file else gset.random_graph(800, 0.06, seed=0)
    best_known = gset.best_known(graph.name, common.shared_dir() / "gset" / "best_known.csv") if args.file else None
    leader = jax.process_index() == 0  # with --distributed only process 0 reports
    mesh = "auto" if (args.shard or args.distributed) else "local"  # "local": over the cores if R splits evenly
    W = maxcut.total_weight(graph)
    from circuits.problems import bounds

    t0, bound_s = common.started(), _bound_seconds(args)  # the budget counts from the command's start
    read_s = time.perf_counter() - t0
    # the bound first: a cut that reaches it is a proven optimum, and the run stops there
    bound = bounds.eigenvalue_bound(graph, time_limit=0.7 * bound_s) if bound_s > 0 else None
    budget = None if args.time_limit is None else max(1e-3, args.time_limit - (time.perf_counter() - t0))
    proven = _provable(graph, bound)
    target = args.target if args.target is not None or proven is None else proven
    if device:
        bar = common.Bar("synapse updates", lambda tr: f"best cut {(W - tr.best_energy) / 2:.0f}",
                         enabled=sys.stderr.isatty() and not args.json)
    else:
        bar = common.Bar("sweeps", lambda tr: f"best cut {(W - float(tr.best[-1])) / 2:.0f}",
                         enabled=sys.stderr.isatty() and not args.json and leader)
    r = maxcut.solve(args.seed, graph, method="device" if device else args.method, n_sweeps=args.sweeps,
                     n_replicas=args.replicas, rule=args.rule, beta=None if args.beta is None else tuple(args.beta),
                     time_limit=budget, target_cut=target, progress=bar, checkpoint=args.checkpoint,
                     resume=args.resume, mesh=None if device else mesh, scheme=args.torque,
                     sim_time=args.sim_time * 1e-9)
    bar.close()
    out = _summary(args, graph, best_known, r, jax, bound)
    if not device:
        out.update(time_s=time.perf_counter() - t0, read_s=read_s)  # the whole command: reading the file included
    out["proven_optimal"] = proven is not None and r.cut >= proven
    if not leader:
        return 130 if out.get("stopped") == "keyboard" else 0
    if args.json:
        print(json.dumps(out))
    else:
        _print(out, args)
    if args.plot and not device:
        def plot():
            from circuits import plotting

            plotting.cut_trace(r.run, W, best_known=best_known, path=args.plot)
            return args.plot

        saved = common.draw("the cut trace", plot)
        if saved and not args.json:
            print(f"plot          saved to {saved}")
    return 130 if out.get("stopped") == "keyboard" else 0


def _provable(graph, bound) -> float | None:
    """The largest cut a certified bound allows when that proves optimality: ``floor(bound)`` for integer weights
    (a cut reaching it is optimal), else None."""
    if bound is None or not bound.certified or not np.all(np.asarray(graph.weights) == np.round(graph.weights)):
        return None
    return float(np.floor(bound.value + 1e-9 * max(1.0, abs(bound.value))))


def _bound_seconds(args) -> float:
    """Seconds for the upper bound: ``--bound-time``, else 5 % of the budget within [0.5, 5] s (2 s without)."""
    if args.bound_time is not None:
        return float(args.bound_time)
    return 2.0 if args.time_limit is None else float(np.clip(0.05 * args.time_limit, 0.5, 5.0))


def _check_options(args, device: bool) -> None:
    """Refuse values out of range and options that do not apply to the chosen mode, with the reason."""
    common.check_budget(args, target="cut value")
    if args.beta is not None and not (0 < args.beta[0] < args.beta[1] and np.isfinite(args.beta[1])):
        raise ValueError(f"--beta must be two numbers 0 < BETA0 < BETA1 (hot to cold; the schedule is geometric), "
                         f"got {args.beta[0]:g} {args.beta[1]:g}")
    if args.sim_time is not None and not (np.isfinite(args.sim_time) and args.sim_time > 0):
        raise ValueError(f"--sim-time must be a finite number of nanoseconds > 0, got {args.sim_time}")
    if device:
        given = [f"--{name.replace('_', '-')}" for name in ("method", "rule", "sweeps", "time_limit", "plot",
                                                              "checkpoint", "resume") if getattr(args, name)]
        given += ["--shard"] if args.shard else []
        if given:
            raise ValueError(f"{', '.join(given)} do(es) not apply to --device sllg (the device-level network runs "
                             "for --sim-time of simulated time, without a schedule of sweeps, checkpoints or a cut "
                             "trace); drop them or run without --device sllg")
    else:
        given = [f"--{name.replace('_', '-')}" for name in ("torque", "sim_time") if getattr(args, name) is not None]
        if given:
            raise ValueError(f"{', '.join(given)} only apply to --device sllg; add it or drop them")


def _summary(args, graph, best_known, r, jax, bound=None) -> dict:
    """The JSON-ready summary of a :class:`circuits.problems.maxcut.MaxCutResult` (and its upper bound)."""
    out = {"instance": graph.name, "n": graph.n, "m": int(len(graph.edges)), "best_cut": r.cut,
           "best_known": best_known, "ratio": None if best_known is None else r.cut / best_known, "seed": args.seed,
           "upper_bound": None if bound is None else bound.value,
           "bound_certified": None if bound is None else bound.certified,
           "gap_to_bound": None if bound is None or bound.value <= 0 else 1.0 - r.cut / bound.value,
           "bound_s": None if bound is None else bound.seconds}
    if r.method == "device":
        d = r.run
        hit = None if np.isnan(d.time_to_target) else d.time_to_target
        return {**out, "method": f"sllg-{d.scheme}", "sim_time_s": d.sim_time, "energy_J": d.energy,
                "energy_magnets_J": d.energy_magnets, "time_s": d.wall_time, "time_to_target_s": hit,
                "flips_per_ns": d.flips_per_ns, "replicas": args.replicas}
    res = r.run
    whole = res.wall_time + (0.0 if bound is None else bound.seconds)  # the command's time, bound included
    return {**out, "method": r.method, "best_energy": res.best_energy, "time_s": whole,
            "compile_s": res.compile_time, "run_s": res.run_time, "sweeps": res.sweeps,
            "planned_sweeps": r.schedule.get("n_sweeps"), "time_limit_s": args.time_limit,
            "schedule_cut": bool(r.schedule.get("cut_short")), "replicas": res.n_replicas,
            "spin_updates_per_s": res.spin_updates_per_s, "schedule": r.schedule, "seed": res.seed,
            "stopped": res.stopped, "checkpoint": args.checkpoint, "packed": res.packed, "rule": r.schedule["rule"],
            "over_budget": bool(r.schedule.get("over_budget", False)),
            "devices": r.devices, "processes": jax.process_count()}


def _print(out: dict, args) -> None:
    """The human-readable summary."""
    print(f"instance      {out['instance']}  (n = {out['n']}, m = {out['m']})")
    if out["method"].startswith("sllg"):
        print(f"device        sLLG magnets, {args.torque} torque, {out['replicas']} replicas, seed {out['seed']}")
    else:
        print(f"method        {out['method']}, {out['replicas']} replicas, {out['sweeps']} sweeps, seed {out['seed']}")
    print(f"best cut      {common.number(out['best_cut'])}")
    if out["best_known"] is not None:
        print(f"best known    {out['best_known']}  (ratio {out['ratio']:.5f})")
    if out["upper_bound"] is not None:
        how = "certified" if out["bound_certified"] else "not certified: too large to factorise"
        print(f"upper bound   {out['upper_bound']:.1f}  (eigenvalue bound, {how}; the cut is within "
              f"{100 * out['gap_to_bound']:.2f} % of it)" + ("; the cut reaches it: optimal"
                                                            if out.get("proven_optimal") else ""))
    if out["method"].startswith("sllg"):
        hit = out["time_to_target_s"]
        reached = "" if hit is None else f"  (target reached at {hit * 1e9:.4g} ns)"
        print(f"simulated     {out['sim_time_s'] * 1e9:.4g} ns{reached}")
        print(f"energy        {out['energy_J']:.4g} J  (magnets {out['energy_magnets_J']:.4g} J, "
              f"synapses {out['energy_J'] - out['energy_magnets_J']:.4g} J)")
        print(f"wall time     {out['time_s']:.2f} s")
        return
    bound = f" + {out['bound_s']:.2f} s upper bound" if out["bound_s"] is not None else ""
    print(f"time          {out['time_s']:.2f} s = {out['read_s']:.2f} s reading + {out['compile_s']:.2f} s compiling + "
          f"{out['run_s']:.2f} s running{bound}  ({out['spin_updates_per_s']:.3g} spin updates/s)")
    if out["schedule"].get("planned"):
        print(f"schedule      planned for the {out['time_limit_s']:g} s budget: {out['planned_sweeps']} sweeps, "
              f"beta {out['schedule']['beta0']:.3g} -> {out['schedule']['beta1']:.3g}, {out['schedule']['rule']} rule")
    if out["over_budget"]:
        print(f"warning       compiling took {out['compile_s']:.2f} s of the {out['time_limit_s']:g} s budget: the "
              "anneal was shortened to fit (or overran it to anneal at all); raise --time-limit for a better cut")
    if out["schedule_cut"]:
        print(f"schedule cut  at sweep {out['sweeps']} of {out['planned_sweeps']} by the time limit: the cold end was "
              "not reached; drop --sweeps to plan the run to the budget, or raise --time-limit")
    if out["stopped"] != "done":
        print(f"stopped       {out['stopped']}" + (f"; state saved to {args.checkpoint}" if args.checkpoint else ""))
