"""Device-level p-computer benchmark: sLLG magnet-steps/s, Max-Cut cut vs simulated time, energy to solution.

    JAX_PLATFORMS=cpu python benchmarks/device_network.py [--duration 200e-9] [--replicas 1] [--quick]

1. Throughput: magnet-steps per second (Heun steps x magnets, synapse included, compile excluded) of the
   device-level network (:mod:`circuits.device_network`) on G1 (800 magnets) and G22 (2000 magnets), read
   from ``$PBITS_SHARED/gset`` (default ``<repo>/../shared/gset``), else random graphs of the same size.
2. Max-Cut on G1 by device annealing (beta_eff = I_unit / I0 ramped geometrically over ``--duration`` of
   simulated time, :func:`circuits.annealing.schedules.default_beta_range`) for the magnonic-dissipation self-torque
   (Choi et al., Nat. Commun. 2025, doi:10.1038/s41467-025-61073-w) and the heavy-metal (Pt) baseline:
   best cut vs simulated time, Joule energy (magnets, synapses) and the first simulated time / energy at
   which 99 % of the best-known cut is reached (or "not reached" within the simulated budget). The Pt line's
   Oersted field is dropped (``oersted=False``): on this stack it makes the transfer curve non-monotonic.
"""
from __future__ import annotations

import argparse
import time

import jax
import numpy as np

from circuits import device_network as dn
from circuits.annealing import schedules
from circuits.problems import gset, maxcut
from pbits.pbit import calibrate
from pbits.runtime import prng

from _common import SHARED  # noqa: E402  (benchmarks/ is on sys.path when a script runs)


def graph(name: str, n: int, density: float) -> gset.Graph:
    p = SHARED / "gset" / f"{name}.txt"
    return gset.read(p) if p.is_file() else gset.random_graph(n, density, seed=1)


def throughput(cal, g, *, n_updates=100, interval=10):
    net = dn.network(maxcut.to_ising(g), cal.device, cal.params.i0, dt=cal.dt, offset=cal.params.offset,
                     resistance=cal.resistance)
    st = dn.init(prng.key(0), net, 1)
    betas = np.full(n_updates, 0.1)
    dn.run(prng.key(1), st, net, betas, interval=interval, chunk=n_updates)  # compile
    t = time.perf_counter()
    s, _, _ = dn.run(prng.key(2), st, net, betas, interval=interval, chunk=n_updates)
    jax.block_until_ready(s.m)
    return g.n * n_updates * interval / (time.perf_counter() - t)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=200e-9, help="simulated anneal time per scheme [s]")
    ap.add_argument("--replicas", type=int, default=1)
    ap.add_argument("--quick", action="store_true", help="20 ns anneals, small calibration")
    a = ap.parse_args(argv)
    dur = 20e-9 if a.quick else a.duration
    cal_kw = dict(n_magnets=32, duration=10e-9) if a.quick else dict(n_magnets=128, duration=30e-9)
    cals = {}
    for scheme in ("self", "pt"):  # the self-torque and the Pt baseline
        t = time.perf_counter()
        cals[scheme] = c = calibrate.calibrated(jax.random.key(3), scheme, oersted=False, **cal_kw)
        p = c.params
        print(f"calibration {scheme:11s}: I0 = {float(p.i0) * 1e6:8.3g} uA, offset {float(p.offset):+.3f}, "
              f"tau_c = {float(p.tau_c) * 1e9:.3g} ns, fit RMS {float(p.rms):.3f}, dt = {c.dt * 1e12:.3g} ps, "
              f"R = {c.resistance:.4g} Ohm ({time.perf_counter() - t:.1f} s)")
    g1, g22 = graph("G1", 800, 0.06), graph("G22", 2000, 0.01)
    print("\n| graph | magnets | magnet-steps/s (self, T_syn = 10 dt) |\n|---|---|---|")
    for g in (g1, g22):
        print(f"| {g.name} | {g.n} | {throughput(cals['self'], g):.3g} |")
    bk = gset.best_known("G1", SHARED / "gset" / "best_known.csv") if g1.name == "G1" else None
    target = 0.99 * bk if bk else None
    model = maxcut.to_ising(g1)
    b0, b1 = schedules.default_beta_range(model)
    print(f"\nG1 anneal: beta_eff {b0:.3g} -> {b1:.3g} over {dur * 1e9:.0f} ns simulated, {a.replicas} replica(s); "
          f"best known {bk}, target 99 % = {target}")
    print("| scheme | dt [ps] | cut @ 25/50/100 % of time | best/best known | E magnets [nJ] | E synapses [nJ] | "
          "t to 99 % [ns] | E to 99 % [nJ] | wall [s] |\n|---|---|---|---|---|---|---|---|---|")
    for scheme, c in cals.items():
        res = maxcut.solve(prng.key(7), g1, method="device", scheme=scheme, calibration=c, n_replicas=a.replicas,
                           sim_time=dur, beta=(b0, b1), target_cut=target, stop_at_target=False)
        r = res.run
        tr = r.trace
        at = [max(0, int(f * len(tr.t)) - 1) for f in (0.25, 0.5, 1.0)]
        cuts = [maxcut.total_weight(g1) / 2 - tr.best_energy[k] / 2 for k in at]
        if np.isfinite(r.time_to_target):
            k = int(np.searchsorted(tr.t, r.time_to_target))
            e_hit = f"{tr.e_total[min(k, len(tr.t) - 1)] * a.replicas * 1e9:.3g} (chunk end)"
            t_hit = f"{r.time_to_target * 1e9:.3g}"
        else:
            e_hit, t_hit = "not reached", f"not reached in {dur * 1e9:.0f}"
        ratio = f"{res.cut / bk:.4f}" if bk else "-"
        print(f"| {scheme} | {c.dt * 1e12:.3g} | {' / '.join(f'{x:.0f}' for x in cuts)} | {ratio} | "
              f"{r.energy_magnets * 1e9:.3g} | {(r.energy - r.energy_magnets) * 1e9:.3g} | {t_hit} | {e_hit} | "
              f"{r.wall_time:.1f} |")


if __name__ == "__main__":
    main()
