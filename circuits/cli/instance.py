"""``pbits instance KIND -o FILE``: write a generated benchmark instance as a rudy file for ``pbits maxcut``, a thin
face over :mod:`circuits.problems.instances`, :mod:`circuits.problems.topologies` and
:mod:`circuits.problems.planted` (``docs/instances.md`` describes the families).

The file starts with ``#`` comment lines (which :func:`circuits.problems.gset.read` skips): the command that
remakes it, the energy convention and, for planted instances, the ground-state energy and the maximum cut.
"""
from __future__ import annotations

import argparse
import json
from typing import NamedTuple

import numpy as np

from circuits.cli import common


class Kind(NamedTuple):
    help: str
    sizes: dict        # option -> (default, least value)
    couplings: tuple   # the coupling laws it offers; () for planted kinds
    planted: bool = False


PM_GAUSS = ("pm", "gauss")
KINDS = {
    "torus2d": Kind("2D Edwards-Anderson glass on the L x L torus", {"L": (100, 3)}, PM_GAUSS),
    "ea3d": Kind("3D Edwards-Anderson glass on the L x L x L torus", {"L": (16, 3)}, PM_GAUSS),
    "complete": Kind("Sherrington-Kirkpatrick model on the complete graph K_n", {"n": (2000, 2)}, PM_GAUSS),
    "regular": Kind("random d-regular graph", {"n": (1000, 2), "degree": (3, 1)}, PM_GAUSS + ("unit",)),
    "chimera": Kind("Chimera C(m) hardware graph", {"m": (16, 1), "t": (4, 1)}, PM_GAUSS),
    "pegasus": Kind("Pegasus P(m) hardware graph (its fabric)", {"m": (16, 2)}, PM_GAUSS),
    "zephyr": Kind("Zephyr Z(m, t) hardware graph", {"m": (12, 1), "t": (4, 1)}, PM_GAUSS),
    "tile": Kind("tile-planted 2D glass on the L x L torus (L even), known ground state", {"L": (32, 4)}, (),
                 planted=True),
    "wishart": Kind("Wishart planted ensemble on K_n, known ground state", {"n": (64, 2)}, (), planted=True),
    "loops3d": Kind("frustrated-loop planted 3D glass on the L x L x L torus, known ground state", {"L": (8, 3)}, (),
                    planted=True),
}
MAX_EDGES = 10 ** 8  # a rudy file of about 2 GB; larger instances are better made in Python and kept in memory
ONLY = {"alpha": ("wishart", "loops3d"), "tile_probs": ("tile",), "no_gauge": ("tile", "wishart", "loops3d"),
        "planted_out": ("tile", "wishart", "loops3d")}


