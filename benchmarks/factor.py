"""Factoring benchmark: time and sweeps to factor 12-16-bit semiprimes with the reversed multiplier.

Usage:
    python benchmarks/factor.py                 # 20 random semiprimes per bit length 12..16
    python benchmarks/factor.py --per-width 0   # every semiprime (thousands at 16 bits: hours)

Times exclude JAX compilation: one warm-up factorisation per bit length runs first (all semiprimes of a
bit length share network shapes). Prints median/max time, median sweeps, and failures per bit length.
"""
from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from circuits import factoring


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bits", type=int, nargs=2, default=(12, 16), metavar=("LO", "HI"))
    ap.add_argument("--per-width", type=int, default=20, help="semiprimes per bit length (0 = all)")
    ap.add_argument("--replicas", type=int, default=256)
    ap.add_argument("--sweeps", type=int, default=500)
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds per semiprime before giving up")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    print(f"# factor benchmark  {time.strftime('%Y-%m-%d')}  {platform.processor() or platform.machine()}  "
          f"replicas={args.replicas} sweeps/run={args.sweeps}")
    print(f"{'bits':>4} {'count':>5} {'found':>5} {'median_s':>9} {'p90_s':>8} {'max_s':>8} {'median_sweeps':>13}")
    for bits in range(args.bits[0], args.bits[1] + 1):
        ns = factoring.semiprimes(bits, bits)
        if args.per_width and len(ns) > args.per_width:
            ns = sorted(rng.choice(ns, args.per_width, replace=False).tolist())
        factoring.factor(args.seed, ns[0], n_replicas=args.replicas, n_sweeps=args.sweeps)  # compile
        times, sweeps, found = [], [], 0
        for N in ns:
            t0 = time.perf_counter()
            r = factoring.factor(args.seed + 1, N, n_replicas=args.replicas, n_sweeps=args.sweeps,
                                 max_restarts=10_000, time_limit=args.time_limit)
            times.append(time.perf_counter() - t0)
            sweeps.append(r.sweeps)
            found += r.found
        t = np.array(times)
        print(f"{bits:>4} {len(ns):>5} {found:>5} {np.median(t):>9.3f} {np.percentile(t, 90):>8.3f} {t.max():>8.3f} "
              f"{int(np.median(sweeps)):>13}", flush=True)


if __name__ == "__main__":
    main()
