"""``pbits solve FILE``: the lowest energy of an Ising, QUBO or HUBO problem within a time budget (a thin face
over :func:`circuits.problems.ising_solve.solve`; the file formats are in docs/formats.md)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np

from circuits.cli import common

DEFAULT_BUDGET = 10.0  # seconds, without --time-limit or --sweeps
FORMATS = ("auto", "problem", "gset", "qubo", "bqm")


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``pbits solve``."""
    parser.add_argument("file", nargs="?", default=None,
                        help="problem file (docs/formats.md): the problem format ('spin|binary n m [offset]', then "
                             "0-based term lines 'i [j [k ...]] c': Ising, QUBO or HUBO), a QUBO matrix file ('n m "
                             "[offset]', then 'i j value'), a G-set/rudy graph (solved as the glass J = -w, i.e. "
                             "Max-Cut) or a dimod BQM file (to_file(); needs the dwave extra); default: a built-in "
                             "40-variable QUBO")
    parser.add_argument("--format", choices=FORMATS, default="auto",
                        help="file format (default auto: dimod's DIMODBQM magic bytes mean a BQM file; a 'spin' or "
                             "'binary' header the problem format; else extension .qubo, or a 0-based index or a "
                             "diagonal entry in the first 10000 lines, a QUBO matrix; else G-set)")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help=f"wall-clock budget, the bound included (default {DEFAULT_BUDGET:g} s unless --sweeps)")
    parser.add_argument("--sweeps", type=int, default=None, help="a fixed geometric schedule of this many sweeps")
    parser.add_argument("--replicas", type=int, default=None,
                        help="replicas (default 64 below 4096 variables, else 4 per CPU core)")
    parser.add_argument("--method", choices=("anneal", "tempering", "icm"), default="anneal",
                        help="simulated annealing (default; planned to the budget), parallel tempering (1000 sweeps "
                             "unless --sweeps), or icm: tempering with Houdayer cluster moves (2D glasses); order <= 2")
    parser.add_argument("--rule", choices=("metropolis", "pbit"), default="metropolis",
                        help="update rule (default metropolis; pbit: the heat-bath p-bit)")
    parser.add_argument("--target", type=float, default=None, help="stop at this objective value or lower")
    parser.add_argument("--bound-time", type=float, default=None, metavar="SECONDS",
                        help="seconds for the certified lower bound (default 5 %% of the budget, 0.5-5 s; 0 skips)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object (the state included)")


def _example():
    """The built-in problem: a random 40-variable QUBO with integer entries (seed 0)."""
    from circuits.model import qubo

    rng = np.random.default_rng(0)
    Q = np.triu(rng.integers(-5, 6, size=(40, 40)).astype(np.float64))
    return qubo.Qubo(Q, 0.0, tuple(range(40))), "qubo40"


DETECT_LINES = 10000  # term lines that decide between a QUBO matrix file and a G-set graph


def detect(path) -> str:
    """``"bqm"``, ``"problem"``, ``"qubo"`` or ``"gset"`` for ``path`` (``--format auto``): dimod's magic bytes mean a
    BQM file; a ``spin`` or ``binary`` header the problem format; else the extension .qubo, or a 0-based index or a
    diagonal entry ``i i value`` in the first :data:`DETECT_LINES` term lines, a QUBO matrix file; else G-set. Only
    the header and those lines are read."""
    from circuits.model import bqm

    if bqm.is_bqm(path):
        return "bqm"
    header, seen = None, 0
    try:
        with open(path, encoding="utf-8-sig") as f:
            for ln in f:
                r = ln.split("#", 1)[0].split()
                if not r:
                    continue
                if header is None:
                    header = r
                    if r[0] in ("spin", "binary"):
                        return "problem"
                    if Path(path).suffix.lower() == ".qubo":
                        return "qubo"
                    continue
                if (len(r) == 3 and r[0].lstrip("-").isdigit() and r[1].lstrip("-").isdigit()
                        and (int(r[0]) == 0 or int(r[1]) == 0 or r[0] == r[1])):
                    return "qubo"
                seen += 1
                if seen >= DETECT_LINES:
                    break
    except (UnicodeDecodeError, IsADirectoryError, FileNotFoundError):
        return "gset"  # let the reader give its error
    if header is None and Path(path).suffix.lower() == ".qubo":
        return "qubo"
    return "gset"


class Problem(NamedTuple):
    """A problem file as the commands use it (:func:`read_problem`)."""

    model: object  # an IsingModel (order <= 2) or a Hubo (higher order, its constant inside)
    offset: float  # the file's energies are the model's plus this
    kind: str  # "problem", "bqm", "qubo" or "gset"
    labels: list | None  # the variables' labels (a BQM file), else None
    graph: object = None  # the G-set graph, for a cut


def read_problem(path, fmt: str = "auto") -> Problem:
    """Read ``path`` in format ``fmt`` (``"auto"``: :func:`detect`): pairwise problems become an IsingModel with the
    file's constant as ``offset``, higher-order ones a Hubo; a G-set graph is the glass J = -w."""
    from circuits.model import bqm, hubo, qubo
    from circuits.problems import gset, maxcut

    kind = detect(path) if fmt == "auto" else fmt
    if kind == "gset":
        graph = gset.read(path)
        return Problem(maxcut.to_ising(graph, layout=maxcut.default_layout(graph)), 0.0, kind, None, graph)
    if kind == "qubo":
        q = qubo.read(path)
        model, offset = qubo.to_ising(q.Q, layout="dense")
        return Problem(model, offset + float(q.offset), kind, None)
    h, labels = bqm.read(path) if kind == "bqm" else (hubo.read(path), None)
    if hubo.order(h) > 2:
        return Problem(h, 0.0, kind, labels)
    model, offset = hubo.to_ising(h, layout="sparse")
    return Problem(model, offset, kind, labels)


