"""``pbits sample [FILE] --beta B [B ...] [--tempering]``: Boltzmann samples by chromatic Gibbs (of Ising models, or of
higher-order models read from a problem file), optionally with parallel tempering, with the diagnostics that say
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
    from circuits.cli.solve import FORMATS

    parser.add_argument("file", nargs="?", default=None,
                        help="problem file (docs/formats.md): the problem format ('spin|binary n m [offset]', then "
                             "0-based term lines 'i [j [k ...]] c': Ising, QUBO or higher-order terms), a QUBO "
                             "matrix file, a G-set/rudy graph (couplings J = -w, the Max-Cut glass) or a dimod BQM "
                             "file; default: a 4 x 4 ferromagnetic torus, J = 1 (16 spins)")
    parser.add_argument("--format", choices=FORMATS, default="auto",
                        help="file format (default auto, as pbits solve: dimod's magic bytes, a 'spin' or 'binary' "
                             "header, a QUBO matrix by its extension .qubo or a 0-based index, else G-set)")
    parser.add_argument("--beta", type=float, nargs="+", default=None, metavar="B",
                        help="inverse temperature(s) [1/energy] (default 0.2 0.4407 0.8: hot, critical, cold); "
                             "with --tempering the ladder: >= 2 increasing values")
    parser.add_argument("--tempering", action="store_true",
                        help="parallel tempering: after every sweep, replica exchange between neighbouring betas "
                             "(for glassy or ordered models whose chains stick); the report adds the swap acceptance")
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
                        help="print one JSON object (per beta: energy, energy_stderr, tau_int_sweeps, ess, rhat, "
                             "rhat_magnetisation, marginals, correlations; kl_exact and kl_floor for n <= 20; "
                             "swap_acceptance with --tempering; the variables' labels for a BQM file)")
    parser.add_argument("--plot", default=None, metavar="FILE.png",
                        help="save the energy histograms and autocorrelations to this figure")
    parser.add_argument("--save", default=None, metavar="FILE.npz",
                        help="save the energies (the file's, its constant included), sums and final states (numpy .npz) for "
                             "later analysis")


def _model(path, fmt: str = "auto"):
    """``(model, offset, name, labels)`` of FILE (:func:`circuits.cli.solve.read_problem`), or the built-in torus."""
    from circuits.cli import solve
    from circuits.model import ising

    if path is None:
        if fmt != "auto":
            raise ValueError(f"--format {fmt} needs a FILE; give one or drop --format")
        L = DEFAULT_L
        idx = np.arange(L * L).reshape(L, L)
        pairs = np.concatenate([np.stack([idx.ravel(), np.roll(idx, -1, a).ravel()], 1) for a in (0, 1)])
        return ising.from_edges(L * L, pairs), 0.0, f"torus{L}x{L}", None
    p = solve.read_problem(path, fmt)
    return p.model, p.offset, str(path), p.labels


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
    common.check_time_limit(args.time_limit)
    betas = args.beta if args.beta is not None else [0.2, 0.4407, 0.8]
    if args.tempering and (len(betas) < 2 or np.any(np.diff(betas) <= 0)):
        raise ValueError(f"--tempering needs the ladder as --beta: >= 2 increasing values, got "
                         f"{' '.join(f'{b:g}' for b in betas)}; e.g. --beta 0.1 0.2 0.4 0.8")


def run(args) -> int:
    """Sample, print the report; exit code 0 (130 after Ctrl-C, with what was recorded)."""
    _check(args)
    common.check_output(args.plot, "--plot", suffixes=common.FIGURE_TYPES)
    common.check_output(args.save, "--save", suffixes=("npz",))
    from circuits.model import hubo
    from circuits.sampling import boltzmann, rules

    model, offset, name, labels = _model(args.file, args.format)
    betas = args.beta if args.beta is not None else [0.2, 0.4407, 0.8]
    bar = common.Bar("records", enabled=sys.stderr.isatty() and not args.json)
    r = boltzmann.run(args.seed, model, betas, n_chains=args.chains, n_records=args.records, thin=args.thin,
                      burn_in=args.burn_in, update=rules.behavioural if args.rule == "pbit" else rules.metropolis,
                      tempering=args.tempering, time_limit=args.time_limit, progress=bar)
    bar.close()
    rows = boltzmann.report(model, r)
    n = boltzmann.n_spins(model)
    for row in rows:  # the file's energies: its constant included
        row["energy"] += offset
        row["energy_per_spin"] = row["energy"] / n
    higher = isinstance(model, hubo.Hubo)
    out = {"model": name, "n": n, "order": hubo.order(model) if higher else 2, "couplings": len(r.edges),
           "offset": offset, "rule": args.rule, "tempering": bool(args.tempering),
           "chains": args.chains, "records": int(r.energy.shape[0]), "thin": r.thin, "burn_in": r.burn_in,
           "sweeps": r.sweeps, "wall_s": r.wall_time, "stopped": r.stopped, "seed": args.seed, "betas": rows}
    if r.swap_acceptance is not None:
        out["swap_acceptance"] = r.swap_acceptance.tolist()
    if labels is not None:
        out["labels"] = labels
    if args.save:
        np.savez(args.save, betas=r.betas, energy=r.energy + offset, spin_sum=r.spin_sum, pair_sum=r.pair_sum,
                 edges=r.edges, spins=r.spins, thin=r.thin, burn_in=r.burn_in, offset=offset,
                 **({} if r.swap_acceptance is None else {"swap_acceptance": r.swap_acceptance}))
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
    what = "couplings" if out["order"] <= 2 else f"coupled pairs (order {out['order']})"
    print(f"model {out['model']}: {out['n']} spins, {out['couplings']} {what}; {out['rule']} rule"
          f"{' with tempering' if out['tempering'] else ''}, "
          f"{out['chains']} chains x {out['records']} records (thin {out['thin']}, burn-in {out['burn_in']}), "
          f"{out['wall_s']:.2f} s{'' if out['stopped'] == 'done' else ', stopped: ' + out['stopped']}")
    print(f"{'beta':>8} {'E/N':>10} {'+-':>8} {'tau_int':>8} {'ESS':>8} {'R-hat':>6} {'|<s>|':>6}"
          + (f" {'KL exact':>9} {'KL floor':>9}" if "kl_exact" in out["betas"][0] else "")
          + (f" {'swap':>6}" if out["tempering"] else ""))
    for row in out["betas"]:
        n = out["n"]
        line = (f"{row['beta']:8.4g} {row['energy_per_spin']:10.5f} {row['energy_stderr'] / n:8.5f} "
                f"{row['tau_int_sweeps']:8.3g} {row['ess']:8.0f} {_rhat(row):6.3f} "
                f"{float(np.mean(np.abs(row['marginals']))):6.3f}")
        if "kl_exact" in row:
            line += f" {row['kl_exact']:9.2e} {row['kl_floor']:9.2e}"
        if "swap_acceptance" in row:  # with the next beta
            line += f" {row['swap_acceptance']:6.3f}"
        print(line)
    if any(_rhat(row) > 1.05 for row in out["betas"]):
        print("warning: R-hat > 1.05 at some beta: the chains disagree (on the energy or the magnetisation), so "
              "the estimates there are not converged; raise --records or --thin"
              + ("" if out["tempering"] else ", or add --tempering"))
    if out["tempering"] and any(a < 0.05 for a in out["swap_acceptance"]):
        print("warning: a swap acceptance below 0.05: replicas rarely cross that gap of the ladder; add betas "
              "between those two")


def _rhat(row) -> float:
    """The larger split R-hat, of the energy and of the magnetisation (nan-safe)."""
    return float(np.nanmax([row["rhat"], row["rhat_magnetisation"], 0.0]))
