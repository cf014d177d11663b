"""``pbits device``: derived parameters of a nanomagnet device and, with ``--switching``, its
switching-probability curve for both torque schemes (self-torque of Choi et al., Nature
Communications 2025, doi:10.1038/s41467-025-61073-w, vs a heavy-metal SOT baseline).

Thin: calls :mod:`pbits.devices` and :mod:`pbits.plotting` only.
"""
from __future__ import annotations

import argparse
import json
import sys

import jax
import numpy as np

from pbits import devices


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``pbits device``."""
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--preset", default=None, choices=devices.PRESETS,
                     help="device preset (default: ni_afmi, the Ni/AFM-insulator stack)")
    src.add_argument("--params", metavar="FILE.json", help="device parameters as JSON (see pbits.devices.from_dict)")
    parser.add_argument("--baseline", default="pt", choices=devices.BASELINES, help="heavy-metal baseline (default pt)")
    parser.add_argument("--switching", action="store_true", help="switching probability vs current, both schemes")
    parser.add_argument("--width", type=float, default=2e-9, help="write-pulse width [s] (default 2e-9)")
    parser.add_argument("--trials", type=int, default=32, help="trials per current (default 32)")
    parser.add_argument("--points", type=int, default=12, help="currents per curve (default 12)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--plot", metavar="FILE", help="save the switching curves to FILE (implies --switching)")


def _stack(args) -> devices.Stack:
    if args.params:
        stack = devices.load(args.params)
        if args.baseline != stack.baseline:
            stack = devices.from_dict({**json.load(open(args.params)), "baseline": args.baseline})
        return stack
    return devices.preset(args.preset or "ni_afmi", baseline=args.baseline)


def run(args) -> int:
    """Print the summary (and switching curves); return the exit code."""
    for name in ("width",):
        v = getattr(args, name)
        if not np.isfinite(v) or v <= 0:
            raise ValueError(f"--{name} must be a positive time in seconds, got {v}")
    if args.trials < 1 or args.points < 2:
        raise ValueError(f"--trials must be >= 1 and --points >= 2, got {args.trials} and {args.points}")
    stack = _stack(args)
    out = {"device": args.params or (args.preset or "ni_afmi"), **devices.summary(stack, t_p=args.width)}
    comp = None
    if args.switching or args.plot:
        comp = devices.switching_comparison(jax.random.key(args.seed), stack, width=args.width,
                                            n_points=args.points, n_trials=args.trials)
        out["switching"] = {
            name: {"current_A": c.currents.tolist(), "probability": c.probability.tolist(),
                   "stderr": c.stderr.tolist(), "i50_A": comp.i50[name], "energy50_J": comp.energy50[name]}
            for name, c in comp.curves.items()}
        out["switching"]["energy_ratio_at_p50"] = {"ratio_baseline_over_self": comp.ratio, "baseline": comp.baseline,
                                                   "pulse_width_s": args.width}
    if args.plot:
        from pbits import plotting

        plotting.switching_curves(comp.curves, path=args.plot)
    if args.json:
        json.dump(out, sys.stdout, indent=2, default=float)
        print()
        return 0
    _print(out)
    return 0


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return str(v)


def _print(out: dict) -> None:
    print(f"device: {out['device']}")
    for section in ("magnet", "self_torque", "baseline", "energy", "figure_of_merit"):
        if section in out:
            print(f"\n[{section}]")
            for k, v in out[section].items():
                print(f"  {k:32s} {_fmt(v)}")
    if "note" in out:
        print(f"\nnote: {out['note']}")
    if "switching" in out:
        sw = out["switching"]
        print("\n[switching probability]")
        for name, c in sw.items():
            if name == "energy_ratio_at_p50":
                continue
            print(f"  {name}: I_50 = {c['i50_A']:.4g} A, E(I_50) = {c['energy50_J']:.4g} J")
            for i, p in zip(c["current_A"], c["probability"]):
                print(f"    I = {i:10.4g} A   P = {p:.3f}")
        r = sw["energy_ratio_at_p50"]
        print(f"  energy ratio at P = 0.5 (baseline/self): {r['ratio_baseline_over_self']:.3g} "
              f"(baseline {r['baseline']}, {r['pulse_width_s']:.3g} s pulse)")
