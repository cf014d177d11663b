"""``pbits factor N``: factor an integer with p-bits (a thin face over :func:`circuits.problems.factoring.factor`)."""
from __future__ import annotations

import argparse
import json
import sys

from circuits.cli import common


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``pbits factor``."""
    parser.add_argument("N", help="integer to factor (4 <= N < 2^24 with --method product, < 2^30 multiplier)")
    parser.add_argument("--method", choices=("product", "multiplier", "hubo"), default="product",
                        help="product: p-bits on the factor bits, E = (N - p q)^2 (Borders et al. 2019; default); "
                             "multiplier: the invertible array multiplier run backwards (Camsari et al. 2017); "
                             "hubo: the product cost expanded into 4-body terms on the generic higher-order "
                             "annealer (N < 2^11)")
    parser.add_argument("--replicas", type=int, default=None,
                        help="replicas per annealing run (default 512 product, 256 multiplier, 64 hubo)")
    parser.add_argument("--sweeps", type=int, default=None,
                        help="sweeps per annealing run (default 50 product, 500 multiplier, 200 hubo)")
    parser.add_argument("--restarts", type=int, default=None,
                        help="annealing runs at most (default 1000 product, 100 multiplier, 200 hubo)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS", help="give up after this")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    """Factor, print; exit code 0 when factors were found."""
    from circuits.problems import factoring

    N = factoring.check_n(args.N, args.method)
    for name in ("replicas", "sweeps", "restarts"):
        if getattr(args, name) is not None and getattr(args, name) < 1:
            raise ValueError(f"--{name} must be a positive integer, got {getattr(args, name)}")
    if factoring.is_prime(N):
        msg = f"{N} is prime: it has no factors for the p-bits to find"
        print(json.dumps({"N": N, "found": False, "factors": None, "prime": True, "method": args.method})
              if args.json else msg)
        return 1
    bar = common.Bar("runs", lambda rec: f"{rec.sweeps} sweeps", enabled=sys.stderr.isatty() and not args.json)
    res = factoring.factor(args.seed, N, method=args.method, n_replicas=args.replicas, n_sweeps=args.sweeps,
                           max_restarts=args.restarts, time_limit=args.time_limit, progress=bar)
    bar.close()
    if args.json:
        print(json.dumps({"N": res.N, "found": res.found, "factors": list(res.factors) if res.found else None,
                          "method": res.method, "sweeps": res.sweeps, "restarts": res.restarts,
                          "replicas": res.n_replicas, "pbits": res.n_pbits, "wall_time_s": round(res.wall_time, 4),
                          "seed": res.seed}))
    elif res.found:
        p, q = res.factors
        pbits = "free p-bits per replica" if res.method in ("product", "hubo") else "p-bits"
        print(f"{N} = {p} x {q}   [{res.method}] ({res.sweeps} sweeps x {res.n_replicas} replicas, "
              f"{res.restarts} run(s), {res.n_pbits} {pbits}, {res.wall_time:.2f} s)")
    else:
        print(f"{N}: no factors found [{res.method}] in {res.sweeps} sweeps x {res.n_replicas} replicas "
              f"({res.wall_time:.2f} s); N may be prime, or raise --restarts/--sweeps")
    return 0 if res.found else 1
