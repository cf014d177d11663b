"""What the sub-commands of ``pbits`` share: the data directory, the progress bar, and joining a multi-host job.

This is the only place where the project reads environment variables (``PBITS_SHARED`` and the multi-host
variables below) and writes progress to the terminal; the library only calls ``progress(done, total, record)``.
"""
from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path
from typing import Callable

_ENV = (("coordinator_address", ("PBITS_COORDINATOR", "JAX_COORDINATOR_ADDRESS")),
        ("num_processes", ("PBITS_NUM_PROCESSES", "JAX_NUM_PROCESSES")),
        ("process_id", ("PBITS_PROCESS_ID", "JAX_PROCESS_ID")))


START: float | None = None  # time.perf_counter() when the ``pbits`` command began (set by circuits.cli.main.main)


def started() -> float:
    """When the running command began (:data:`START`), or now if it was called directly (a test, a notebook):
    the origin of its ``--time-limit``."""
    return time.perf_counter() if START is None else START


def shared_dir() -> Path:
    """The data directory: ``$PBITS_SHARED``, else ``shared/`` beside the repository."""
    env = os.environ.get("PBITS_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared"


class Bar:
    """A progress bar on stderr, usable as the library's ``progress(done, total, record)`` callback.

    ``describe(record) -> str`` turns a driver's chunk record into the text after the counts (e.g. the best cut
    so far, the quantity the summary reports). Draws nothing when ``enabled`` is False; never asks to stop.
    """

    def __init__(self, unit: str, describe: Callable | None = None, *, enabled: bool = True):
        self.unit, self.describe, self.enabled = unit, describe, enabled
        self.t0, self.shown = time.perf_counter(), False

    def __call__(self, done, total, record=None):
        if not self.enabled:
            return None
        frac = done / max(1, total)
        text = self.describe(record) if (self.describe is not None and record is not None) else ""
        sys.stderr.write(f"\r[{'#' * int(30 * frac):<30}] {done}/{total} {self.unit}  {text}  "
                         f"{time.perf_counter() - self.t0:.1f} s")
        sys.stderr.flush()
        self.shown = True
        return None

    def close(self):
        """End the bar's line (if it drew one)."""
        if self.enabled and self.shown:
            sys.stderr.write("\n")


def check_budget(args, *, target: str = "objective value") -> None:
    """The range checks that ``pbits maxcut`` and ``pbits solve`` share: ``--sweeps`` and ``--replicas`` >= 1, a
    finite ``--time-limit`` > 0, a finite ``--bound-time`` >= 0 and a finite ``--target`` (a ``target`` value: "cut
    value", "objective value"); a ValueError names the option, the value and what is expected.

    Example:
        >>> from types import SimpleNamespace as A
        >>> check_budget(A(sweeps=0, replicas=None, time_limit=None, bound_time=None, target=None))
        Traceback (most recent call last):
        ...
        ValueError: --sweeps must be a positive integer, got 0
    """
    if args.sweeps is not None and args.sweeps < 1:
        raise ValueError(f"--sweeps must be a positive integer, got {args.sweeps}")
    if args.replicas is not None and args.replicas < 1:
        raise ValueError(f"--replicas must be a positive integer, got {args.replicas}")
    check_time_limit(args.time_limit)
    if args.bound_time is not None and not (math.isfinite(args.bound_time) and args.bound_time >= 0):
        raise ValueError(f"--bound-time must be a finite number of seconds >= 0 (0 skips the bound), got "
                         f"{args.bound_time}")
    if args.target is not None and not math.isfinite(args.target):
        raise ValueError(f"--target must be a finite {target}, got {args.target}")


def check_time_limit(seconds) -> None:
    """Refuse a ``--time-limit`` that is not a finite number of seconds > 0 (None: no limit)."""
    if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"--time-limit must be a finite number of seconds > 0, got {seconds}; leave it out for no "
                         "limit")


