"""Time to solution, as the Ising-machine papers report it: success probability with a Wilson interval over >= 20
independent runs per run length, TTS99 at its optimal length with a bootstrap interval, flips to solution and the
residual energy against sweeps — ours and dwave-samplers SA side by side in the same run (docs/methods.md §4).

    JAX_PLATFORMS=cpu python benchmarks/tts.py [--instances planted2d32 ea3d8 ea3d10 G22 G55] [--runs 32]
        [--sweeps 10 30 100 300 1000 3000] [--tempering 16] [--plot tts.png] [--json tts.json]

Runs: ours are ``--runs`` replicas of one annealer call (independent random streams, one geometric schedule over the
instance's default beta range, Metropolis rule; compiled first, so compilation is not charged); dwave's are as
many reads of ``SimulatedAnnealingSampler`` (its default geometric schedule, one thread). A run succeeds when the
state the solver *returns* reaches the target: dwave returns each read's final state, ours each replica's best state
of its run (our cold end still takes about one smallest uphill flip per sweep, so a final state is often one such
flip above the best one; ``--final`` judges ours on final states too). Targets: the planted
ground-state energy (planted instances); for other glasses the lowest energy any run of any solver found at any
length (a putative ground state, said so in the output); for G-set graphs 99.9 % of the best-known cut.

``--tempering K`` adds a third solver: parallel tempering with Houdayer cluster moves (``tempering.anneal(...,
cluster=True)``), each run K rungs x 2 chains on a fixed geometric ladder over the acceptance beta range
(``tempering.default_ladder``: its hottest rung forgets its state within a few sweeps); a run succeeds
when the best state of any of its 2K replicas reaches the target, and it is charged 2K sweeps per sweep (all its
replicas' spin updates).

TTS99 = t_run ln(0.01) / ln(1 - p_s) (Ronnow et al., Science 345, 420 (2014)), in sweeps (equal spin updates:
flips to solution = TTS99 x n) and in seconds (equal wall time: t_run = the batch's wall time / runs for both
solvers, i.e. the machine's throughput per run; ours uses both cores, dwave one). The optimal length is the one of
the lowest TTS99; its interval is the 2.5-97.5 % range of the optimal TTS99 over 1000 bootstrap resamples of the
runs at every length.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time

import numpy as np

from circuits.annealing import metrics, schedules, simulated, tempering
from circuits.model import ising
from circuits.problems import gset, instances, maxcut, planted
from circuits.sampling import rules
from pbits.runtime import sharding

from _common import SHARED  # noqa: E402  (benchmarks/ is on sys.path when a script runs)


PT = "pbits PT+ICM"


def load(name: str):
    """``(graph, target_energy or None, what the target is)`` for an instance name."""
    for prefix, make in (("planted2d", planted.tile), ("loops3d", planted.loops3d)):
        if name.startswith(prefix):
            p = make(int(name[len(prefix):]), seed=0)
            return p.graph, float(p.ground_energy), "planted ground state"
    if name.startswith("ea3d"):
        return instances.ea3d(int(name[4:]), seed=0), None, "putative ground state (best of all runs)"
    if name.startswith("torus"):
        return instances.torus2d(int(name[5:]), seed=0), None, "putative ground state (best of all runs)"
    g = gset.read(SHARED / "gset" / f"{name}.txt")
    bk = gset.best_known(name, SHARED / "gset" / "best_known.csv")
    cut = math.ceil(0.999 * bk)
    return g, maxcut.energy_from_cut(g, cut), f"99.9 % of best known ({cut} of {bk:g})"


def ours(model, sweeps: int, runs: int, seed: int, final: bool = False) -> tuple[np.ndarray, float]:
    """The energy each of ``runs`` replicas returns (its best state of the run, what ``pbits`` reports) after one
    anneal of ``sweeps`` sweeps, and the anneal's wall time (warm)."""
    b0, b1 = schedules.default_beta_range(model)
    betas = schedules.lazy_geometric(b0, b1, sweeps)
    mesh = sharding.local_mesh(runs)
    simulated.anneal(seed + 10**6, model, betas, n_replicas=runs, update=rules.metropolis, mesh=mesh)  # compile
    t = time.perf_counter()
    res = simulated.anneal(seed, model, betas, n_replicas=runs, update=rules.metropolis, mesh=mesh)
    wall = time.perf_counter() - t
    if final:
        return ising.energy_exact(model, np.asarray(res.final_spins)), wall
    return np.asarray(res.replica_best_energy, np.float64), wall


