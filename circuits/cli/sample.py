"""``pbits sample [FILE] --beta B [B ...]``: Boltzmann samples by chromatic Gibbs, with the diagnostics that say
whether to trust them (a thin face over :func:`circuits.sampling.boltzmann.run` and :func:`~.boltzmann.report`)."""
from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from circuits.cli import common

DEFAULT_L = 4  # the built-in model: a 4 x 4 ferromagnetic torus (16 spins, so the exact KL is shown)


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``pbits sample``."""
    parser.add_argument("file", nargs="?", default=None,
                        help="a G-set/rudy graph (couplings J = -w, the Max-Cut glass) or a QUBO file "
                             "(docs/formats.md); default: a 4 x 4 ferromagnetic torus, J = 1 (16 spins)")
    parser.add_argument("--beta", type=float, nargs="+", default=None, metavar="B",
                        help="inverse temperature(s) [1/energy] (default 0.2 0.4407 0.8: hot, critical, cold)")
    parser.add_argument("--chains", type=int, default=32, help="independent chains per beta (default 32)")
    parser.add_argument("--records", type=int, default=2000, help="records per chain (default 2000)")
    parser.add_argument("--thin", type=int, default=1, help="sweeps between records (default 1)")
    parser.add_argument("--burn-in", type=int, default=None,
                        help="sweeps discarded first (default a tenth of records x thin)")
    parser.add_argument("--rule", choices=("pbit", "metropolis"), default="pbit",
                        help="update rule: pbit (heat bath, the p-bit's sigmoid; default) or metropolis")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="stop recording after this and report what was recorded")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (per beta: energy, energy_stderr, tau_int_sweeps, ess, rhat, rhat_magnetisation, "
                             "marginals, correlations; kl_exact and kl_floor for n <= 20)")
    parser.add_argument("--plot", default=None, metavar="FILE.png",
                        help="save the energy histograms and autocorrelations to this figure")
    parser.add_argument("--save", default=None, metavar="FILE.npz",
                        help="save the energies, sums and final states (numpy .npz) for later analysis")


def _model(path):
    """The IsingModel of FILE (and its name), or the built-in torus."""
    from circuits.model import ising, qubo
    from circuits.problems import gset, maxcut

    if path is None:
        L = DEFAULT_L
        idx = np.arange(L * L).reshape(L, L)
        pairs = np.concatenate([np.stack([idx.ravel(), np.roll(idx, -1, a).ravel()], 1) for a in (0, 1)])
        return ising.from_edges(L * L, pairs), f"torus{L}x{L}"
    try:
        return maxcut.to_ising(gset.read(path)), str(path)
    except ValueError as rudy_err:
        try:
            q = qubo.read(path)
        except ValueError:
            raise rudy_err from None
        return qubo.to_ising(q.Q, layout="dense")[0], str(path)


def _check(args) -> None:
    for name in ("chains", "records", "thin"):
        if getattr(args, name) < (2 if name == "records" else 1):
            raise ValueError(f"--{name} must be an integer >= {2 if name == 'records' else 1}, got "
                             f"{getattr(args, name)}")
    if args.burn_in is not None and args.burn_in < 0:
        raise ValueError(f"--burn-in must be >= 0, got {args.burn_in}")
    if args.beta is not None and not all(np.isfinite(b) and b >= 0 for b in args.beta):
        raise ValueError(f"--beta must be finite numbers >= 0 (beta = 1/T; a negative temperature is not a "
                         f"Boltzmann distribution), got {' '.join(f'{b:g}' for b in args.beta)}")
    if args.time_limit is not None and not (np.isfinite(args.time_limit) and args.time_limit > 0):
        raise ValueError(f"--time-limit must be a finite number of seconds > 0, got {args.time_limit}")


def run(args) -> int:
    """Sample, print the report; exit code 0 (130 after Ctrl-C, with what was recorded)."""
    _check(args)
    common.check_output(args.plot, "--plot", suffixes=common.FIGURE_TYPES)
    common.check_output(args.save, "--save", suffixes=("npz",))
    from circuits.model import ising
    from circuits.sampling import boltzmann, rules

    model, name = _model(args.file)
    betas = args.beta if args.beta is not None else [0.2, 0.4407, 0.8]
    bar = common.Bar("records", enabled=sys.stderr.isatty() and not args.json)
    r = boltzmann.run(args.seed, model, betas, n_chains=args.chains, n_records=args.records, thin=args.thin,
                      burn_in=args.burn_in, update=rules.behavioural if args.rule == "pbit" else rules.metropolis,
                      time_limit=args.time_limit, progress=bar)
    bar.close()
    rows = boltzmann.report(model, r)
    out = {"model": name, "n": ising.n_spins(model), "couplings": int(len(r.edges)), "rule": args.rule,
           "chains": args.chains, "records": int(r.energy.shape[0]), "thin": r.thin, "burn_in": r.burn_in,
           "sweeps": r.sweeps, "wall_s": r.wall_time, "stopped": r.stopped, "seed": args.seed, "betas": rows}
    if args.save:
        np.savez(args.save, betas=r.betas, energy=r.energy, spin_sum=r.spin_sum, pair_sum=r.pair_sum,
                 edges=r.edges, spins=r.spins, thin=r.thin, burn_in=r.burn_in)
    if args.json:
        print(json.dumps(out))
    else:
        _print(out)
    if args.plot:
        def plot():
            from circuits import plotting

            plotting.sampling(r, path=args.plot)
            return args.plot

        saved = common.draw("the sampling figure", plot)
        if saved and not args.json:
            print(f"plot  saved to {saved}")
    return 130 if r.stopped == "keyboard" else 0


def _print(out: dict) -> None:
    print(f"model {out['model']}: {out['n']} spins, {out['couplings']} couplings; {out['rule']} rule, "
          f"{out['chains']} chains x {out['records']} records (thin {out['thin']}, burn-in {out['burn_in']}), "
          f"{out['wall_s']:.2f} s{'' if out['stopped'] == 'done' else ', stopped: ' + out['stopped']}")
    print(f"{'beta':>8} {'E/N':>10} {'+-':>8} {'tau_int':>8} {'ESS':>8} {'R-hat':>6} {'|<s>|':>6}"
          + (f" {'KL exact':>9} {'KL floor':>9}" if "kl_exact" in out["betas"][0] else ""))
    for row in out["betas"]:
        n = out["n"]
        line = (f"{row['beta']:8.4g} {row['energy_per_spin']:10.5f} {row['energy_stderr'] / n:8.5f} "
                f"{row['tau_int_sweeps']:8.3g} {row['ess']:8.0f} {_rhat(row):6.3f} "
                f"{float(np.mean(np.abs(row['marginals']))):6.3f}")
        if "kl_exact" in row:
            line += f" {row['kl_exact']:9.2e} {row['kl_floor']:9.2e}"
        print(line)
    if any(_rhat(row) > 1.05 for row in out["betas"]):
        print("warning: R-hat > 1.05 at some beta: the chains disagree (on the energy or the magnetisation), so "
              "the estimates there are not converged; raise --records or --thin")


def _rhat(row) -> float:
    """The larger split R-hat, of the energy and of the magnetisation (nan-safe)."""
    return float(np.nanmax([row["rhat"], row["rhat_magnetisation"], 0.0]))
