"""Device-level p-computer benchmark: sLLG magnet-steps/s, Max-Cut cut vs simulated time, energy to solution.

    JAX_PLATFORMS=cpu python benchmarks/device_network.py [--duration 200e-9] [--replicas 1] [--quick]
    JAX_PLATFORMS=cpu python benchmarks/device_network.py --seeds 24 [--graph random100] [--duration 100e-9]
        [--target 0.99 1.0] [--spin-pumping] [--torques dl|all --oersted 1] [--json FILE]

Both schemes -- the magnonic-dissipation self-torque (Choi et al., Nat. Commun. 2025,
doi:10.1038/s41467-025-61073-w) and a heavy-metal spin-orbit-torque baseline (Pt by default) -- bias the *same*
magnet (``--preset``, default the Ni(3 nm) disk of the energy-per-bit table, Delta = 1) with the same kinds of
torque (:func:`pbits.pbit.energy_per_bit.scheme_devices`: damping-like only by default, field-like torques and the
Oersted field off for both; ``--torques all`` gives both their field-like torques and the heavy metal its Oersted
field of sign ``--oersted``) and, by default, the same damping (the magnet's own alpha; ``--spin-pumping`` adds each
sink's spin-pumping damping, the stack default, so the two magnets differ in alpha). Both are calibrated in one sLLG
run (:func:`pbits.pbit.energy_per_bit.calibrate_drives`) at one time step, and each network runs at that step.

Without ``--seeds`` (one anneal per scheme, the first version of this script):

1. Throughput: magnet-steps per second (Heun steps x magnets, synapse included, compile excluded) of the
   device-level network (:mod:`circuits.device_network`) on G1 (800 magnets) and G22 (2000 magnets), read
   from ``$PBITS_SHARED/gset`` (default ``<repo>/../shared/gset``), else random graphs of the same size.
2. Max-Cut on G1 by device annealing (beta_eff = I_unit / I0 ramped geometrically over ``--duration`` of
   simulated time, :func:`circuits.annealing.schedules.default_beta_range`) for both schemes: best cut vs
   simulated time, Joule energy (magnets, synapses) and the first simulated time / energy at which 99 % of the
   best-known cut is reached (or "not reached" within the simulated budget).

With ``--seeds R`` (energy to solution over seeds): R independent chips per scheme, the replicas of one network run
(each its own random initial state and thermal noise), on ``--graph`` (a G-set name, or ``randomN``: the G-set-like
random graph of :func:`circuits.problems.gset.random_graph` with n = N and G1's edge density 6 %, seed 1). Targets:
``--target`` fractions (default 0.99 and 1) of the best-known cut (G-set) or of the best cut of the project's
annealer (64 replicas x 20000 sweeps of :func:`circuits.problems.maxcut.solve`, a putative optimum; the certified
upper bound is printed beside it). A chip succeeds when its best cut reaches the target within the simulated budget;
its time and Joule energy to target (magnets + synapses, per chip) are read at the end of the first record (every 32
synapse updates, 0.13 ns at dt = 0.4 ps) at which it has. Per scheme and target: the success fraction with a Wilson
95 % interval, and the median over chips of the time and of the energy to target with 2.5-97.5 % intervals from 2000
bootstrap resamples of the chips (a chip that did not succeed counts as infinite, so a median or bound past the
budget reads "> budget"). The ratio heavy metal / self-torque of the median energy to target has a bootstrap
interval from resampling each scheme's chips independently: the two schemes' chips share initial states and noise
keys (common random numbers) but not their trajectories, so they are not paired (the output prints the rank
correlation of their times by chip index to show it).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time

import jax
import numpy as np
from _common import SHARED

from circuits import device_network as dn
from circuits.annealing import metrics, schedules
from circuits.problems import bounds, gset, maxcut
from pbits import sllg
from pbits.analysis import energy
from pbits.device import stack as stack_mod
from pbits.pbit import calibrate, energy_per_bit, theory
from pbits.runtime import prng


def graph(name: str, n: int = 800, density: float = 0.06) -> gset.Graph:
    """A G-set graph by name (``G1``), else ``randomN`` or a random graph of n vertices of the same density."""
    if name.startswith("random"):
        return gset.random_graph(int(name[6:]), density, seed=1)
    p = SHARED / "gset" / f"{name}.txt"
    return gset.read(p) if p.is_file() else gset.random_graph(n, density, seed=1)


def time_step(devices) -> float:
    """The largest 0.4 ps / 2^k that :func:`pbits.sllg.check_dt` accepts for every device at 6 I0_theory [s]."""
    dt = 4e-13
    for d in devices:
        i_est = abs(float(theory.i0_theory(d)))
        for _ in range(8):
            try:
                sllg.check_dt(d, dt, 6 * i_est)
                break
            except ValueError:
                dt /= 2
    return dt


def calibrations(key, *, preset: str, baseline: str, torques: str, oersted: float, spin_pumping: bool,
                 n_magnets: int, duration: float):
    """Like-for-like calibrations of both schemes on one magnet, in one sLLG run, and a sentence saying how."""
    st = stack_mod.preset(preset, baseline=baseline)
    if not spin_pumping:
        st = stack_mod.without_spin_pumping(st)
    d_self, d_hm, what = energy_per_bit.scheme_devices(st, torques_on=torques, oersted=oersted)
    dt = time_step([d_self, d_hm])
    ps, _, _ = energy_per_bit.calibrate_drives(key, [d_self, d_hm], n_magnets=n_magnets, duration=duration,
                                               burn_in=duration / 10, dt=dt, record_dt=max(dt, 4e-11))
    cals = {s: calibrate.Calibration(d, p, float(energy.write_resistance(st, s)), dt, s)
            for s, d, p in (("self", d_self, ps[0]), (baseline, d_hm, ps[1]))}
    return cals, f"{preset}, {what}; one sLLG calibration run for both at dt = {dt * 1e12:.3g} ps"


def network(cal, model) -> dn.Network:
    return dn.network(model, cal.device, cal.params.i0, dt=cal.dt, offset=cal.params.offset,
                      resistance=cal.resistance)


def throughput(cal, g, *, n_updates=100, interval=10):
    net = network(cal, maxcut.to_ising(g))
    st = dn.init(prng.key(0), net, 1)
    betas = np.full(n_updates, 0.1)
    dn.run(prng.key(1), st, net, betas, interval=interval, chunk=n_updates)  # compile
    t = time.perf_counter()
    s, _, _ = dn.run(prng.key(2), st, net, betas, interval=interval, chunk=n_updates)
    jax.block_until_ready(s.m)
    return g.n * n_updates * interval / (time.perf_counter() - t)


def one_seed(a, cals) -> None:
    """The first version's output: throughput on G1 and G22, one anneal of G1 per scheme."""
    g1, g22 = graph("G1", 800, 0.06), graph("G22", 2000, 0.01)
    print("\n| graph | magnets | magnet-steps/s (self, T_syn = 10 dt) |\n|---|---|---|")
    for g in (g1, g22):
        print(f"| {g.name} | {g.n} | {throughput(cals['self'], g):.3g} |")
    bk = gset.best_known("G1", SHARED / "gset" / "best_known.csv") if g1.name == "G1" else None
    target = 0.99 * bk if bk else None
    dur = 20e-9 if a.quick else a.duration
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


