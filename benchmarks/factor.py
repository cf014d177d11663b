"""Factoring benchmark: time, sweeps and samples to factor odd semiprimes, per bit length and method.

Usage:
    python benchmarks/factor.py                                   # product method, every odd semiprime of 12..16 bits
    python benchmarks/factor.py --bits 17 24 --per-width 20       # product, 20 random semiprimes per bit length
    python benchmarks/factor.py --bits 12 24 --per-width 50 --balanced   # the hard cases: p, q of similar size
    python benchmarks/factor.py --method multiplier --bits 12 14 --per-width 10
    python benchmarks/factor.py --method both --per-width 10

Methods (:func:`circuits.problems.factoring.factor`): ``product`` samples E = (N - p q)^2 on the factor bits (Borders
et al., Nature 573, 390 (2019)); ``multiplier`` anneals the reversed array multiplier (Camsari et al., PRX 2017).
``--per-width`` is the number of semiprimes drawn per bit length (0 = all; default: all for product, 20 for
the multiplier).

Times exclude JAX compilation: a warm-up run on a prime of each bit length goes through every width first (all
semiprimes of a bit length share shapes). Columns: semiprimes tried and factored; median, 90th percentile and max wall
seconds; median sweeps; and a fair reference for the sampling itself: ``samples`` = sweeps x replicas (states
visited per replica-sweep) against ``guesses`` = the expected number of uniform random draws over the same
factor-bit state space before one hits a factorisation (``state_space / n_solutions``, summed over the widths
of the smaller factor, :func:`circuits.factor_bits.state_space`). ``ratio`` is the median of samples /
guesses over the semiprimes: below 1, p-bit sampling beats guessing.
"""
from __future__ import annotations

import argparse
import sys
import time

import jax
import numpy as np

from circuits.problems import factor_bits, factoring


def smaller_factor(N: int) -> int:
    """Smallest prime factor of an odd N (trial division)."""
    d = 3
    while N % d:
        d += 2
    return d


def run_method(method, ns, args, rng_seed):
    """Factor each N (after one warm-up); returns per-N arrays (seconds, sweeps, samples, guesses, found)."""
    opts = dict(method=method, n_replicas=args.replicas, n_sweeps=args.sweeps)
    bits = ns[0].bit_length()
    prime = next(P for P in range((1 << bits) - 1, 1 << (bits - 1), -2) if factoring.is_prime(P))
    # compile for this bit length: a prime runs every width of the smaller factor (the multiplier has one
    # network per width) without stopping early
    factoring.factor(args.seed, prime, max_restarts=len(factor_bits.widths(prime)), **opts)
    rows = []
    for i, N in enumerate(ns):
        t0 = time.perf_counter()
        r = factoring.factor(rng_seed + i, N, max_restarts=10_000_000, time_limit=args.time_limit, **opts)
        dt = time.perf_counter() - t0
        ok = r.found and r.factors[0] * r.factors[1] == N
        guesses = factor_bits.state_space(N) / factor_bits.n_solutions(N)
        rows.append((dt, r.sweeps, r.sweeps * r.n_replicas, guesses, ok))
    return [np.array(c) for c in zip(*rows)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--method", choices=("product", "multiplier", "both"), default="product")
    ap.add_argument("--bits", type=int, nargs=2, default=(12, 16), metavar=("LO", "HI"))
    ap.add_argument("--per-width", type=int, default=None,
                    help="semiprimes per bit length (0 = all; default all for product, 20 for multiplier)")
    ap.add_argument("--replicas", type=int, default=None, help="replicas per run (default: the method's)")
    ap.add_argument("--sweeps", type=int, default=None, help="sweeps per run (default: the method's)")
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds per semiprime before giving up")
    ap.add_argument("--balanced", action="store_true",
                    help="only semiprimes whose smaller factor has >= ceil(bits/2) - 1 bits (the hard cases)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    methods = ("product", "multiplier") if args.method == "both" else (args.method,)
    if args.bits[1] > factor_bits.MAX_BITS and "product" in methods:
        ap.error(f"--bits: the product method needs at most {factor_bits.MAX_BITS} bits")
    print(f"# factor benchmark  {time.strftime('%Y-%m-%d %H:%M')}  jax {jax.__version__} "
          f"({jax.devices()[0].platform})  python {sys.version.split()[0]}")
    print(f"# {' '.join(sys.argv)}")
    for method in methods:
        rep, sw, _ = factoring.DEFAULTS[method]
        per = args.per_width if args.per_width is not None else (0 if method == "product" else 20)
        print(f"\n## method={method}  replicas={args.replicas or rep}  sweeps/run={args.sweeps or sw}  "
              f"per bit length: {per or 'all'}{' balanced' if args.balanced else ''}  "
              f"time limit {args.time_limit:g} s\n")
        print("| bits | count | found | median s | p90 s | max s | total s | median sweeps | median samples "
              "| median guesses | ratio |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        rng = np.random.default_rng(args.seed)
        for bits in range(args.bits[0], args.bits[1] + 1):
            ns = factoring.semiprimes(bits, bits)
            if args.balanced:
                ns = [N for N in ns if smaller_factor(N).bit_length() >= (bits + 1) // 2 - 1]
            if per and len(ns) > per:
                ns = sorted(rng.choice(ns, per, replace=False).tolist())
            t, sweeps, samples, guesses, ok = run_method(method, ns, args, args.seed + 1)
            print(f"| {bits} | {len(ns)} | {int(ok.sum())} | {np.median(t):.4f} | {np.percentile(t, 90):.4f} | "
                  f"{t.max():.3f} | {t.sum():.1f} | {int(np.median(sweeps))} | {np.median(samples):.3g} | "
                  f"{np.median(guesses):.3g} | {np.median(samples / guesses):.3g} |", flush=True)


if __name__ == "__main__":
    main()
