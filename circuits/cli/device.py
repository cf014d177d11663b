"""``pbits device``: derived parameters of a nanomagnet device and, with ``--switching``, its
switching-probability curve for both torque schemes (self-torque of Choi et al., Nature
Communications 2025, doi:10.1038/s41467-025-61073-w, vs a heavy-metal SOT baseline); with ``--transfer``
the p-bit transfer curve <s>(I) of a low-barrier device for both schemes, the fitted I0, tau_c and the
energy per random bit, compared like for like (the same kinds of torque in both schemes); with ``--sweep`` the
critical current, energy per switch (and, with ``--magnets``, energy per random bit) against the AFMI spin-loss
fraction with and without spin-pumping damping, and the optimum.

Thin: calls :mod:`pbits.device.stack`, :mod:`pbits.analysis` and :mod:`pbits.pbit.energy_per_bit`; figures
from :mod:`circuits.plotting`.
"""
from __future__ import annotations

import argparse
import json
import sys

import jax
import numpy as np

from circuits.cli import common
from pbits import constants as C
from pbits.analysis import energy, switching
from pbits.device import magnet, pumping, stack, torques


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``pbits device``."""
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--preset", default=None, choices=stack.PRESETS,
                     help="device preset (default: ni_afmi, the Ni/AFM-insulator stack; with --transfer: "
                          "ni_low_barrier, a Delta = 1 Ni(3 nm) disk on the AFMI)")
    src.add_argument("--params", metavar="FILE.json",
                     help="device parameters as JSON (see pbits.device.stack.from_dict)")
    parser.add_argument("--baseline", default="pt", choices=stack.BASELINES, help="heavy-metal baseline (default pt)")
    parser.add_argument("--switching", action="store_true", help="switching probability vs current, both schemes")
    parser.add_argument("--width", type=float, default=2e-9, help="write-pulse width [s] (default 2e-9)")
    parser.add_argument("--trials", type=int, default=None, help="--switching: trials per current (default 32)")
    parser.add_argument("--points", type=int, default=None,
                        help="currents per curve (default 12 for --switching, 9 for --transfer)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--transfer", action="store_true",
                        help="p-bit transfer curve <s>(I), fitted I0, tau_c and energy per random bit, both schemes")
    parser.add_argument("--magnets", type=int, default=None, help="magnets per current for --transfer (default 64)")
    parser.add_argument("--duration", type=float, default=None,
                        help="recorded time per magnet for --transfer [s] (default 100 x the estimated tau_c)")
    parser.add_argument("--torques", choices=("dl", "all"), default=None,
                        help="--transfer: torques both schemes carry: dl = damping-like only (default), all = "
                             "damping- and field-like plus the heavy metal's Oersted field")
    parser.add_argument("--oersted", type=int, choices=(-1, 0, 1), default=None,
                        help="--transfer --torques all: sign of the heavy metal's Oersted field (+1: FM on top of the "
                             "HM, default; -1: below; 0: compensated)")
    parser.add_argument("--no-spin-pumping", action="store_true",
                        help="leave out the spin-pumping damping of the spin sinks (alpha = the magnet's own)")
    parser.add_argument("--sweep", nargs="?", const="0.05:0.95:10", default=None, metavar="LO:HI:N",
                        help="I_c, energy per switch (and with --magnets energy per random bit) vs the AFMI spin-loss "
                             "fraction a_AFMI, with and without spin pumping (default 0.05:0.95:10)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--plot", metavar="FILE",
                        help="save the switching curves (or, with --transfer, the transfer curves) to FILE")


def _stack(args) -> stack.Stack:
    """The stack the options name (``--transfer`` defaults to the low-barrier Ni disk)."""
    if args.params:
        st = stack.load(args.params)
        if args.baseline != st.baseline:
            st = stack.from_dict({**json.load(open(args.params)), "baseline": args.baseline})
        return stack.without_spin_pumping(st) if args.no_spin_pumping else st
    default = "ni_low_barrier" if (args.transfer or args.sweep) else "ni_afmi"
    st = stack.preset(args.preset or default, baseline=args.baseline)
    return stack.without_spin_pumping(st) if args.no_spin_pumping else st


def summary(st: stack.Stack, *, t_p: float = 1e-9) -> dict:
    """Derived parameters of a device and of both torque schemes, as a JSON-ready dict (SI units).

    Contains Delta, H_K,eff, H_D, tau_N, tau_B (docs/physics.md §2.2-2.4, §3.2), the efficiencies xi_DL,
    mu0 H_DL per 1e11 A/m^2, each scheme's damping with its spin-pumping part, I_c0 (docs/physics.md §3.3) of both
    schemes, and the energy ratios with their baseline (§1.6).

    Example:
        >>> s = summary(stack.preset("ni_afmi"))
        >>> round(s["self_torque"]["xi_dl"], 3)
        0.083
    """
    mag, sel, hm, name = st.magnet, st.self_torque, st.heavy_metal, st.baseline
    d = magnet.derived(mag)
    t = float(mag.thickness)
    xi_s = float(torques.xi_self(sel, t))
    xi_h = float(torques.xi_heavy_metal(hm))
    devs = stack.drives(st)
    out = {
        "magnet": {
            "ms_A_per_m": float(mag.ms), "volume_m3": float(mag.volume), "thickness_m": t, "alpha": float(mag.alpha),
            "hk_A_per_m": float(mag.hk), "easy_axis": np.asarray(mag.easy_axis).tolist(),
            "demag": np.asarray(mag.demag).tolist(), "temperature_K": float(mag.temperature),
            "hk_eff_A_per_m": float(d.hk_eff), "h_d_A_per_m": float(d.h_d), "delta": float(d.delta),
            "barrier_J": float(d.barrier), "thermal_field_A_per_m_sqrt_s": float(d.sigma_h),
            "tau_n_s": float(d.tau_n), "tau_b_s": float(d.tau_b),
        },
        "self_torque": {
            "theta_fm": float(sel.theta_fm), "a_afmi": float(torques.loss_fraction(sel)), "a_cap": float(sel.a_cap),
            "lambda_m": float(sel.lam), "xi_dl": xi_s, "xi_fl": xi_s * float(sel.beta_fl),
            "mu0_h_dl_T_per_1e11_A_per_m2": C.MU0 * float(torques.h_dl(xi_s, 1e11, mag.ms, t)),
            "alpha": float(devs["self"].magnet.alpha),
            "delta_alpha_spin_pumping": float(pumping.spin_pumping_self(sel, mag)),
        },
        "baseline": {
            "name": name, "xi_hm": xi_h, "rho_hm_ohm_m": float(hm.rho_hm),
            "thickness_m": float(hm.thickness),
            "mu0_h_dl_T_per_1e11_A_per_m2": C.MU0 * float(torques.h_dl(xi_h, 1e11, mag.ms, t)),
            "alpha": float(devs[name].magnet.alpha),
            "delta_alpha_spin_pumping": float(pumping.spin_pumping_heavy_metal(hm, mag)),
        },
    }
    try:
        i_s = float(switching.critical_current(devs["self"]))
        i_h = float(switching.critical_current(devs[name]))
        out["self_torque"]["i_c0_A"] = i_s
        out["self_torque"]["j_c0_A_per_m2"] = float(torques.current_density_self(sel, mag, i_s))
        out["baseline"]["i_c0_A"] = i_h
        out["baseline"]["j_hm_c0_A_per_m2"] = float(torques.current_density_heavy_metal(hm, mag, i_h)[0])
        cmp = energy.compare_at_critical_current(mag, sel, hm, t_p=t_p, name=name)
        out["energy"] = {"t_p_s": t_p, "e_self_J": cmp.e_self, "e_baseline_J": cmp.e_baseline,
                         "ratio_baseline_over_self": cmp.ratio, "baseline": cmp.baseline, "method": cmp.method}
    except ValueError as err:  # sigma not along the easy axis (e.g. PMA with in-plane sigma)
        out["note"] = str(err)
    fom = energy.figure_of_merit_ratio((float(hm.rho_hm), float(hm.thickness), xi_h), (float(sel.rho_fm), t, xi_s),
                                       name=name)
    out["figure_of_merit"] = {"ratio_baseline_over_self": fom.ratio, "baseline": fom.baseline, "method": fom.method}
    return out


def run(args) -> int:
    """Print the summary (and switching curves); return the exit code."""
    if not np.isfinite(args.width) or args.width <= 0:
        raise ValueError(f"--width must be a positive time in seconds, got {args.width}")
    if sum(map(bool, (args.switching, args.transfer, args.sweep))) > 1:
        raise ValueError("--switching, --transfer and --sweep are separate reports; run them one at a time")
    wrong = ([f"--{n}" for n in ("duration", "torques", "oersted") if getattr(args, n) is not None]
             if not args.transfer else [])
    wrong += ["--magnets"] if args.magnets is not None and not (args.transfer or args.sweep) else []
    if args.transfer and args.oersted is not None and args.torques != "all":
        wrong += ["--oersted (without --torques all)"]
    wrong += ["--trials"] if args.trials is not None and (args.transfer or not (args.switching or args.plot)) else []
    wrong += ["--points"] if args.points is not None and not (args.switching or args.transfer or args.plot) else []
    if wrong:
        raise ValueError(f"{', '.join(wrong)} do(es) not apply here: --duration, --torques and --oersted (with "
                         "--torques all) belong to --transfer, --magnets to --transfer or --sweep, --trials to "
                         "--switching, --points to --switching or --transfer; add the mode or drop them")
    args.trials = 32 if args.trials is None else args.trials
    sllg_sweep = args.magnets is not None
    args.magnets = 64 if args.magnets is None else args.magnets
    if args.trials < 1 or (args.points is not None and args.points < 2):
        raise ValueError(f"--trials must be >= 1 and --points >= 2, got {args.trials} and {args.points}")
    common.check_output(args.plot, "--plot", suffixes=common.FIGURE_TYPES)
    st = _stack(args)
    if args.transfer:
        return _transfer(args, st)
    if args.sweep:
        return _sweep(args, st, sllg_sweep)
    out = {"device": args.params or (args.preset or "ni_afmi"), **summary(st, t_p=args.width)}
    comp = None
    if args.switching or args.plot:
        bar = common.Bar("sLLG steps", enabled=sys.stderr.isatty() and not args.json)
        comp = energy.switching_comparison(jax.random.key(args.seed), st, width=args.width,
                                           n_points=args.points or 12, n_trials=args.trials, progress=bar)
        bar.close()
        out["switching"] = {
            name: {"current_A": c.currents.tolist(), "probability": c.probability.tolist(),
                   "stderr": c.stderr.tolist(), "i50_A": comp.i50[name], "energy50_J": comp.energy50[name]}
            for name, c in comp.curves.items()}
        out["switching"]["energy_ratio_at_p50"] = {"ratio_baseline_over_self": comp.ratio, "baseline": comp.baseline,
                                                   "pulse_width_s": args.width}
    if args.json:
        json.dump(out, sys.stdout, indent=2, default=float)
        print()
    else:
        _print(out)
    if args.plot:
        _draw(args, "the switching curves", lambda plotting: plotting.switching_curves(comp.curves, path=args.plot))
    return 0


def _draw(args, what, plot) -> None:
    """Draw a figure after the result was printed (a failing plot is a warning, not a lost result)."""
    def go():
        from circuits import plotting

        plot(plotting)
        return args.plot

    saved = common.draw(what, go)
    if saved and not args.json:
        print(f"\nplot saved to {saved}")


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return str(v)


def _print(out: dict) -> None:
    print(f"device: {out['device']}")
    for section in ("magnet", "self_torque", "baseline", "energy", "figure_of_merit"):
        if section in out:
            print(f"\n[{section}]")
            for k, v in out[section].items():
                print(f"  {k:32s} {_fmt(v)}")
    if "note" in out:
        print(f"\nnote: {out['note']}")
    if "switching" in out:
        sw = out["switching"]
        print("\n[switching probability]")
        for name, c in sw.items():
            if name == "energy_ratio_at_p50":
                continue
            print(f"  {name}: I_50 = {c['i50_A']:.4g} A, E(I_50) = {c['energy50_J']:.4g} J")
            for i, p in zip(c["current_A"], c["probability"]):
                print(f"    I = {i:10.4g} A   P = {p:.3f}")
        r = sw["energy_ratio_at_p50"]
        print(f"  energy ratio at P = 0.5 (baseline/self): {r['ratio_baseline_over_self']:.3g} "
              f"(baseline {r['baseline']}, {r['pulse_width_s']:.3g} s pulse)")


def _transfer(args, st: stack.Stack) -> int:
    """``--transfer``: calibrate both schemes by sLLG and print I0, tau_c and the energy per random bit."""
    from pbits.pbit import energy_per_bit

    if args.magnets < 2:
        raise ValueError(f"--magnets must be >= 2 (standard errors need two), got {args.magnets}")
    if args.duration is not None and (not np.isfinite(args.duration) or args.duration <= 0):
        raise ValueError(f"--duration must be a positive time in seconds, got {args.duration}")
    delta = float(np.max(magnet.derived(st.magnet).delta))
    if delta > 5:
        raise ValueError(f"--transfer needs a low-barrier magnet (Delta <~ 3) that fluctuates on its own; this device "
                         f"has Delta = {delta:.3g}. Use --preset ni_low_barrier or inplane_low_barrier")
    name = args.params or (args.preset or "ni_low_barrier")
    bar = common.Bar("sLLG steps", enabled=sys.stderr.isatty() and not args.json)
    c = energy_per_bit.compare(jax.random.key(args.seed), st, torques=args.torques or "dl",
                               oersted=1 if args.oersted is None else args.oersted, n_magnets=args.magnets,
                               n_points=args.points or 9, duration=args.duration, progress=bar)
    bar.close()
    out = {"device": name, "delta": delta, "baseline": c.baseline, "torques": c.torques, "schemes": {}}
    for scheme, e in ((c.self_torque.scheme, c.self_torque), (c.heavy_metal.scheme, c.heavy_metal)):
        p, tc = c.params[scheme], c.curves[scheme]
        out["schemes"][scheme] = {
            "i0_A": e.i0, "i0_err_A": float(p.i0_err), "offset": e.offset, "fit_rms": float(p.rms),
            "tau_c_s": e.tau_c, "tau_c_err_s": c.tau_c[scheme][1], "tau_exponent": float(p.tau_exponent),
            "dwell_s": float(p.dwell), "bias_range_A": [e.i_low, e.i_high], "power_W": e.power,
            "energy_per_bit_J": e.energy, "energy_per_bit_err_J": e.energy_err,
            "energy_per_switch_J": c.energy_per_switch[scheme],
            "current_A": np.asarray(tc.currents).tolist(), "mean_s": np.asarray(tc.mean).tolist(),
            "stderr_s": np.asarray(tc.stderr).tolist(), "tau_c_vs_current_s": np.asarray(tc.tau_c).tolist()}
    out["energy_ratio_baseline_over_self"] = c.ratio
    out["energy_ratio_err"] = c.ratio_err
    out["energy_ratio_from_critical_currents"] = c.ratio_critical_current
    if c.range is not None:
        from pbits.pbit import energy_range

        out["energy_ratio_range"] = {
            "low": c.range.low.ratio, "low_case": energy_range.describe(c.range.low),
            "high": c.range.high.ratio, "high_case": energy_range.describe(c.range.high),
            "per_switch": [c.range.switch_low, c.range.switch_high]}
    if args.json:
        json.dump(out, sys.stdout, indent=2, default=float)
        print()
    else:
        _print_transfer(out, c, name, delta, args)
    if args.plot:
        _draw(args, "the transfer curves",
              lambda plotting: plotting.transfer_curves(c.curves, c.params, path=args.plot))
    return 0


def _print_transfer(out, c, name, delta, args) -> None:
    """The human-readable ``--transfer`` report."""
    print(f"device: {name} (Delta = {delta:.3g}); p-bit transfer curves from sLLG, {args.magnets} magnets per current")
    for scheme, d in out["schemes"].items():
        print(f"\n[{scheme}]")
        print(f"  energy per random bit = {d['energy_per_bit_J']:.4g} +- {d['energy_per_bit_err_J']:.2g} J, "
              f"per switch (1 ns at I_c) = {d['energy_per_switch_J']:.4g} J")
        print(f"  I0 = {d['i0_A'] * 1e6:.4g} +- {d['i0_err_A'] * 1e6:.2g} uA, offset = {d['offset']:.3f}, "
              f"fit RMS = {d['fit_rms']:.4f}")
        print(f"  tau_c = {d['tau_c_s'] * 1e9:.4g} ns (tau(I) = tau_c sech^q, q = {d['tau_exponent']:.2f}), "
              f"mean dwell = {d['dwell_s'] * 1e9:.4g} ns")
        print(f"  <s> from -0.9 to 0.9: I = {d['bias_range_A'][0] * 1e6:.4g} .. {d['bias_range_A'][1] * 1e6:.4g} uA, "
              f"P = {d['power_W']:.4g} W, energy per random bit = {d['energy_per_bit_J']:.4g} J")
        for i, m, e in zip(d["current_A"], d["mean_s"], d["stderr_s"]):
            print(f"    I = {i * 1e6:10.4g} uA   <s> = {m:+.3f} +- {e:.3f}")
    print(f"\ntorques: {c.torques}")
    print(f"energy per bit, baseline/self = {c.ratio:.3g} +- {c.ratio_err:.2g} (baseline: {c.baseline}); per switch at "
          f"the critical currents: {c.ratio_critical_current:.3g}")
    if "energy_ratio_range" in out:
        r = out["energy_ratio_range"]
        print(f"range over the uncertain inputs: {r['low']:.3g} ({r['low_case']}) .. {r['high']:.3g} "
              f"({r['high_case']}); per switch {r['per_switch'][0]:.3g} .. {r['per_switch'][1]:.3g}")


def _sweep(args, st: stack.Stack, sllg: bool) -> int:
    """``--sweep``: I_c, energy per switch (and energy per random bit) vs a_AFMI, with and without spin pumping."""
    from pbits.pbit import energy_per_bit

    try:
        lo, hi, n = args.sweep.split(":")
        a = np.linspace(float(lo), float(hi), int(n))
    except ValueError:
        raise ValueError(f"--sweep takes LO:HI:N (spin-loss fractions in [0, 1) and a count), got {args.sweep!r}") from None
    bar = common.Bar("sLLG steps", enabled=sys.stderr.isatty() and not args.json and sllg)
    sw = energy_per_bit.dissipation_sweep(jax.random.key(args.seed), st, a, sllg=sllg, n_magnets=args.magnets,
                                          progress=bar)
    bar.close()
    out = {"device": args.params or (args.preset or "ni_low_barrier"), "a_afmi": sw.a_afmi.tolist(),
           "xi_dl": sw.xi_dl.tolist(), "optimum_a_afmi": {k: {"with_spin_pumping": v[0], "without": v[1]}
                                                          for k, v in sw.optimum.items()}}
    for r, label in ((0, "with_spin_pumping"), (1, "without_spin_pumping")):
        out[label] = {"alpha": sw.alpha[r].tolist(), "i_c_A": sw.i_c[r].tolist(), "e_switch_J": sw.e_switch[r].tolist(),
                      "e_bit_J": sw.e_bit[r].tolist(), "e_bit_err_J": sw.e_bit_err[r].tolist()}
    if args.json:
        json.dump(out, sys.stdout, indent=2, default=float)
        print()
        return 0
    print(f"device: {out['device']}; self-torque vs the AFMI spin-loss fraction a_AFMI (E_switch: 1 ns pulse at I_c)")
    for r, label in ((0, "with spin pumping"), (1, "without spin pumping (alpha fixed)")):
        print(f"\n[{label}]")
        print("   a_AFMI   xi_DL   alpha     I_c [uA]   E_switch [J]   E_bit [J]")
        for q in range(a.size):
            eb = f"{sw.e_bit[r, q]:.3g} +- {sw.e_bit_err[r, q]:.1g}" if np.isfinite(sw.e_bit[r, q]) else "-"
            print(f"   {a[q]:6.3f}  {sw.xi_dl[q]:6.4f}  {sw.alpha[r, q]:6.4f}  {sw.i_c[r, q] * 1e6:9.4g}  "
                  f"{sw.e_switch[r, q]:12.4g}   {eb}")
    print("\noptimum a_AFMI (with / without spin pumping):")
    for k, v in sw.optimum.items():
        print(f"  {k:9s} {v[0]:.3f} / {v[1]:.3f}")
    return 0
