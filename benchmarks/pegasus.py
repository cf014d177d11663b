"""Sampling throughput on Pegasus P14 (4264 spins, N(0, 1) couplings) in flips/ns, against dwave-samplers SA.

    JAX_PLATFORMS=cpu python benchmarks/pegasus.py [--replicas 16 64 256 1024] [--beta 1] [--one-device] [--quick]

Instance: :func:`circuits.problems.topologies.pegasus` (14, couplings="gauss", seed 0): the fabric of P(14) (the
``8 (m - 1)`` qubits that cross no other are left out, as dwave-networkx ``pegasus_graph(14, fabric_only=True)``
does), 4264 spins, N(0, 1) weights on its 30404 edges, E(s) = sum_ij w_ij s_i s_j.

Ours: :func:`circuits.sampling.gibbs.sample`, chromatic Gibbs (one greedy colour class at a time, all chains at
once) with the p-bit heat-bath rule (:func:`circuits.sampling.rules.behavioural`) at fixed ``--beta``, R chains from
random states, the chains split over the local XLA devices when R divides evenly (one per CPU core unless
``--one-device``). Each R is timed after a warm-up call of the same shapes (compilation excluded), best of
``--repeats``; sweeps per R are ``--updates`` / (n R), between 10 and 400. flips/ns = n R sweeps / wall [ns]
(attempted single-spin updates per nanosecond, the figure thrml and FPGA p-computers report).

Peer, in the same run: dwave-samplers ``SimulatedAnnealingSampler`` on the same model (``sample_ising`` with the
same weights), a fixed beta (``beta_schedule_type="custom"``, ``beta_schedule=[beta]``, ``num_sweeps_per_beta`` =
sweeps), the same heat-bath acceptance (``proposal_acceptance_criteria="Gibbs"``; sequential order, one thread),
``--reads`` reads; flips/ns = reads x sweeps x n / wall of the call (after a small warm-up call). The ratio is ours /
dwave at each R.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import time

from pbits.runtime import sharding

if "--one-device" not in sys.argv:
    sharding.use_cpu_cores()  # before JAX starts its backend

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

from circuits.model import ising  # noqa: E402
from circuits.problems import maxcut, topologies  # noqa: E402
from circuits.sampling import coloring, gibbs, rules  # noqa: E402


def ours(model, classes, replicas: int, sweeps: int, beta: float, repeats: int, seed: int) -> float:
    """Fastest wall time [s] of ``sweeps`` chromatic heat-bath sweeps of ``replicas`` chains (warm-up first)."""
    n = ising.n_spins(model)
    mesh = sharding.local_mesh(replicas)
    key = jax.random.key(seed)
    s0 = jnp.where(jax.random.bernoulli(jax.random.fold_in(key, 0), 0.5, (replicas, n)), 1.0, -1.0)

    def run(k):
        # one record after sweeps - 1 discarded sweeps: `sweeps` sweeps in one compiled scan
        out = gibbs.sample(k, model, s0, beta, n_samples=1, burn_in=sweeps - 1, classes=classes,
                           update=rules.behavioural, mesh=mesh)
        return jax.block_until_ready(out)

    run(jax.random.fold_in(key, 1))  # compile
    best = math.inf
    for r in range(repeats):
        t = time.perf_counter()
        run(jax.random.fold_in(key, 2 + r))
        best = min(best, time.perf_counter() - t)
    return best


def dwave(graph, reads: int, sweeps: int, beta: float, seed: int) -> float | None:
    """Wall time [s] of dwave-samplers SA at fixed beta (heat-bath acceptance), or None if not installed."""
    try:
        from dwave.samplers import SimulatedAnnealingSampler
    except ImportError:
        return None
    J = {(int(i), int(j)): float(w) for (i, j), w in zip(graph.edges, graph.weights)}
    sa = SimulatedAnnealingSampler()
    kw = {"beta_schedule_type": "custom", "beta_schedule": [beta], "proposal_acceptance_criteria": "Gibbs"}
    sa.sample_ising({}, J, num_reads=1, num_sweeps_per_beta=10, seed=seed, **kw)  # warm-up
    t = time.perf_counter()
    sa.sample_ising({}, J, num_reads=reads, num_sweeps_per_beta=sweeps, seed=seed + 1, **kw)
    return time.perf_counter() - t


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--replicas", type=int, nargs="+", default=[16, 64, 256, 1024])
    p.add_argument("--beta", type=float, default=1.0)
    p.add_argument("--updates", type=float, default=2e8, help="spin updates per timed run (sets the sweeps)")
    p.add_argument("--reads", type=int, default=16, help="dwave reads")
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--one-device", action="store_true", help="one XLA device (no split over the CPU cores)")
    p.add_argument("--quick", action="store_true", help="R = 16, 64; 1e7 updates per run; one repeat")
    a = p.parse_args(argv)
    if a.quick:
        a.replicas, a.updates, a.repeats = [16, 64], 1e7, 1
    t0 = time.perf_counter()
    g = topologies.pegasus(14, couplings="gauss", seed=a.seed)
    model = maxcut.to_ising(g)
    classes = coloring.greedy(model)
    n = g.n
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load {os.getloadavg()[0]:.2f}; "
          f"{len(jax.devices())} XLA {jax.default_backend()} device(s), {platform.processor() or platform.machine()}")
    print(f"# {g.name}: n = {n}, {len(g.edges)} N(0, 1) couplings, {len(classes)} colour classes; beta = {a.beta:g}")
    sw_dw = max(10, min(400 * 16, int(a.updates / (n * a.reads))))
    w_dw = dwave(g, a.reads, sw_dw, a.beta, a.seed)
    f_dw = None if w_dw is None else a.reads * sw_dw * n / w_dw / 1e9
    print("| sampler | chains (reads) | sweeps | wall s | flips/ns | ours / dwave |")
    print("|---|---:|---:|---:|---:|---:|")
    if f_dw is not None:
        print(f"| dwave SA, fixed beta, Gibbs acceptance, 1 thread | {a.reads} | {sw_dw} | {w_dw:.2f} | {f_dw:.3g} | |",
              flush=True)
    for R in a.replicas:
        sweeps = max(10, min(400, int(a.updates / (n * R))))
        w = ours(model, classes, R, sweeps, a.beta, a.repeats, a.seed)
        f = n * R * sweeps / w / 1e9
        ratio = "" if f_dw is None else f"{f / f_dw:.2f}"
        dev = len(jax.devices()) if sharding.local_mesh(R) else 1
        print(f"| pbits chromatic heat bath, {dev} device(s) | {R} | {sweeps} | {w:.2f} | {f:.3g} | {ratio} |",
              flush=True)
    if f_dw is None:
        print("(dwave-samplers not installed: no peer row)")
    print(f"# total {time.perf_counter() - t0:.0f} s; load {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