def reference(g: gset.Graph, seed: int) -> tuple[float, str]:
    """The cut a target is a fraction of: the best known (G-set) or the project's annealer's best (putative)."""
    bk = gset.best_known(g.name, SHARED / "gset" / "best_known.csv")
    if bk:
        return float(bk), "best known"
    res = maxcut.solve(seed, g, n_sweeps=20000, n_replicas=64)
    cut = float(res.cut)
    reached = int(np.sum(np.asarray(res.run.replica_best_energy) <= maxcut.energy_from_cut(g, cut) + 1e-6))
    ub = bounds.eigenvalue_bound(g, time_limit=3.0)
    return cut, (f"putative optimum: best cut of the annealer (64 replicas x 20000 sweeps), reached by {reached}/64; "
                 f"upper bound {ub.value:.1f} ({'certified' if ub.certified else 'not certified'})")


def anneal_chips(key, cal, model, n_chips: int, duration: float, target_energies, *, interval: int = 10,
                 record: int = 32, beta=None):
    """R chips annealed over ``duration``; per target energy and chip the first record end (every ``record`` synapse
    updates) at which the chip's best energy is at or below it, and the Joule energy of magnets and synapses there
    (NaN: not reached); the simulated time run and the wall time (compile excluded)."""
    net = network(cal, model)
    b0, b1 = schedules.default_beta_range(model) if beta is None else beta
    n_upd = max(1, math.ceil(round(duration / (cal.dt * interval)) / record)) * record  # whole records
    ramp = schedules.lazy_geometric(b0, b1, n_upd)
    k0, k1 = jax.random.split(key)
    st = dn.init(k0, net, n_chips)
    dn.run(k1, st, net, schedules.segment(ramp, 0, record), interval=interval, chunk=record)  # compile
    targets = np.asarray(target_energies, np.float64)[:, None]  # (K, 1)
    nan = np.full((targets.shape[0], n_chips), np.nan)
    t_hit, e_mag, e_syn = nan.copy(), nan.copy(), nan.copy()
    t0 = time.perf_counter()
    for start in range(0, n_upd, record):
        # fold_in(key, state.step) draws the noise: consecutive calls continue one run's streams
        st, _, _ = dn.run(k1, st, net, schedules.segment(ramp, start, record), interval=interval, chunk=record)
        new = np.isnan(t_hit) & (np.asarray(st.best_energy, np.float64)[None, :] <= targets + 1e-6)
        t_hit[new] = float(st.t)
        e_mag = np.where(new, np.asarray(st.e_magnet, np.float64)[None, :], e_mag)
        e_syn = np.where(new, np.asarray(st.e_synapse, np.float64)[None, :], e_syn)
        if not np.isnan(t_hit).any():  # every chip is at every target: the rest of the ramp changes nothing
            break
    return {"t_hit": t_hit, "e_magnets": e_mag, "e_synapses": e_syn, "sim_time": float(st.t),
            "budget": n_upd * interval * cal.dt, "wall": time.perf_counter() - t0,
            "best_energy": np.asarray(st.best_energy, np.float64)}


