"""The ``pbits`` command line: one dispatcher, thin sub-commands.

Each sub-command lives in its own module of :mod:`circuits.cli` that defines ``configure(parser)`` (add its
options) and ``run(args) -> int`` (call the public API, print, return an exit code). The command line lives in
``circuits`` because ``circuits`` may import ``pbits`` but never the reverse.
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time

# sub-command -> (module, one-line help)
COMMANDS = {
    "maxcut": ("circuits.cli.maxcut", "solve a Max-Cut problem with a p-bit annealer"),
    "factor": ("circuits.cli.factor", "factor an integer with p-bits (factor-bit network or reversed multiplier)"),
    "device": ("circuits.cli.device", "derived parameters and switching of a nanomagnet device"),
    "solve": ("circuits.cli.solve", "the lowest energy of an Ising or QUBO problem within a time budget"),
    "sample": ("circuits.cli.sample", "Boltzmann samples by chromatic Gibbs, with their diagnostics"),
    "instance": ("circuits.cli.instance", "write a generated benchmark instance as a rudy file for pbits maxcut"),
}


def version() -> str:
    """The installed package version."""
    import pbits

    return pbits.__version__


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only the chosen sub-command's module is imported (fast start, isolated failures)."""
    parser = argparse.ArgumentParser(
        prog="pbits",
        description="Probabilistic computers built from dissipation-switched nanomagnets.",
    )
    parser.add_argument("--version", action="version", version=f"pbits {version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        if name == command:
            mod = importlib.import_module(module)
            mod.configure(p)
            p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the sub-command; errors of bad input are one line on stderr (exit code 2)."""
    from circuits.cli import common

    common.START = time.perf_counter()  # a command's time budget counts from here: reading its input included
    argv = sys.argv[1:] if argv is None else list(argv)
    command = argv[0] if argv and argv[0] in COMMANDS else None
    parser = build_parser(command)
    try:
        args = parser.parse_args(argv)
    except SystemExit:
        common.START = None
        raise
    if args.command is None:
        common.START = None
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    except (ValueError, FileNotFoundError, OSError, ModuleNotFoundError) as err:  # the last: an optional package
        print(f"pbits {args.command}: error: {err}", file=sys.stderr)
        return 2
    finally:
        common.START = None  # the next command (in the same process: a test, a notebook) starts its own clock


def use_compile_cache() -> str | None:
    """Keep compiled XLA programs between runs in ``$PBITS_CACHE`` (default ``~/.cache/pbits/xla``; ``0`` or an
    empty value: no cache), so a second run of the same shapes skips the seconds of compilation that a short time
    budget would otherwise spend. Returns the directory used, or None."""
    import os
    from pathlib import Path

    where = os.environ.get("PBITS_CACHE", str(Path.home() / ".cache" / "pbits" / "xla"))
    if where in ("", "0"):
        return None
    try:
        Path(where).mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home: run without the cache
        return None
    import jax

    jax.config.update("jax_compilation_cache_dir", where)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.2)
    return where


def entry() -> int:
    """The ``pbits`` console script: the compilation cache (:func:`use_compile_cache`), one XLA CPU device per core
    for ``maxcut`` and ``solve`` (not with ``--distributed``, where each process keeps its one device and the replicas split over
    the processes), then :func:`main`."""
    if len(sys.argv) > 1 and sys.argv[1] in ("maxcut", "solve") and "--distributed" not in sys.argv:
        from pbits.runtime import sharding

        sharding.use_cpu_cores()  # before anything starts the JAX backend
    use_compile_cache()
    return main()


if __name__ == "__main__":
    sys.exit(entry())