def _problem(args):
    """``(model, offset, kind, name, decode)``: the model, its constant, and how to report a state."""
    from circuits.model import qubo
    from circuits.problems import maxcut

    if args.file is None:
        q, name = _example()
        model, offset = qubo.to_ising(q.Q, layout="dense")
        return model, offset + float(q.offset), "qubo", name, lambda s: {"x": qubo.bits(s).tolist()}
    p, name = read_problem(args.file, args.format), Path(args.file).stem
    if p.kind == "gset":
        W = maxcut.total_weight(p.graph)
        return (p.model, 0.0, p.kind, name,
                lambda s: {"spins": s.tolist(), "cut": float(maxcut.cut_value(p.graph, s)), "total_weight": W})
    if p.kind == "qubo":
        return p.model, p.offset, p.kind, name, lambda s: {"x": qubo.bits(s).tolist()}
    return p.model, p.offset, p.kind, name, lambda s: {"spins": s.tolist(), "x": qubo.bits(s).tolist(),
                                                       **({} if p.labels is None else {"labels": p.labels})}


def run(args) -> int:
    """Solve, print; exit code 0 (130 after Ctrl-C, with the best state so far)."""
    from circuits.model import hubo, ising
    from circuits.problems import ising_solve

    _check(args)
    if args.time_limit is None and args.sweeps is None:
        args.time_limit = DEFAULT_BUDGET
    t0 = common.started()  # the budget counts from the command's start: reading the file included
    model, offset, kind, name, decode = _problem(args)
    if args.time_limit is not None:
        args.time_limit = max(1e-3, args.time_limit - (time.perf_counter() - t0))
    bound_s = args.bound_time if args.bound_time is not None else (
        2.0 if args.time_limit is None else float(np.clip(0.05 * args.time_limit, 0.5, 5.0)))
    bar = common.Bar("sweeps", lambda tr: f"best {float(tr.best[-1]) + offset:.6g}",
                     enabled=sys.stderr.isatty() and not args.json)
    higher = not isinstance(model, ising.IsingModel)
    if higher and args.method != "anneal":
        raise ValueError(f"--method {args.method} applies to problems of order <= 2; this one has {hubo.order(model)}-body "
                         "terms: leave --method out (the higher-order annealer runs)")
    if higher:
        s = ising_solve.solve_hubo(args.seed, model, time_limit=args.time_limit, n_sweeps=args.sweeps,
                                   n_replicas=args.replicas, rule=args.rule, target_energy=args.target, progress=bar)
    else:
        s = ising_solve.solve(args.seed, model, offset=offset, time_limit=args.time_limit, n_sweeps=args.sweeps,
                              n_replicas=args.replicas, rule=args.rule, target_energy=args.target,
                              bound_time=bound_s, progress=bar, mesh="local", method=args.method)
    bar.close()
    res = s.run.result
    gap = None if s.lower_bound is None else s.energy - s.lower_bound
    # a certified bound the energy reaches proves it optimal (integer couplings: energies are integers, so a gap
    # below 1 is a gap of 0)
    integer = not higher and ising_solve.integer_couplings(model)
    tol = 1.0 - 1e-9 if integer else 1e-9 * max(1.0, abs(s.energy))
    out = {"problem": name, "format": kind, "n": hubo.n_spins(model) if higher else ising.n_spins(model),
           "order": hubo.order(model) if higher else 2, "objective": s.energy,
           "energy_ising": s.energy - offset, "offset": offset, "lower_bound": s.lower_bound,
           "bound_certified": s.bound_certified, "gap": gap,
           "proven_optimal": bool(s.bound_certified) and gap is not None and gap < tol,
           "time_s": time.perf_counter() - t0, "compile_s": res.compile_time, "sweeps": res.sweeps, "replicas": res.n_replicas,
           "method": args.method, "rule": args.rule, "stopped": res.stopped, "schedule": s.run.schedule, "seed": args.seed,
           **decode(s.spins)}
    if args.json:
        print(json.dumps(out))
    else:
        bound = "" if s.lower_bound is None else (
            f"; lower bound {common.number(s.lower_bound)} ({'certified' if s.bound_certified else 'Lanczos only'}), "
            f"gap {common.number(gap)}" + (" - proven optimal" if out["proven_optimal"] else ""))
        print(f"{name} [{kind}, {out['n']} variables]: best objective {common.number(s.energy)}{bound}")
        print(f"  {res.sweeps} sweeps, {args.method}, {args.rule} rule, {out['time_s']:.2f} s (compile {res.compile_time:.2f} s), "
              f"stopped: {res.stopped}")
        if "cut" in out:
            print(f"  cut {common.number(out['cut'])} of total weight {common.number(out['total_weight'])}")
        state = out.get("x", out.get("spins"))
        if len(state) <= 64:
            print(f"  state {''.join('1' if v > 0 else '0' for v in state)}")
    return 130 if res.stopped == "keyboard" else 0


def _check(args) -> None:
    common.check_budget(args)