FIGURE_TYPES = ("png", "pdf", "svg", "jpg", "jpeg", "eps", "ps", "tif", "tiff", "webp")


def check_output(path, what: str, *, suffixes: tuple | None = None) -> None:
    """Refuse, before any work starts, an output path whose folder does not exist or is not writable, or whose
    extension is not one of ``suffixes``.

    Example:
        >>> check_output("/nonexistent/dir/x.png", "--plot")
        Traceback (most recent call last):
        ...
        ValueError: --plot: the folder '/nonexistent/dir' of '/nonexistent/dir/x.png' does not exist; create it or choose another path
    """
    if path is None:
        return
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if p.is_dir():
        raise ValueError(f"{what}: '{p}' is a folder; give a file name")
    if not folder.is_dir():
        raise ValueError(f"{what}: the folder '{folder}' of '{p}' does not exist; create it or choose another path")
    if not os.access(folder, os.W_OK):
        raise ValueError(f"{what}: the folder '{folder}' of '{p}' is not writable; choose another path")
    if suffixes is not None and p.suffix.lower().lstrip(".") not in suffixes:
        raise ValueError(f"{what}: '{p}' has the extension {p.suffix or '(none)'!r}; use one of "
                         f"{', '.join('.' + s for s in suffixes)}")


def draw(what: str, plot: Callable) -> str | None:
    """Draw a figure after the result was printed: the path on success, or a one-line warning on stderr."""
    try:
        return plot()
    except Exception as err:  # a figure never costs the result: warn and carry on
        print(f"pbits: warning: {what} was not drawn: {type(err).__name__}: {err}", file=sys.stderr)
        return None


def number(x: float) -> str:
    """A cut or energy for a summary line: integers in full (3290310, not 3.29031e+06), others to 7 digits."""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.7g}"


def distributed_args(environ=None) -> dict:
    """The keyword arguments of ``jax.distributed.initialize`` from ``PBITS_COORDINATOR`` /
    ``PBITS_NUM_PROCESSES`` / ``PBITS_PROCESS_ID`` (or the ``JAX_*`` names); empty if none is set (JAX's own
    cluster detection then decides).

    Example:
        >>> distributed_args({"PBITS_COORDINATOR": "h:1", "PBITS_NUM_PROCESSES": "2", "PBITS_PROCESS_ID": "1"})
        {'coordinator_address': 'h:1', 'num_processes': 2, 'process_id': 1}
    """
    env = os.environ if environ is None else environ
    out = {}
    for name, names in _ENV:
        var = next((v for v in names if env.get(v)), None)
        if var is None:
            continue
        value = env[var]
        if name != "coordinator_address":
            try:
                value = int(value)
            except ValueError:
                raise ValueError(f"--distributed: environment variable {var} must be an integer, "
                                 f"got {value!r}") from None
        out[name] = value
    n, i = out.get("num_processes"), out.get("process_id")
    if n is not None and n < 1:
        raise ValueError(f"--distributed: the number of processes must be >= 1, got {n}")
    if n is not None and i is not None and not 0 <= i < n:
        raise ValueError(f"--distributed: the process id must be in 0..{n - 1}, got {i}")
    return out


def join_distributed(environ=None) -> dict:
    """Join a multi-host JAX job (``jax.distributed.initialize``) before anything else uses JAX; returns the
    arguments used. On CPU-only hosts JAX needs its gloo collectives, which this selects."""
    import jax

    kw = distributed_args(environ)
    # asking for the backend here would initialise it, which jax.distributed.initialize forbids
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    try:
        jax.distributed.initialize(**kw)
    except (ValueError, RuntimeError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(f"--distributed: could not join a multi-host job ({first}); set PBITS_COORDINATOR=host:port, "
                         "PBITS_NUM_PROCESSES and PBITS_PROCESS_ID on every host, or run without --distributed") from None
    return kw