def tempered(model, sweeps: int, runs: int, seed: int, rungs: int) -> tuple[np.ndarray, float]:
    """The best energy of each of ``runs`` independent parallel-tempering runs with Houdayer cluster moves (each run:
    ``rungs`` rungs x 2 chains on ``tempering.default_ladder``, Metropolis rule, a cluster
    move between its two chains at every rung of the colder half after every sweep), ``sweeps`` sweeps each, and the
    wall time (warm). A run costs ``2 rungs`` sweeps per sweep: the TTS counts them all."""
    ladder = tempering.default_ladder(model, rungs)
    kw = dict(n_sweeps=sweeps, n_rungs=rungs, n_chains=2 * runs, adapt=0.0, update=rules.metropolis, cluster=True)
    tempering.anneal(seed + 10**6, model, ladder, **kw)  # compile
    t = time.perf_counter()
    res, _ = tempering.anneal(seed, model, ladder, **kw)
    wall = time.perf_counter() - t
    best = np.asarray(res.replica_best_energy, np.float64).reshape(rungs, runs, 2)  # columns k*C + c, c = 2r + {0,1}
    return best.min(axis=(0, 2)), wall


def dwave(graph, sweeps: int, runs: int, seed: int) -> tuple[np.ndarray, float]:
    """Final energies of ``runs`` reads of dwave-samplers SA (the glass E = sum w s s = -sum J s s) and wall time."""
    from dwave.samplers import SimulatedAnnealingSampler

    J = {(int(i), int(j)): float(w) for (i, j), w in zip(graph.edges, graph.weights)}
    t = time.perf_counter()
    ss = SimulatedAnnealingSampler().sample_ising({}, J, num_reads=runs, num_sweeps=sweeps, seed=seed)
    return np.asarray(ss.record.energy, np.float64).repeat(ss.record.num_occurrences), time.perf_counter() - t


def summary(energies: dict, walls: dict, target: float, n: int, rng, cost: int = 1) -> dict:
    """Per length p_s (Wilson), TTS99 in sweeps and seconds, residual energy; the optimum with a bootstrap interval.
    ``cost``: sweeps of all the run's replicas per sweep of the run (2 x rungs for tempering), charged in TTS99."""
    rows, tol = [], 1e-6 * max(1.0, abs(target))
    for L in sorted(energies):
        e = energies[L]
        k = int(np.sum(e <= target + tol))
        p, lo, hi = metrics.success_probability(k, e.size)
        t_run = walls[L] / e.size
        rows.append(dict(sweeps=L, runs=int(e.size), successes=k, p=p, p_lo=lo, p_hi=hi,
                         tts_sweeps=metrics.tts99(L * cost, p), tts_s=metrics.tts99(t_run, p),
                         residual=float((e.mean() - target) / abs(target)) if target else float(e.mean() - target),
                         wall_s=walls[L]))
    best = min(rows, key=lambda r: (r["tts_sweeps"], r["sweeps"]))
    boot = []
    for _ in range(1000):
        t = []
        for L in sorted(energies):
            e = energies[L]
            p = np.mean(rng.choice(e, e.size) <= target + tol)
            t.append(metrics.tts99(L * cost, p))
        boot.append(min(t))
    boot = np.array(boot)
    finite = np.isfinite(boot)
    ci = (float(np.percentile(boot[finite], 2.5)) if finite.any() else math.inf,
          float(np.percentile(boot, 97.5)) if finite.mean() > 0.975 else math.inf)
    return dict(rows=rows, cost=cost, opt_sweeps=best["sweeps"], tts99_sweeps=best["tts_sweeps"], tts99_ci=ci,
                tts99_s=best["tts_s"], flips_to_solution=best["tts_sweeps"] * n)


def run_instance(name: str, lengths, runs: int, seed: int, peers: bool, rng, final: bool = False,
                 rungs: int = 0, pt_max: int = 2**62) -> dict:
    graph, target, what = load(name)
    model = maxcut.to_ising(graph, layout=maxcut.default_layout(graph))
    solvers = {"pbits": lambda L: ours(model, L, runs, seed + L, final)}
    cost = {"pbits": 1, "dwave SA": 1}
    if rungs:
        sparse = maxcut.to_ising(graph, layout="sparse")  # tempering sweeps the int8/float neighbour layout
        solvers[PT] = lambda L: tempered(sparse, L, runs, seed + L, rungs)
        cost[PT] = 2 * rungs
    if peers:
        solvers["dwave SA"] = lambda L: dwave(graph, L, runs, seed + L)
    energies = {s: {} for s in solvers}
    walls = {s: {} for s in solvers}
    for L in lengths:
        ran = [s for s in solvers if s != PT or L <= pt_max]
        for s in ran:
            energies[s][L], walls[s][L] = solvers[s](L)
        print(f"  {name} {L} sweeps: " + ", ".join(f"{s} best {energies[s][L].min():.6g} ({walls[s][L]:.2f} s)"
                                                  for s in ran), file=sys.stderr, flush=True)
    if target is None:
        target = float(min(e.min() for s in solvers for e in energies[s].values()))
    out = dict(instance=name, n=graph.n, m=int(len(graph.edges)), target=target, target_is=what, runs=runs)
    out["solvers"] = {s: summary(energies[s], walls[s], target, graph.n, rng, cost[s]) for s in solvers}
    return out