def _inf(x: np.ndarray) -> np.ndarray:
    """NaN (not reached) as +inf."""
    return np.where(np.isnan(x), np.inf, x)


def _median(x: np.ndarray) -> float:
    """Median with NaN (not reached) counted as +inf."""
    return float(np.median(_inf(x)))


def boot_median(rng, x: np.ndarray, n_boot: int = 2000) -> tuple[float, float, float]:
    """Median and its 2.5-97.5 % bootstrap interval (failures as +inf; no interpolation across inf)."""
    b = np.median(rng.choice(_inf(x), (n_boot, x.size)), axis=1)
    lo, hi = np.quantile(b, [0.025, 0.975], method="inverted_cdf")
    return _median(x), float(lo), float(hi)


def boot_ratio(rng, num: np.ndarray, den: np.ndarray, n_boot: int = 2000) -> tuple[float, float, float]:
    """median(num) / median(den) with a bootstrap interval, each sample resampled independently (unpaired)."""
    bn = np.median(rng.choice(_inf(num), (n_boot, num.size)), axis=1)
    bd = np.median(rng.choice(_inf(den), (n_boot, den.size)), axis=1)
    with np.errstate(invalid="ignore"):
        r = bn / bd  # inf/inf -> nan: that resample has no ratio
    r = r[~np.isnan(r)]
    lo, hi = (np.quantile(r, [0.025, 0.975], method="inverted_cdf") if r.size else (np.nan, np.nan))
    with np.errstate(invalid="ignore"):
        return _median(num) / _median(den), float(lo), float(hi)


def _ns(x: float) -> str:
    return "> budget" if math.isinf(x) else f"{x * 1e9:.3g}"


def _pj(x: float) -> str:
    return "> budget" if math.isinf(x) else f"{x * 1e12:.3g}"


