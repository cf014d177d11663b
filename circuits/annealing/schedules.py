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

from circuits.annealing import bethe
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


HOT_ACCEPTANCE = 0.3  # hot end: mean Metropolis acceptance of the uphill moves of random states
COLD_ACCEPTANCE = 1e-3  # cold end: acceptance of the smallest energy change (and at most 1/n: < 1 per sweep)


def energy_changes(model: ising.IsingModel, n_states: int | None = None, seed: int = 0) -> np.ndarray:
    """The single-flip energy changes ``dE_i = 2 s_i I_i`` (``I = J s + h``) of random states (float64, flat).

    ``n_states`` uniform random states (default: enough for about 10^6 samples, 4 to 64 states) from numpy's
    generator with ``seed``, so that the result is a function of the model alone."""
    n = ising.n_spins(model)
    d = n if ising.is_dense(model) else int(model.nbr.shape[1])
    k = n_states or int(np.clip(2**20 // max(1, n * max(d, 1) // 16), 4, 64))
    s = np.where(np.random.default_rng(seed).random((k, n)) < 0.5, -1.0, 1.0)
    if ising.is_dense(model):
        field = s @ np.asarray(model.J, np.float64)
    else:
        field = np.einsum("knd,nd->kn", s[:, np.asarray(model.nbr)], np.asarray(model.w, np.float64))
    return (2.0 * s * (field + np.asarray(model.h, np.float64))).ravel()


def uphill_acceptance(beta: float, dE) -> float:
    """Mean Metropolis acceptance ``exp(-beta dE)`` over the uphill moves (``dE > 0``) among ``dE``; 0 if none."""
    up = np.asarray(dE, np.float64)
    up = up[up > 0]
    return float(np.mean(np.exp(-beta * up))) if up.size else 0.0


def default_beta_range(model: ising.IsingModel) -> tuple[float, float]:
    """The annealing range: :func:`acceptance_beta_range`, with the hot end moved no hotter than the paramagnet's
    instability in the Bethe approximation (:func:`circuits.annealing.bethe.instability`).

    * Hot end: ``beta0 = max(beta_acc, beta_Bethe)``. ``beta_acc`` is where 30 % of the uphill moves of random
      states are accepted (:func:`acceptance_beta_range`); ``beta_Bethe`` is where the Bethe paramagnet becomes
      unstable (spin glass: ``(z - 1) tanh^2(beta J) = 1`` on a z-regular glass, Thouless, Phys. Rev. Lett. 56,
      1082 (1986); ferromagnet: the Bethe Hessian of Saade, Krzakala & Zdeborova, NeurIPS 27 (2014)), searched up to
      ``beta1 / 2`` (none there: ``beta_acc`` stands). Above it the model is paramagnetic and a sweep orders
      nothing; loops lower the true transition, so the run still starts disordered. The acceptance rule alone
      starts sparse models far hotter than they order (3D +/-J glass: beta 0.24, T = 4.1 where T_c = 1.1) and dense
      ones at their transition (SK: beta_acc = 1.15 / sqrt(N), beta_Bethe = 1 / sqrt(N)), so the instability moves
      the sparse ones (3D glass 0.24 -> 0.48, the G81 torus 0.27 -> 0.66) and leaves the dense ones (K2000; G22
      within 10 %). Measured at equal sweeps on
      the 3D glass L = 8, it cut our TTS99 from 3820 to ~2000-2500 sweeps (dwave SA: 5900-8000), and at equal wall
      time it gained on G81, G60 and G70 and tied on G55 and G22 (docs/methods.md §5).
    * Cold end: that of :func:`acceptance_beta_range`.

    Returns:
        ``(beta0, beta1)`` in 1/energy units.

    Example:
        >>> m = ising.from_edges(3, [(0, 1), (1, 2)])      # a chain never orders: the acceptance rule stands
        >>> [round(b, 3) for b in default_beta_range(m)]
        [0.544, 3.454]
    """
    b0, b1 = acceptance_beta_range(model)
    return bethe.instability(model, b0, max(b0, 0.5 * b1)), b1


def acceptance_beta_range(model: ising.IsingModel) -> tuple[float, float]:
    """Beta range from the instance's own single-flip energy changes (:func:`energy_changes` of random states):
    the acceptance-rate rule, which the tempering ladder uses as it is (its hottest rung must forget its state
    within a few sweeps) and :func:`default_beta_range` starts no hotter than the model's ordering.

    * Hot end: ``beta0`` at which the mean Metropolis acceptance of the uphill moves of random states is
      :data:`HOT_ACCEPTANCE` = 0.3 (the downhill and zero-cost moves are always accepted): the run starts where the
      instance is disordered, but no sweep is spent at near-infinite temperature. Measured on the tuning set at
      equal sweeps, 0.3 beat 0.5 (G81: 99.445 % vs 99.388 % of best known, 30000 sweeps x 8 replicas; G55: 99.926 %
      vs 99.883 %, mean of 3 seeds), the hotter start spending its sweeps in the paramagnetic phase.
    * Cold end: ``beta1 = ln(1 / p) / dE_small`` with ``p = min(`` :data:`COLD_ACCEPTANCE` ``, 1/n)``: the
      smallest non-zero energy change ``dE_small`` (the 1 % quantile of the non-zero ``|dE|``, which for integer
      couplings is their minimum) is accepted less than once per sweep: the state is frozen, up to the zero-cost
      (plateau) moves.

    This follows the acceptance-rate rules of Kirkpatrick, Gelatt & Vecchi, Science 220, 671 (1983) (start
    where most moves are accepted, stop when hardly any are) with the energy changes measured on the instance
    rather than bounded from its couplings (dwave-neal's rule uses the largest field) (docs/methods.md §5).

    Returns:
        ``(beta0, beta1)`` in 1/energy units.

    Example:
        >>> m = ising.from_edges(3, [(0, 1), (1, 2)])
        >>> [round(b, 3) for b in acceptance_beta_range(m)]
        [0.544, 3.454]
    """
    return beta_range(energy_changes(model), ising.n_spins(model))


def beta_range(dE, n: int) -> tuple[float, float]:
    """:func:`acceptance_beta_range` from single-flip energy changes ``dE`` of random states of an n-spin model (any
    model: the higher-order annealer measures its own, :mod:`circuits.annealing.higher_order`).

    Example:
        >>> [round(b, 3) for b in beta_range([2.0, -2.0, 2.0, 6.0], 10)]
        [0.44, 3.454]
    """
    dE = np.asarray(dE, np.float64)
    mag = np.abs(dE[dE != 0])
    if mag.size == 0:  # no couplings or fields: any range is exact
        return 0.1, 10.0
    small = float(np.quantile(mag, 0.01, method="lower"))
    p_cold = min(COLD_ACCEPTANCE, 1.0 / n)
    beta1 = math.log(1.0 / p_cold) / small
    lo, hi = 1e-9 * beta1, beta1  # uphill_acceptance falls monotonically in beta: bisect in log beta
    if uphill_acceptance(hi, dE) > HOT_ACCEPTANCE:
        return 0.5 * beta1, beta1
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if uphill_acceptance(mid, dE) > HOT_ACCEPTANCE else (lo, mid)
    return float(math.sqrt(lo * hi)), float(beta1)


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
    """The geometric schedule ``beta0 (beta1/beta0)^x(t)``, t = 0..n-1, generated a chunk at a time.

    The progress ``x(t)`` runs from 0 at the first sweep to 1 at the last: linearly (``x = t / (n - 1)``, the
    plain geometric schedule) or, for a run re-timed to its budget (:func:`retime`), piecewise linearly through
    ``knots``, ``(sweep, x)`` pairs strictly inside the run."""

    beta0: float  # hot end, > 0
    beta1: float  # cold end, > 0
    n_sweeps: int  # sweeps
    knots: tuple = ()  # ((sweep, progress), ...) breakpoints of x(t), sweeps increasing in 1..n-2


def progress(schedule: Geometric, t) -> np.ndarray:
    """The progress ``x(t)`` in [0, 1] of a :class:`Geometric` schedule at sweeps ``t`` (float64)."""
    n = schedule.n_sweeps
    ts = [0.0] + [float(k[0]) for k in schedule.knots] + [float(max(n - 1, 1))]
    xs = [0.0] + [float(k[1]) for k in schedule.knots] + [1.0]
    return np.interp(np.asarray(t, np.float64), ts, xs)


def retime(schedule: Geometric, done: int, n_left: int) -> Geometric:
    """The schedule with its sweeps before ``done`` unchanged and the rest, from the progress reached at sweep
    ``done`` to the cold end, spread over ``n_left`` (at least 2) sweeps (the run continues smoothly, only faster or
    slower).

    Example:
        >>> s = retime(lazy_geometric(0.1, 10.0, 101), 50, 51)   # the same length: the same betas
        >>> bool(np.allclose(segment(s, 0, 101), segment(lazy_geometric(0.1, 10.0, 101), 0, 101)))
        True
    """
    done, n_left = int(done), max(2, int(n_left))  # the sweep at ``done`` keeps its progress, the last ends cold
    if not 0 < done < schedule.n_sweeps:
        return schedule
    x = float(progress(schedule, done))
    knots = tuple(k for k in schedule.knots if k[0] < done) + ((done, x),)
    return schedule._replace(n_sweeps=done + n_left, knots=knots)


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
    b0, b1, n = schedule[:3]
    t = np.arange(start, min(start + m, n), dtype=np.float64)
    x = t / max(n - 1, 1) if not schedule.knots else progress(schedule, t)
    return (b0 * (b1 / b0) ** x).astype(np.float32)


def identify(schedule) -> str:
    """A string that identifies a schedule (its parameters, or a hash of its array), for checkpoints."""
    if isinstance(schedule, Geometric):
        knots = "".join(f", {t}:{x!r}" for t, x in schedule.knots)
        return f"geometric({schedule.beta0!r}, {schedule.beta1!r}, {schedule.n_sweeps}{knots})"
    a = np.ascontiguousarray(np.asarray(schedule, np.float32))
    return f"array({a.size}, {hashlib.sha256(a.tobytes()).hexdigest()[:16]})"


def from_identity(text: str) -> Geometric | None:
    """The :class:`Geometric` schedule that :func:`identify` wrote as ``text``, or None for an array's hash.

    Example:
        >>> from_identity(identify(lazy_geometric(0.1, 10.0, 300)))
        Geometric(beta0=0.1, beta1=10.0, n_sweeps=300, knots=())
        >>> from_identity(identify(retime(lazy_geometric(0.1, 10.0, 300), 100, 400))).knots
        ((100, 0.33444816053511706),)
    """
    found = re.fullmatch(r"geometric\(([^,\s]+), ([^,\s]+), (\d+)((?:, \d+:[^,\s]+)*)\)", str(text))
    if found is None:
        return None
    knots = tuple((int(t), float(x)) for t, x in re.findall(r", (\d+):([^,\s]+)", found[4]))
    return Geometric(float(found[1]), float(found[2]), int(found[3]), knots)