def configure(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``pbits instance``."""
    parser.add_argument("kind", choices=tuple(KINDS), metavar="KIND",
                        help="; ".join(f"{k}: {v.help}" for k, v in KINDS.items()))
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="the rudy file to write")
    parser.add_argument("--L", type=int, default=None,
                        help="lattice side (torus2d: default 100; ea3d: 16; tile: 32, even; loops3d: 8)")
    parser.add_argument("--n", type=int, default=None,
                        help="number of spins (complete: default 2000; regular: 1000; wishart: 64)")
    parser.add_argument("--m", type=int, default=None, help="hardware graph size (chimera, pegasus: 16; zephyr: 12)")
    parser.add_argument("--t", type=int, default=None, help="shore size of chimera and zephyr (default 4)")
    parser.add_argument("--degree", type=int, default=None, help="regular: the degree d (default 3)")
    parser.add_argument("--couplings", default=None, choices=("pm", "gauss", "unit"),
                        help="Max-Cut weights w = -J: pm = +/-1 (default), gauss = N(0, 1), unit = 1 (regular only)")
    parser.add_argument("--alpha", type=float, default=None,
                        help="wishart: columns per spin M / n (default 0.5); loops3d: cycles per spin (default 0.1)")
    parser.add_argument("--tile-probs", type=float, nargs=3, default=None, metavar=("P1", "P2", "P3"),
                        help="tile: probabilities of tiles with 1, 2, 3 ground states (default 0.25 each; "
                             "4 ground states get the rest)")
    parser.add_argument("--no-gauge", action="store_true",
                        help="planted kinds: keep the ground state all-up (no random gauge transform)")
    parser.add_argument("--planted-out", metavar="FILE", default=None,
                        help="planted kinds: also save the planted ground state (+/-1) to FILE (.npy or .txt)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0); the same seed, the same file")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")


def run(args) -> int:
    """Generate, write, print the summary; return the exit code."""
    kind = KINDS[args.kind]
    params = _sizes(args, kind)
    _check_options(args, kind)
    if args.kind in ("wishart", "loops3d"):
        params["alpha"] = {"wishart": 0.5, "loops3d": 0.1}[args.kind] if args.alpha is None else float(args.alpha)
    if args.kind == "tile":
        params["tile_probs"] = [0.25, 0.25, 0.25] if args.tile_probs is None else [float(p) for p in args.tile_probs]
    common.check_output(args.output, "--output")
    common.check_output(args.planted_out, "--planted-out", suffixes=("npy", "txt"))
    couplings = args.couplings or ("pm" if kind.couplings else None)
    result = _make(args, params, couplings)
    planted = result if kind.planted else None
    graph = planted.graph if planted else result
    command = _command(args, params, couplings)
    from circuits.problems import instances

    instances.write(graph, args.output, comment=_comment(command, graph, planted))
    if planted is not None and args.planted_out:
        _save_spins(args.planted_out, planted.planted_spins)
    out = {"kind": args.kind, "instance": graph.name, "path": str(args.output), "n": graph.n,
           "m": len(graph.edges), "seed": args.seed, "params": params, "couplings": couplings,
           "total_weight": float(np.sum(graph.weights)), "command": command}
    if planted is not None:
        out.update(ground_energy=planted.ground_energy, optimal_cut=planted.optimal_cut, gauge=not args.no_gauge,
                   planted_spins=planted.planted_spins.astype(int).tolist(), planted_out=args.planted_out)
    if args.json:
        print(json.dumps(out))
    else:
        _print(out)
    return 0


def _sizes(args, kind: Kind) -> dict:
    """The kind's size options with defaults filled in, each checked against its least value."""
    sizes = {}
    for name, (default, least) in kind.sizes.items():
        value = default if getattr(args, name) is None else getattr(args, name)
        if value < least:
            raise ValueError(f"--{name} must be an integer >= {least} for {args.kind}, got {value}")
        sizes[name] = value
    given = [f"--{s}" for s in ("L", "n", "m", "t", "degree") if getattr(args, s) is not None and s not in sizes]
    if given:
        raise ValueError(f"{', '.join(given)} do(es) not apply to {args.kind} (it takes "
                         f"{', '.join('--' + s for s in kind.sizes)}); drop them")
    edges = _edges_at_most(args.kind, sizes)
    if edges > MAX_EDGES:
        said = " ".join(f"--{k} {v}" for k, v in sizes.items())
        raise ValueError(f"{said} gives about {edges:.3g} edges for {args.kind}; this command writes at most "
                         f"{MAX_EDGES:.0e} (a rudy file of about 2 GB); choose a smaller size")
    return sizes


def _edges_at_most(kind: str, s: dict) -> float:
    """An upper bound on the instance's number of edges, from its sizes alone (before anything is allocated)."""
    if kind in ("torus2d", "tile"):
        return 2.0 * s["L"] ** 2
    if kind in ("ea3d", "loops3d"):
        return 3.0 * s["L"] ** 3
    if kind in ("complete", "wishart"):
        return s["n"] * (s["n"] - 1) / 2.0
    if kind == "regular":
        return s["n"] * s["degree"] / 2.0
    if kind == "chimera":
        return (s["t"] + 2) * s["t"] * s["m"] ** 2 * 1.0
    if kind == "pegasus":
        return 15 * 12.0 * s["m"] * (s["m"] - 1)
    return (2 * s["t"] + 2) * 4.0 * s["t"] * s["m"] * (2 * s["m"] + 1)  # zephyr


def _check_options(args, kind: Kind) -> None:
    """Refuse options that the kind does not take, and values out of range, with the reason."""
    for name, kinds in ONLY.items():
        if getattr(args, name) not in (None, False) and args.kind not in kinds:
            which = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
            raise ValueError(f"--{name.replace('_', '-')} only applies to {which}, not {args.kind}")
    if args.couplings is not None and args.couplings not in kind.couplings:
        offered = f"it takes {', '.join(kind.couplings)}" if kind.couplings else "its couplings are planted"
        raise ValueError(f"--couplings {args.couplings} does not apply to {args.kind} ({offered})")
    if args.seed < 0:
        raise ValueError(f"--seed must be an integer >= 0 (a numpy seed), got {args.seed}")
    if args.alpha is not None and not (np.isfinite(args.alpha) and args.alpha > 0):
        raise ValueError(f"--alpha must be a finite number > 0 (wishart: columns per spin; loops3d: cycles per "
                         f"spin), got {args.alpha}")
    if args.tile_probs is not None:
        p = np.asarray(args.tile_probs)
        if not (np.all(np.isfinite(p)) and np.all(p >= 0) and p.sum() <= 1 + 1e-12):
            raise ValueError(f"--tile-probs must be three numbers >= 0 with a sum <= 1, got "
                             f"{' '.join(f'{x:g}' for x in p)}")


def _make(args, sizes: dict, couplings):
    """Call the generator of the kind."""
    from circuits.problems import instances, planted, topologies

    k, s, seed = args.kind, sizes, args.seed
    if k in ("torus2d", "ea3d"):
        return getattr(instances, k)(s["L"], seed=seed, couplings=couplings)
    if k == "complete":
        return instances.complete(s["n"], seed=seed, couplings=couplings)
    if k == "regular":
        return instances.regular(s["n"], s["degree"], seed=seed, couplings=couplings)
    if k in ("chimera", "zephyr"):
        return getattr(topologies, k)(s["m"], t=s["t"], seed=seed, couplings=couplings)
    if k == "pegasus":
        return topologies.pegasus(s["m"], seed=seed, couplings=couplings)
    if k == "tile":
        return planted.tile(s["L"], probabilities=tuple(s["tile_probs"]), seed=seed, gauge=not args.no_gauge)
    if k == "loops3d":
        return planted.loops3d(s["L"], alpha=s["alpha"], seed=seed, gauge=not args.no_gauge)
    return planted.wishart(s["n"], alpha=s["alpha"], seed=seed, gauge=not args.no_gauge)


def _command(args, params: dict, couplings) -> str:
    """The ``pbits instance`` command line that remakes the instance (every parameter spelled out; numbers in their
    shortest form that reads back the same)."""
    parts = ["pbits instance", args.kind]
    for name, value in params.items():
        values = value if isinstance(value, list) else [value]
        parts.append(f"--{name.replace('_', '-')} " + " ".join(repr(v) for v in values))
    if couplings is not None:
        parts.append(f"--couplings {couplings}")
    if args.no_gauge:
        parts.append("--no-gauge")
    return " ".join(parts + [f"--seed {args.seed}"])


def _comment(command: str, graph, planted) -> str:
    """The ``#`` header of the file: how it was made, the convention, and the planted optimum."""
    convention = "Max-Cut weights w = -J, E(s) = sum_{i<j} w_ij s_i s_j = W - 2 cut"
    lines = [command, f"{graph.name}: n {graph.n}, m {len(graph.edges)}; {convention}"]
    if planted is not None:
        lines.append(f"planted: ground_energy {planted.ground_energy!r} optimal_cut {planted.optimal_cut!r}")
    return "\n".join(lines)


def _save_spins(path, spins) -> None:
    """The planted state as int8 .npy or one +/-1 per line of text."""
    if str(path).lower().endswith(".npy"):
        np.save(path, spins.astype(np.int8))
    else:
        np.savetxt(path, spins.astype(int), fmt="%d")


def _print(out: dict) -> None:
    """The human-readable summary."""
    print(f"instance      {out['instance']}  (n = {out['n']}, m = {out['m']}), written to {out['path']}")
    if "ground_energy" in out:
        saved = f"; planted state saved to {out['planted_out']}" if out["planted_out"] else ""
        print(f"planted       ground-state energy E0 = {common.number(out['ground_energy'])}, maximum cut "
              f"{common.number(out['optimal_cut'])}{saved}")
        whole = float(out["optimal_cut"]).is_integer()
        target = f" --target {common.number(out['optimal_cut'])}" if whole else ""
        print(f"solve with    pbits maxcut {out['path']}{target}")
    else:
        print(f"solve with    pbits maxcut {out['path']}")