def _ratio(r: tuple[float, float, float], hm: str) -> str:
    """The heavy-metal / self ratio of medians as text, saying which median lies past the budget."""
    if np.isnan(r[0]):
        return "- (both medians past the budget)"
    if r[0] == 0:  # the self-torque median is past the budget
        return f"< {r[2]:.3g} (self median past the budget)"
    if math.isinf(r[0]):
        return f"> {r[1]:.3g} ({hm} median past the budget)"
    return f"**{r[0]:.3g}** ({r[1]:.3g} - {r[2]:.3g})"


def over_seeds(a, cals, how: str) -> int:
    """Energy to solution over ``--seeds`` chips per scheme (see the module docstring)."""
    g = graph(a.graph)
    model = maxcut.to_ising(g)
    t = time.perf_counter()
    ref, ref_is = reference(g, a.seed)
    fracs = sorted(a.target)
    cuts = [math.ceil(f * ref - 1e-9) for f in fracs]
    b0, b1 = schedules.default_beta_range(model)
    print(f"\n{g.name}: n = {g.n}, m = {len(g.edges)}; reference cut {ref:g} ({ref_is}; "
          f"{time.perf_counter() - t:.1f} s); targets: cut >= "
          f"{', '.join(f'{c} ({f:g} x reference)' for c, f in zip(cuts, fracs))}")
    print(f"anneal: beta_eff {b0:.3g} -> {b1:.3g} geometric over {a.duration * 1e9:.0f} ns simulated, synapse update "
          f"every 10 Heun steps; {a.seeds} chips per scheme (replicas of one run), stopped once all are at every "
          f"target; times and energies at the first record end (every 32 synapse updates = "
          f"{32 * 10 * cals['self'].dt * 1e9:.3g} ns) with the chip's best cut at the target")
    print(f"calibration (like for like): {how}")
    rng = np.random.default_rng(a.seed)
    out = {}
    key = prng.key(a.seed)
    for scheme, c in cals.items():  # the same key for both: common random numbers (initial states, noise keys)
        r = anneal_chips(key, c, model, a.seeds, a.duration, [maxcut.energy_from_cut(g, x) for x in cuts],
                         beta=(b0, b1))
        r["e_total"] = r["e_magnets"] + r["e_synapses"]
        out[scheme] = r
        print(f"  {scheme}: simulated {r['sim_time'] * 1e9:.1f} ns in {r['wall']:.1f} s wall; best cut over chips "
              f"{(maxcut.total_weight(g) - r['best_energy'].min()) / 2:g}", file=sys.stderr, flush=True)
    names = list(cals)
    hm = names[1]
    print(f"\n| target cut | scheme | success at {a.duration * 1e9:.0f} ns (95 % CI) | median time to target [ns] "
          f"(95 % CI) | median energy to target [pJ] (95 % CI) | of which magnets [pJ] | {hm}/self energy (95 % CI) |")
    print("|---|---|---|---|---|---|---|")
    stats = []
    for k, (cut, f) in enumerate(zip(cuts, fracs)):
        ratio = boot_ratio(rng, out[hm]["e_total"][k], out["self"]["e_total"][k])
        for s in names:
            d = out[s]
            n_ok = int(np.sum(np.isfinite(d["t_hit"][k])))
            p = metrics.success_probability(n_ok, a.seeds)
            tth, eth = boot_median(rng, d["t_hit"][k]), boot_median(rng, d["e_total"][k])
            emag = _median(d["e_magnets"][k])
            stats.append({"target_cut": cut, "fraction": f, "scheme": s, "successes": n_ok, "p": p, "time": tth,
                          "energy": eth, "energy_magnets": emag, "ratio_energy": ratio if s == hm else None})
            rt = "" if s != hm else _ratio(ratio, hm)
            print(f"| {cut} ({f:g}) | {s} | {n_ok}/{a.seeds} = {p[0]:.2f} ({p[1]:.2f} - {p[2]:.2f}) | {_ns(tth[0])} "
                  f"({_ns(tth[1])} - {_ns(tth[2])}) | {_pj(eth[0])} ({_pj(eth[1])} - {_pj(eth[2])}) | {_pj(emag)} | "
                  f"{rt} |")
    k = 0  # the lowest target: rank correlation of the two schemes' times by chip index (are chips paired?)
    both = np.isfinite(out[hm]["t_hit"][k]) & np.isfinite(out["self"]["t_hit"][k])
    corr = float(np.corrcoef(np.argsort(np.argsort(out[hm]["t_hit"][k][both])),
                             np.argsort(np.argsort(out["self"]["t_hit"][k][both])))[0, 1]) if both.sum() > 2 else np.nan
    print(f"\nratios: median of {hm} / median of self, 2000 bootstrap resamples of each scheme's chips drawn "
          f"independently (rank correlation of the two schemes' times to {cuts[0]} by chip index: {corr:.2f}); "
          f"wall {out['self']['wall']:.0f} s (self), {out[hm]['wall']:.0f} s ({hm}); load {os.getloadavg()[0]:.2f}")
    if a.json:
        with open(a.json, "w") as fh:
            chips = {s: {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in out[s].items()} for s in names}
            json.dump({"graph": g.name, "n": g.n, "reference": ref, "reference_is": ref_is, "duration": a.duration,
                       "calibration": how, "stats": stats, "chips": chips}, fh, indent=1, default=float)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--duration", type=float, default=None,
                    help="simulated anneal time per scheme [s] (default 200e-9; 100e-9 with --seeds)")
    ap.add_argument("--replicas", type=int, default=1, help="chips of the one-seed G1 anneal")
    ap.add_argument("--quick", action="store_true", help="20 ns anneals, small calibration")
    ap.add_argument("--seeds", type=int, default=0, help="R >= 20 chips per scheme: energy to solution over seeds")
    ap.add_argument("--graph", default="random100", help="with --seeds: a G-set name or randomN")
    ap.add_argument("--target", type=float, nargs="+", default=[0.99, 1.0],
                    help="with --seeds: target cuts as fractions of the reference")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--preset", default="ni_low_barrier", help="stack preset (pbits.device.stack.PRESETS)")
    ap.add_argument("--baseline", default="pt", choices=stack_mod.BASELINES)
    ap.add_argument("--torques", default="dl", choices=energy_per_bit.TORQUES,
                    help="dl: damping-like only for both; all: field-like torques too and the HM Oersted field")
    ap.add_argument("--oersted", type=float, default=1.0, choices=(-1.0, 0.0, 1.0), help="Oersted sign (--torques all)")
    ap.add_argument("--spin-pumping", action="store_true",
                    help="add each sink's spin-pumping damping (the two magnets then differ in alpha)")
    ap.add_argument("--json", default=None)
    a = ap.parse_args(argv)
    if a.seeds and a.seeds < 20:
        ap.error(f"--seeds must be >= 20 for a success fraction worth an interval, got {a.seeds}")
    if a.duration is None:
        a.duration = 100e-9 if a.seeds else 200e-9
    cal_kw = {"n_magnets": 32, "duration": 10e-9} if a.quick else {"n_magnets": 64, "duration": 30e-9}
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load {os.getloadavg()[0]:.2f}; "
          f"{len(jax.devices())} XLA {jax.default_backend()} device(s)")
    t = time.perf_counter()
    cals, how = calibrations(jax.random.key(3), preset=a.preset, baseline=a.baseline, torques=a.torques,
                             oersted=a.oersted, spin_pumping=a.spin_pumping, **cal_kw)
    for scheme, c in cals.items():
        p = c.params
        print(f"calibration {scheme:4s}: I0 = {float(p.i0) * 1e6:8.3g} uA, offset {float(p.offset):+.3f}, "
              f"tau_c = {float(p.tau_c) * 1e9:.3g} ns, fit RMS {float(p.rms):.3f}, alpha = "
              f"{float(c.device.magnet.alpha):.3g}, dt = {c.dt * 1e12:.3g} ps, R = {c.resistance:.4g} Ohm")
    print(f"({how}; {time.perf_counter() - t:.1f} s)")
    if a.seeds:
        return over_seeds(a, cals, how)
    one_seed(a, cals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