def table(results) -> str:
    lines = ["| instance | n | target | solver | TTS99 sweeps (95 % CI) | at length | p_s there (95 % CI) | TTS99 s | "
             "flips to solution | ratio dwave/ours (sweeps; s) |", "|---|---:|---|---|---|---:|---|---:|---:|---|"]
    for r in results:
        sv = r["solvers"]
        for s, d in sv.items():
            row = next(x for x in d["rows"] if x["sweeps"] == d["opt_sweeps"])
            ratio = ""
            if s.startswith("pbits") and "dwave SA" in sv and math.isfinite(d["tts99_sweeps"]):
                o = sv["dwave SA"]
                ratio = f"{o['tts99_sweeps'] / d['tts99_sweeps']:.2f}; {o['tts99_s'] / d['tts99_s']:.2f}"
            lines.append(f"| {r['instance']} | {r['n']} | {r['target']:.6g} ({r['target_is']}) | {s} | "
                         f"{d['tts99_sweeps']:.4g} ({d['tts99_ci'][0]:.4g} - {d['tts99_ci'][1]:.4g}) | {d['opt_sweeps']} | "
                         f"{row['p']:.2f} ({row['p_lo']:.2f} - {row['p_hi']:.2f}) | {d['tts99_s']:.3g} | "
                         f"{d['flips_to_solution']:.3g} | {ratio} |")
    return "\n".join(lines)


def plot(results, path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(results), 3, figsize=(12, 3.2 * len(results)), squeeze=False)
    for ax, r in zip(axes, results):
        for s, d in r["solvers"].items():
            L = [x["sweeps"] * d.get("cost", 1) for x in d["rows"]]  # all the run's replicas' sweeps
            ax[0].errorbar(L, [x["p"] for x in d["rows"]], yerr=[[max(0.0, x["p"] - x["p_lo"]) for x in d["rows"]],
                           [max(0.0, x["p_hi"] - x["p"]) for x in d["rows"]]], marker="o", capsize=3, label=s)
            ax[1].plot(L, [x["tts_sweeps"] if math.isfinite(x["tts_sweeps"]) else np.nan for x in d["rows"]], "o-",
                       label=s)
            ax[2].plot(L, [max(x["residual"], 1e-7) for x in d["rows"]], "o-", label=s)
        for a, yl in zip(ax, ("success probability", "TTS99 [sweeps]", "residual energy")):
            a.set_xscale("log")
            a.set_xlabel("sweeps per run (all its replicas)")
            a.set_ylabel(yl)
            a.set_title(r["instance"], fontsize=9)
        ax[1].set_yscale("log", nonpositive="mask")
        ax[2].set_yscale("log", nonpositive="mask")
        ax[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--instances", nargs="+", default=["planted2d32", "ea3d8", "ea3d10", "G22", "G55"])
    p.add_argument("--sweeps", type=int, nargs="+", default=[10, 30, 100, 300, 1000, 3000])
    p.add_argument("--runs", type=int, default=32, help="independent runs per length (>= 20)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--no-dwave", action="store_true")
    p.add_argument("--final", action="store_true", help="judge our runs on their final states, not their best")
    p.add_argument("--tempering", type=int, default=0, metavar="RUNGS",
                   help="also run parallel tempering with Houdayer cluster moves on this many rungs (2 chains each)")
    p.add_argument("--tempering-max", type=int, default=2**62, metavar="SWEEPS",
                   help="run the tempering solver only at lengths up to this (it costs 2 x rungs sweeps a sweep)")
    p.add_argument("--plot", default=None)
    p.add_argument("--json", default=None)
    a = p.parse_args()
    if a.runs < 20:
        p.error("--runs must be >= 20 for a success probability worth an interval")
    peers = not a.no_dwave
    if peers:
        try:
            import dwave.samplers  # noqa: F401
        except ImportError:
            print("dwave-samplers not installed (pip install -e '.[bench]'): ours only", file=sys.stderr)
            peers = False
    rng = np.random.default_rng(a.seed)
    import jax

    print(f"# TTS99: {a.runs} runs per length, lengths {a.sweeps}; {len(jax.devices())} XLA CPU device(s); "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    results = [run_instance(name, sorted(a.sweeps), a.runs, a.seed, peers, rng, a.final, a.tempering, a.tempering_max)
               for name in a.instances]
    print(table(results))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, default=float)
    if a.plot:
        plot(results, a.plot)
    return 0


if __name__ == "__main__":
    sharding.use_cpu_cores()
    sys.exit(main())
