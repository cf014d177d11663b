"""Dense-model benchmark: the blocked sequential sweep (circuits.sampling.dense) vs the chromatic column sweep.

    JAX_PLATFORMS=cpu python benchmarks/dense.py [--n 2000] [--replicas 8 16 32 64] [--seconds 10]
                                                 [--quality-replicas 16 64] [--file K2000.txt] [--one-device]

On K2000-like instances (``instances.complete(n)``: the complete graph with random +/-1 weights, an SK spin glass;
``--file`` reads a rudy/G-set file instead, e.g. the real K2000):

1. speed: spin updates per second of ``simulated.anneal`` (compilation excluded, JIT warm) with the old column
   sweep on the dense layout (``dense=False``), the old column sweep on the padded-neighbour layout (what
   ``pbits maxcut FILE`` ran before), and the dense sweep, at each R, side by side in one process; the ratio
   new / old. Each is timed ``--repeat`` times and the best kept (the machine is shared: the load is printed).
2. quality: the best energy per spin E/N reached by ``simulated.anneal`` with the dense sweep in about
   ``--seconds`` seconds of sweeps (sized from the measured speed), Metropolis and heat bath (p-bit), for each of
   ``--quality-replicas``, with the default beta range and with ``--beta``. E is the Ising energy of
   ``maxcut.to_ising`` (couplings J = -w), ``E = W - 2 cut``. References: simulated bifurcation reaches
   E/N = -34.00 in 10 s on the real K2000; the SK ground state is about -0.7633 sqrt(n) (Parisi).

Replicas are split over one XLA CPU device per core (``sharding.use_cpu_cores``, mesh "auto"); ``--one-device``
keeps a single device.
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np

from pbits.runtime import sharding


def _load() -> str:
    return "{:.2f}".format(os.getloadavg()[0])


def _rate(model, R, mesh, repeat, budget, **kw):
    """``(best wall rate, best CPU-normalised rate, result)`` in spin updates/s of ``repeat`` fixed-beta runs of about
    ``budget`` seconds each, with the chunk size ``simulated.anneal`` picks for the path (compilation excluded): a
    pilot of one chunk compiles and sizes them. The CPU-normalised rate divides the work by the process's CPU
    seconds over the XLA device count (one thread per device): what the run would reach with the cores to itself,
    were the CPU time not itself inflated by the contention (it is, a little)."""
    import jax

    from circuits.annealing import driver, simulated
    from circuits.sampling import rules

    n = int(model.h.shape[0])
    dense = kw.get("dense", simulated.dense_path(model, R, rules.behavioural))
    c = driver.chunk_size(model, R, 10 ** 9, work=(simulated.DENSE_WORK if dense else 1) * 4e9)
    pilot = simulated.anneal(12345, model, np.full(c, 0.05, np.float32), n_replicas=R, chunk=c, mesh=mesh, **kw)
    sweeps = max(1, round(budget * pilot.spin_updates_per_s / (n * R * c))) * c
    best, best_cpu, res = 0.0, 0.0, None
    for i in range(repeat):
        cpu = time.process_time()
        res = simulated.anneal(i, model, np.full(sweeps, 0.05, np.float32), n_replicas=R, chunk=c, mesh=mesh, **kw)
        cpu = time.process_time() - cpu
        best = max(best, res.spin_updates_per_s)
        best_cpu = max(best_cpu, n * R * res.sweeps / (cpu / (len(jax.devices()) if mesh else 1)))
    return best, best_cpu, pilot.compile_time, res


def speed(models, n, replicas, mesh, repeat, budget):
    """Print the speed table; return {R: dense updates/s}."""
    print(f"\n# speed: spin updates/s, {n} spins, beta = 0.05 fixed, default chunk sizes, best of {repeat} runs of "
          f"about {budget:g} s (JIT warm); wall-clock rate, and in brackets the CPU-normalised rate (work / (process "
          "CPU s / devices)); load before each row")
    print("| R | column, dense J | column, neighbour arrays | dense sweep (new) | new / dense J | new / neighbours | "
          "new: compile s | load |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    out = {}
    for R in replicas:
        load = _load()
        col, col_c, _, _ = _rate(models["dense"], R, mesh, repeat, budget, dense=False)
        nbr, nbr_c, _, _ = _rate(models["sparse"], R, mesh, repeat, budget)
        new, new_c, compile_s, res = _rate(models["dense"], R, mesh, repeat, budget, dense=True)
        assert res.dense
        out[R] = new
        print(f"| {R} | {col:.3g} ({col_c:.3g}) | {nbr:.3g} ({nbr_c:.3g}) | {new:.3g} ({new_c:.3g}) | {new / col:.1f}x | "
              f"{new / nbr:.1f}x | {compile_s:.1f} | {load} |", flush=True)
    return out


def quality(model, n, replicas, rules_, seconds, beta_ranges, mesh):
    """Print the E/N reached in about ``seconds`` of dense sweeps for each rule, R and beta range."""
    from circuits.annealing import driver, schedules, simulated
    from circuits.sampling import rules

    print(f"\n# quality: best E/N of simulated.anneal (dense sweep) in about {seconds:g} s of sweeps (geometric "
          f"schedule; sweeps sized from a pilot chunk run just before); SK ground state ~ {-0.7633 * math.sqrt(n):.2f}")
    print("| rule | R | beta range | sweeps | run s | compile s | spin upd/s | best E/N | mean best E/N | load |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for rule in rules_:
        update = rules.metropolis if rule == "metropolis" else rules.behavioural
        for R in replicas:
            for b0, b1 in beta_ranges:
                load = _load()
                c = driver.chunk_size(model, R, 10 ** 9, work=simulated.DENSE_WORK * 4e9)
                pilot = simulated.anneal(99, model, schedules.geometric(b0, b1, c), n_replicas=R, chunk=c,
                                         update=update, mesh=mesh)  # compiles this chunk size, measures the speed
                sweeps = max(c, int(seconds * pilot.spin_updates_per_s / (n * R)))
                chunk = driver.chunk_size(model, R, sweeps, work=simulated.DENSE_WORK * 4e9)
                res = simulated.anneal(1, model, schedules.lazy_geometric(b0, b1, sweeps), n_replicas=R, chunk=chunk,
                                       update=update, mesh=mesh, time_limit=3 * seconds)
                assert res.dense
                print(f"| {rule} | {R} | {b0:.3g}-{b1:.3g} | {res.sweeps} | {res.run_time:.2f} | {pilot.compile_time:.2f} | "
                      f"{res.spin_updates_per_s:.3g} | {res.best_energy / n:.4f} | "
                      f"{np.mean(res.replica_best_energy) / n:.4f} | {load} |", flush=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--n", type=int, default=2000, help="spins of the generated complete graph (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated graph's weights")
    p.add_argument("--file", default=None, help="a rudy/G-set file to use instead of the generated graph")
    p.add_argument("--replicas", type=int, nargs="*", default=[8, 16, 32, 64])
    p.add_argument("--repeat", type=int, default=2, help="timed runs per cell (the best is kept)")
    p.add_argument("--budget", type=float, default=1.0, help="seconds per timed speed run (about)")
    p.add_argument("--seconds", type=float, default=10.0, help="seconds of sweeps per quality run")
    p.add_argument("--quality-replicas", type=int, nargs="*", default=[16, 64])
    p.add_argument("--rules", nargs="*", default=["metropolis", "pbit"], choices=["metropolis", "pbit"])
    p.add_argument("--beta", type=float, nargs=2, default=[0.005, 3.0], metavar=("BETA0", "BETA1"),
                   help="a second beta range for the quality runs, besides the default one (default 0.005 3.0)")
    p.add_argument("--no-quality", action="store_true", help="only the speed table")
    p.add_argument("--no-speed", action="store_true", help="only the quality runs")
    p.add_argument("--one-device", action="store_true", help="one XLA device (no replica split over cores)")
    a = p.parse_args(argv)
    if not a.one_device:
        sharding.use_cpu_cores()
    import jax

    from circuits.annealing import schedules
    from circuits.problems import gset, instances, maxcut

    graph = gset.read(a.file) if a.file else instances.complete(a.n, seed=a.seed)
    n = graph.n
    models = {"dense": maxcut.to_ising(graph, layout="dense"), "sparse": maxcut.to_ising(graph)}
    devices = len(jax.devices())
    mesh = None if a.one_device or devices == 1 else "auto"
    replicas = [R for R in a.replicas if mesh is None or R % devices == 0]
    print(f"# {getattr(graph, 'name', 'graph')}: n = {n}, {len(graph.edges)} edges; {devices} XLA device(s) "
          f"({sharding.usable_cores()} usable cores); load {_load()}; {time.strftime('%Y-%m-%d %H:%M:%S')}")
    t0 = time.perf_counter()
    if not a.no_speed:
        speed(models, n, replicas, mesh, a.repeat, a.budget)
    if not a.no_quality:
        ranges = [schedules.default_beta_range(models["dense"]), tuple(a.beta)]
        qr = [R for R in a.quality_replicas if mesh is None or R % devices == 0]
        quality(models["dense"], n, qr, a.rules, a.seconds, ranges, mesh)
    print(f"\n# done in {time.perf_counter() - t0:.0f} s; load {_load()}; model energy E = -1/2 s.J s "
          f"(J = -w) = W - 2 cut, so E/N of a cut is (W - 2 cut) / n (W = {float(np.sum(graph.weights)):g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
