"""Annealing schedules as pure functions of the sweep count, and the default beta range.

A schedule is a (n_sweeps,) float32 array of inverse temperatures, one per sweep (any array works), or a
:class:`Geometric` schedule, which the drivers generate chunk by chunk (:func:`segment`), so that a run of
10^9 sweeps never holds its schedule as a whole array (docs/methods.md §5).
"""
from __future__ import annotations

import hashlib
import math
import re
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np

from circuits.model import ising


def _check(beta0, beta1, n_sweeps, where):
    if int(n_sweeps) != n_sweeps or n_sweeps < 1:
        raise ValueError(f"schedules.{where}: argument 'n_sweeps' must be a positive integer, got {n_sweeps!r}")
    for name, b in (("beta0", beta0), ("beta1", beta1)):
        if not (np.isfinite(b) and b >= 0):
            raise ValueError(f"schedules.{where}: argument '{name}' must be a finite beta >= 0, got {b!r}; beta = 1/T")


def linear(beta0: float, beta1: float, n_sweeps: int):
    """Linear schedule from ``beta0`` to ``beta1`` (inclusive).

    Example:
        >>> linear(0.0, 1.0, 3).tolist()
        [0.0, 0.5, 1.0]
    """
    _check(beta0, beta1, n_sweeps, "linear")
    return jnp.linspace(beta0, beta1, int(n_sweeps), dtype=jnp.float32)


def geometric(beta0: float, beta1: float, n_sweeps: int):
    """Geometric schedule ``beta0 (beta1/beta0)^(t/(n-1))`` (both ends > 0).

    Example:
        >>> [round(b, 3) for b in geometric(0.1, 10.0, 3).tolist()]
        [0.1, 1.0, 10.0]
    """
    _check(beta0, beta1, n_sweeps, "geometric")
    if beta0 <= 0 or beta1 <= 0:
        raise ValueError(f"schedules.geometric: betas must be > 0, got beta0={beta0}, beta1={beta1}; use linear()")
    return jnp.geomspace(beta0, beta1, int(n_sweeps), dtype=jnp.float32)


def constant(beta: float, n_sweeps: int):
    """Constant beta (sampling at one temperature)."""
    _check(beta, beta, n_sweeps, "constant")
    return jnp.full((int(n_sweeps),), beta, jnp.float32)


def default_beta_range(model: ising.IsingModel) -> tuple[float, float]:
    """Beta range from the coupling scale.

    Hot end: a spin with the *typical* field scale ``I_typ = mean_i (sum_j |J_ij| + |h_i|)`` flips with
    probability about 1/2, ``beta0 = ln 2 / (2 I_typ)``. Cold end: a flip costing the smallest coupling,
    ``dE = 2 min|J|``, has probability about 1e-3, ``beta1 = ln 1000 / (2 min|J|)``.

    This is dwave-neal's rule (with ``dE = 2 |I|``, cf. dwave-neal PR #91) except that the hot end uses
    the mean rather than the largest field and the cold end is 10x colder: on sparse G-set graphs with a
    few hubs (G70) the max-based hot end wastes most sweeps at near-infinite temperature, and measured
    cuts improve at equal sweeps (BENCHMARKS.md).

    Returns:
        ``(beta0, beta1)``.

    Example:
        >>> m = ising.from_edges(3, [(0, 1), (1, 2)])
        >>> [round(b, 3) for b in default_beta_range(m)]
        [0.26, 3.454]
    """
    _, small = ising.coupling_scale(model)
    typical = ising.typical_field(model)
    return math.log(2.0) / (2.0 * typical), math.log(1000.0) / (2.0 * small)


def check_schedule(betas, where: str = "schedule"):
    """Validate a schedule array: 1-D, finite, >= 0. Returns it as float32."""
    b = np.asarray(betas, np.float64)
    if b.ndim != 1 or b.size == 0:
        raise ValueError(f"{where}: argument 'betas' must be a non-empty 1-D array of betas, got shape {b.shape}")
    bad = np.flatnonzero(~np.isfinite(b) | (b < 0))
    if len(bad):
        raise ValueError(f"{where}: argument 'betas' must be finite and >= 0 (beta = 1/T), got betas[{bad[0]}] = "
                         f"{b[bad[0]]}")
    return jnp.asarray(b, jnp.float32)


class Geometric(NamedTuple):
    """The geometric schedule ``beta0 (beta1/beta0)^(t/(n-1))``, t = 0..n-1, generated a chunk at a time."""

    beta0: float  # hot end, > 0
    beta1: float  # cold end, > 0
    n_sweeps: int  # sweeps


def lazy_geometric(beta0: float, beta1: float, n_sweeps: int) -> Geometric:
    """A validated :class:`Geometric` schedule (the lazy form of :func:`geometric`).

    Example:
        >>> [round(float(b), 3) for b in segment(lazy_geometric(0.1, 10.0, 3), 0, 3)]
        [0.1, 1.0, 10.0]
    """
    _check(beta0, beta1, n_sweeps, "lazy_geometric")
    if beta0 <= 0 or beta1 <= 0:
        raise ValueError(f"schedules.lazy_geometric: betas must be > 0, got beta0={beta0}, beta1={beta1}")
    return Geometric(float(beta0), float(beta1), int(n_sweeps))


def length(schedule) -> int:
    """Sweeps in a schedule (an array or a :class:`Geometric`)."""
    return schedule.n_sweeps if isinstance(schedule, Geometric) else int(np.shape(schedule)[0])


def segment(schedule, start: int, m: int) -> np.ndarray:
    """Betas of sweeps ``start .. start + m - 1`` as float32 (computed in float64 for a :class:`Geometric`)."""
    if not isinstance(schedule, Geometric):
        return np.asarray(schedule, np.float32)[start:start + m]
    b0, b1, n = schedule
    t = np.arange(start, min(start + m, n), dtype=np.float64)
    return (b0 * (b1 / b0) ** (t / max(n - 1, 1))).astype(np.float32)


def identify(schedule) -> str:
    """A string that identifies a schedule (its parameters, or a hash of its array), for checkpoints."""
    if isinstance(schedule, Geometric):
        return f"geometric({schedule.beta0!r}, {schedule.beta1!r}, {schedule.n_sweeps})"
    a = np.ascontiguousarray(np.asarray(schedule, np.float32))
    return f"array({a.size}, {hashlib.sha256(a.tobytes()).hexdigest()[:16]})"


def from_identity(text: str) -> Geometric | None:
    """The :class:`Geometric` schedule that :func:`identify` wrote as ``text``, or None for an array's hash.

    Example:
        >>> from_identity(identify(lazy_geometric(0.1, 10.0, 300)))
        Geometric(beta0=0.1, beta1=10.0, n_sweeps=300)
    """
    found = re.fullmatch(r"geometric\((\S+), (\S+), (\d+)\)", str(text))
    return None if found is None else Geometric(float(found[1]), float(found[2]), int(found[3]))
