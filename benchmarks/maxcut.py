"""Max-Cut benchmark: our p-bit annealer vs dwave-samplers' SimulatedAnnealingSampler, side by side.

    JAX_PLATFORMS=cpu python benchmarks/maxcut.py --budgets 10 60 [--instances G1 torus2d K2000 ...]
    JAX_PLATFORMS=cpu python benchmarks/maxcut.py [--graphs G1 G22 ...] [--quick] [--no-dwave] [--no-targets]

``--budgets T ...`` (the anytime comparison, equal wall time): for each instance of the tuning set (G1, G11,
G22, G43, G55, G60, G70, G81 and the generated 100 x 100 +/-J torus, 3D +/-J glass L = 16 and K2000-like
complete +/-1 graph) and each budget T, the command line as a user runs it, ``pbits maxcut FILE --time-limit T
--json`` in a fresh process with an empty compilation cache (compilation, planning and the bound count), against
dwave-samplers SA in this process given the same wall time (our command's, interpreter start included): reads x
sweeps sized from a measured pilot (its default beta range, 16 reads below 4096 spins, else 4), then more batches of
reads while another fits, the best kept; and simulated bifurcation (the ``simulated-bifurcation`` package,
ballistic, its timeout set to that wall time) on the dense instance when installed. Columns: cut, cut / best known (G-set) or the glass
energy per spin E/N (generated), wall seconds, and the machine's load.

Without ``--budgets``:

For each graph (from ``$PBITS_SHARED/gset``, default ``<repo>/../shared/gset``):

1. equal sweeps: both run the same number of sweeps per replica/read (our default geometric schedule,
   dwave's default geometric schedule); best and mean cut / best known, wall time, spin updates/s;
2. equal wall time: our annealer gets as many sweeps as fit into dwave's wall time.

Then the time-to-target checks: G1, G11, G43 reach their best-known cut within 5 s;
G55, G60, G70, G81 reach 99.8, 99.8, 99.7 and 99.4 % of the best known within 60 s. Our times exclude
the one-off JIT compilation (a warm-up run on the same shapes is done first); they include everything else.
dwave-samplers is single-threaded; our runs use the machine's cores through XLA: one XLA CPU device per core
(``sharding.use_cpu_cores``) with the replicas split over them (``--one-device``: a single device).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from circuits.annealing import driver, schedules, simulated
from circuits.problems import gset, maxcut
from circuits.sampling import rules
from pbits.runtime import sharding

from _common import SHARED  # noqa: E402  (benchmarks/ is on sys.path when a script runs)


def ours(graph, sweeps, replicas, seed=1, **kw):
    model = maxcut.to_ising(graph)
    b0, b1 = schedules.default_beta_range(model)
    betas = schedules.geometric(b0, b1, sweeps)
    kw.setdefault("mesh", sharding.local_mesh(replicas))  # one block of replicas per core
    simulated.anneal(seed + 1000, model, betas, n_replicas=replicas, **{k: kw[k] for k in ("chunk", "mesh") if k in kw})
    t = time.perf_counter()
    res = simulated.anneal(seed, model, betas, n_replicas=replicas, **kw)
    wall = time.perf_counter() - t
    cuts = (maxcut.total_weight(graph) - res.replica_best_energy) / 2
    return dict(wall=wall, best=float(cuts.max()), mean=float(cuts.mean()), sweeps=res.sweeps,
                ups=graph.n * replicas * res.sweeps / wall, res=res)


def dwave_sa(graph, sweeps, reads, seed=1):
    from dwave.samplers import SimulatedAnnealingSampler

    J = {(int(i), int(j)): float(w) for (i, j), w in zip(graph.edges, graph.weights)}
    t = time.perf_counter()
    ss = SimulatedAnnealingSampler().sample_ising({}, J, num_reads=reads, num_sweeps=sweeps, seed=seed)
    wall = time.perf_counter() - t
    cuts = (maxcut.total_weight(graph) - ss.record.energy) / 2
    return dict(wall=wall, best=float(cuts.max()), mean=float(cuts.mean()), sweeps=sweeps,
                ups=graph.n * sweeps * reads / wall)


def time_to_target(graph, target_cut, budget, sweeps, replicas, update=rules.behavioural, beta0=None):
    """Restart annealing runs (new seeds) until a cut >= target_cut or the budget is spent (warm JIT).

    ``beta0`` overrides the hot end of :func:`circuits.schedules.default_beta_range` (same cold end)."""
    model = maxcut.to_ising(graph)
    b0, b1 = schedules.default_beta_range(model)
    b0 = b0 if beta0 is None else beta0
    betas = schedules.geometric(b0, b1, sweeps)
    mesh = sharding.local_mesh(replicas)
    simulated.anneal(12345, model, betas[:min(sweeps, 64)], n_replicas=replicas, update=update, mesh=mesh,
               chunk=driver.chunk_size(model, replicas, sweeps))  # compile the chunk used below
    target_e = maxcut.energy_from_cut(graph, target_cut)
    t0, best, seed, runs = time.perf_counter(), -np.inf, 0, 0
    while time.perf_counter() - t0 < budget:
        left = budget - (time.perf_counter() - t0)
        res = simulated.anneal(seed, model, betas, n_replicas=replicas, target_energy=target_e, time_limit=left,
                         update=update, mesh=mesh)
        best, seed, runs = max(best, float(maxcut.cut_value(graph, res.best_spins))), seed + 1, runs + 1
        if best >= target_cut:
            return time.perf_counter() - t0, best, runs
    return None, best, runs


TUNING = ["G1", "G11", "G22", "G43", "G55", "G60", "G70", "G81", "torus2d", "ea3d", "K2000"]


def instance(name: str):
    """A tuning-set instance: a G-set graph from the shared data or a generated one (seed 0)."""
    from circuits.problems import instances

    if name == "torus2d":
        return instances.torus2d(100, seed=0)
    if name == "ea3d":
        return instances.ea3d(16, seed=0)
    if name == "K2000":
        return instances.complete(2000, seed=0)
    return gset.read(SHARED / "gset" / f"{name}.txt")


def cli_run(path, budget: float, seed: int = 0) -> dict:
    """``pbits maxcut PATH --time-limit budget --json`` in a fresh process, cold compilation cache."""
    import json
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, PBITS_CACHE=cache, PBITS_SHARED=str(SHARED))
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "circuits.cli.main", "maxcut", str(path), "--time-limit",
                              f"{budget:g}", "--seed", str(seed), "--json"], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t
    if out.returncode:
        raise RuntimeError(out.stderr)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]), process_s=wall)


def dwave_timed(graph, budget: float, seed: int = 1) -> dict:
    """dwave SA filling ``budget`` seconds: reads x sweeps sized from a pilot of the same reads, then further batches
    of reads (new seeds, best kept) while another fits, so that a pilot that misjudged the cost still ends near it."""
    reads = 16 if graph.n < 4096 else 4
    t0 = time.perf_counter()
    short, long = dwave_sa(graph, 100, reads, seed), dwave_sa(graph, 500, reads, seed)
    per_sweep = max((long["wall"] - short["wall"]) / 400, 0.5 * long["wall"] / 500)  # noise-proof
    setup = max(0.0, short["wall"] - 100 * per_sweep)
    sweeps = max(10, int((budget - setup) / per_sweep))
    t0 = time.perf_counter()  # the pilot is not charged
    best, batches, last = None, 0, 0.0
    while batches == 0 or time.perf_counter() - t0 + last <= budget:
        d = dwave_sa(graph, sweeps, reads, seed + batches)
        best = d["best"] if best is None else max(best, d["best"])
        batches, last = batches + 1, d["wall"]
    return dict(best=best, wall=time.perf_counter() - t0, sweeps=sweeps, reads=reads * batches)


def sb_timed(graph, budget: float) -> dict | None:
    """Ballistic simulated bifurcation (Goto et al., Sci. Adv. 7, eabe7953 (2021)) with its timeout at
    ``budget``; None when the package is not installed."""
    try:
        import simulated_bifurcation as sb
        import torch
    except ImportError:
        return None
    W = np.zeros((graph.n, graph.n), np.float32)
    W[graph.edges[:, 0], graph.edges[:, 1]] = graph.weights
    W = W + W.T
    t = time.perf_counter()
    # minimise s^T (W / 2) s = sum_(i<j) w_ij s_i s_j = E, the Ising energy of the cut (maxcut.to_ising)
    spins, _ = sb.minimize(torch.tensor(W / 2), domain="spin", agents=128, max_steps=10**7, mode="ballistic",
                           heated=False, best_only=True, verbose=False, timeout=budget, early_stopping=False)
    wall = time.perf_counter() - t
    s = spins.numpy().astype(np.float64)
    cut = float(np.sum(graph.weights * (1 - s[graph.edges[:, 0]] * s[graph.edges[:, 1]]) / 2))
    return dict(wall=wall, best=cut)


def anytime(names, budgets) -> int:
    """The equal-wall-time table of the command line against the peers (see the module)."""
    import platform
    import tempfile

    from circuits.problems import instances

    csv = SHARED / "gset" / "best_known.csv"
    try:
        from dwave.samplers import SimulatedAnnealingSampler  # noqa: F401
        have_dwave = True
    except ImportError:
        have_dwave = False
    print(f"# anytime: pbits maxcut FILE --time-limit T vs peers at equal wall time; {platform.processor() or ''} "
          f"{os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("| instance | n | T s | solver | cut | quality | wall s | detail | load |")
    print("|---|---:|---:|---|---:|---:|---:|---|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            g = instance(name)
            path = instances.write(g, f"{tmp}/{name}.txt") if not name.startswith("G") else SHARED / "gset" / f"{name}.txt"
            bk = gset.best_known(name, csv) if name.startswith("G") else None

            def quality(cut):
                return f"{cut / bk:.5f}" if bk else f"E/N {instances.glass_energy(g, cut) / g.n:.4f}"

            for T in budgets:
                o = cli_run(path, T)
                print(f"| {name} | {g.n} | {T:g} | pbits maxcut | {o['best_cut']:g} | {quality(o['best_cut'])} | "
                      f"{o['process_s']:.1f} (run {o['time_s']:.1f}) | {o['replicas']} x {o['sweeps']} sweeps, "
                      f"{o['rule']}, bound {o['upper_bound'] or float('nan'):.0f} | {os.getloadavg()[0]:.1f} |",
                      flush=True)
                if have_dwave:  # the wall time the user waited for our command: interpreter start included
                    d = dwave_timed(g, o["process_s"])
                    print(f"| {name} | {g.n} | {T:g} | dwave SA | {d['best']:g} | {quality(d['best'])} | "
                          f"{d['wall']:.1f} | {d['reads']} x {d['sweeps']} sweeps | {os.getloadavg()[0]:.1f} |",
                          flush=True)
                if name == "K2000":
                    b = sb_timed(g, o["process_s"])
                    if b is not None:
                        print(f"| {name} | {g.n} | {T:g} | simulated bifurcation | {b['best']:g} | "
                              f"{quality(b['best'])} | {b['wall']:.1f} | ballistic, 128 agents | "
                              f"{os.getloadavg()[0]:.1f} |", flush=True)
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--budgets", type=float, nargs="*", default=None, metavar="T",
                   help="the anytime comparison at these wall-time budgets [s] (e.g. 10 60)")
    p.add_argument("--instances", nargs="*", default=TUNING, help="instances of the anytime comparison")
    p.add_argument("--graphs", nargs="*", default=["G1", "G22", "G43", "G55", "G81"])
    p.add_argument("--sweeps", type=int, default=1000)
    p.add_argument("--replicas", type=int, default=64)
    p.add_argument("--quick", action="store_true", help="100 sweeps, no target checks")
    p.add_argument("--no-dwave", action="store_true")
    p.add_argument("--no-targets", action="store_true")
    p.add_argument("--rules", nargs="*", default=["pbit", "metropolis"], choices=["pbit", "metropolis"],
                   help="update rules for the time-to-target checks (behavioural p-bit and/or Metropolis)")
    p.add_argument("--g81-sweeps", type=int, default=140000)
    p.add_argument("--g81-replicas", type=int, default=1)
    p.add_argument("--g81-beta0", type=float, default=0.3,
                   help="hot end for G81 (default 0.3: the default 0.087 spends half the sweeps above T = 2)")
    p.add_argument("--checks", nargs="*", default=None, metavar="GRAPH",
                   help="only these time-to-target checks (default all: G1 G11 G43 G55 G60 G70 G81)")
    p.add_argument("--skip-table", action="store_true", help="only the time-to-target checks")
    p.add_argument("--one-device", action="store_true",
                   help="one XLA CPU device (default: one per core, sharding.use_cpu_cores)")
    a = p.parse_args(argv)
    if a.budgets:
        return anytime(a.instances, a.budgets)
    if not a.one_device:
        sharding.use_cpu_cores()  # before the first JAX computation
    if not (SHARED / "gset").is_dir():
        print(f"G-set data not found in {SHARED}/gset (set PBITS_SHARED)", file=sys.stderr)
        return 1
    sweeps = 100 if a.quick else a.sweeps
    try:
        from dwave.samplers import SimulatedAnnealingSampler  # noqa: F401
        have_dwave = not a.no_dwave
    except ImportError:
        print("dwave-samplers not installed (pip install -e '.[bench]'); showing ours only")
        have_dwave = False
    csv = SHARED / "gset" / "best_known.csv"
    graphs = [] if a.skip_table else a.graphs
    import jax

    print(f"# equal sweeps ({sweeps} per replica/read) and equal wall time; ours: {a.replicas} replicas on "
          f"{len(jax.devices())} XLA CPU device(s), XLA_FLAGS={os.environ.get('XLA_FLAGS', '')!r}")
    print("| graph | n | sampler | reads | sweeps | wall s | best/bk | mean/bk | spin upd/s | ours/dwave |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for name in graphs:
        g = gset.read(SHARED / "gset" / f"{name}.txt")
        bk = gset.best_known(name, csv)
        reads = 16 if g.n <= 2000 else (8 if g.n <= 10000 else 4)
        o = ours(g, sweeps, a.replicas)
        row = lambda s, r, x, ratio="": print(  # noqa: E731
            f"| {name} | {g.n} | {s} | {r} | {x['sweeps']} | {x['wall']:.2f} | {x['best'] / bk:.5f} | "
            f"{x['mean'] / bk:.5f} | {x['ups']:.3g} | {ratio} |", flush=True)
        if have_dwave:
            d = dwave_sa(g, sweeps, reads)
            row("dwave SA", reads, d)
            row("ours, equal sweeps", a.replicas, o, f"{o['ups'] / d['ups']:.2f}")
            eq = max(10, int(d["wall"] * o["ups"] / (g.n * a.replicas)))
            e = ours(g, eq, a.replicas)
            row("ours, equal wall", a.replicas, e, f"{e['ups'] / d['ups']:.2f}")
        else:
            row("ours, equal sweeps", a.replicas, o)
    if a.quick or a.no_targets:
        return 0
    print("\n# time to target (restarts with new seeds until the target; JIT warm)")
    print("| graph | target | budget s | rule | sweeps x replicas | beta0 | reached | time s | best cut | runs |")
    print("|---|---:|---:|---|---|---:|---|---:|---:|---:|")
    checks = [("G1", 1.0, 5, 1000, 64, None), ("G11", 1.0, 5, 2000, 64, None), ("G43", 1.0, 5, 1000, 64, None),
              ("G55", 0.998, 60, 10000, 16, None), ("G60", 0.998, 60, 10000, 16, None),
              ("G70", 0.997, 60, 10000, 16, None), ("G81", 0.994, 60, a.g81_sweeps, a.g81_replicas, a.g81_beta0)]
    for name, frac, budget, sw, reps, beta0 in checks:
        if a.checks is not None and name not in a.checks:
            continue
        g = gset.read(SHARED / "gset" / f"{name}.txt")
        bk = gset.best_known(name, csv)
        target = int(np.ceil(frac * bk))
        b0 = schedules.default_beta_range(maxcut.to_ising(g))[0] if beta0 is None else beta0
        for rule_name in a.rules:
            rule = {"pbit": rules.behavioural, "metropolis": rules.metropolis}[rule_name]
            t, best, runs = time_to_target(g, target, budget, sw, reps, rule, beta0)
            print(f"| {name} | {target} ({frac:.1%} of {bk}) | {budget} | {rule_name} | {sw} x {reps} | {b0:.3g} | "
                  f"{'yes' if t else 'NO'} | {t if t is None else round(t, 2)} | {best:g} ({best / bk:.4%}) | {runs} |",
                  flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
