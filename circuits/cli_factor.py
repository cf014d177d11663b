"""``pbits factor N``: factor an integer with an invertible p-bit multiplier (a thin face)."""
from __future__ import annotations

import argparse
import json
import sys


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("N", help="integer to factor (4 <= N < 2^30)")
    parser.add_argument("--replicas", type=int, default=256, help="replicas per annealing run (default 256)")
    parser.add_argument("--sweeps", type=int, default=500, help="sweeps per annealing run (default 500)")
    parser.add_argument("--restarts", type=int, default=100, help="annealing runs at most (default 100)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS", help="give up after this")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    from circuits import factoring

    N = factoring.check_n(args.N)
    for name in ("replicas", "sweeps", "restarts"):
        if getattr(args, name) < 1:
            raise ValueError(f"--{name} must be a positive integer, got {getattr(args, name)}")
    if factoring.is_prime(N):
        msg = f"{N} is prime: it has no factors for the multiplier to find"
        print(json.dumps({"N": N, "found": False, "factors": None, "prime": True}) if args.json else msg)
        return 1
    res = factoring.factor(args.seed, N, n_replicas=args.replicas, n_sweeps=args.sweeps,
                           max_restarts=args.restarts, time_limit=args.time_limit,
                           progress=sys.stderr.isatty() and not args.json)
    if args.json:
        print(json.dumps({"N": res.N, "found": res.found, "factors": list(res.factors) if res.found else None,
                          "sweeps": res.sweeps, "restarts": res.restarts, "replicas": res.n_replicas,
                          "pbits": res.n_pbits, "wall_time_s": round(res.wall_time, 4), "seed": res.seed}))
    elif res.found:
        p, q = res.factors
        print(f"{N} = {p} x {q}   ({res.sweeps} sweeps x {res.n_replicas} replicas, {res.restarts} run(s), "
              f"{res.n_pbits} p-bits, {res.wall_time:.2f} s)")
    else:
        print(f"{N}: no factors found in {res.sweeps} sweeps x {res.n_replicas} replicas ({res.wall_time:.2f} s); "
              "N may be prime, or raise --restarts/--sweeps")
    return 0 if res.found else 1
