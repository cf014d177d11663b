"""Exact references by enumeration (n <= 20): all states, their energies, Boltzmann probabilities, ground states,
empirical distributions and the KL divergence with its finite-sample floor (docs/methods.md §3).

State k of n spins has spin i = +1 iff bit i of k is set. The models are Ising models
(:class:`circuits.model.ising.IsingModel`) or higher-order ones (:class:`circuits.model.hubo.Hubo`).
"""
from __future__ import annotations

import numpy as np

from circuits.model import hubo, ising

MAX_SPINS = 20


def states(n: int) -> np.ndarray:
    """All 2^n spin states as a (2^n, n) int8 array (state k: spin i = +1 iff bit i of k is 1).

    Example:
        >>> states(2).tolist()
        [[-1, -1], [1, -1], [-1, 1], [1, 1]]
    """
    if not 1 <= n <= MAX_SPINS:
        raise ValueError(f"exact.states: n must be in 1..{MAX_SPINS} for enumeration, got {n}")
    k = np.arange(2 ** n, dtype=np.int64)[:, None]
    return (((k >> np.arange(n)) & 1) * 2 - 1).astype(np.int8)


def state_index(spins) -> np.ndarray:
    """Integer index of each state: (..., n) +/-1 -> (...,) int64."""
    s = np.asarray(spins) > 0
    return (s.astype(np.int64) << np.arange(s.shape[-1])).sum(-1)


def energies(model) -> np.ndarray:
    """Energies of all 2^n states of an Ising or a higher-order model, (2^n,) float64 (float64 numpy for accuracy).

    Example:
        >>> energies(hubo.from_dict({(0, 1, 2): -1.0})).tolist()
        [1.0, -1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0]
    """
    if isinstance(model, hubo.Hubo):
        return hubo.energy_exact(hubo.check(model, "exact.energies"), states(hubo.n_spins(model)))
    ising.check(model, "exact.energies")
    return ising.energy_exact(ising.to_dense(model), states(ising.n_spins(model)))


def boltzmann(model, beta: float) -> np.ndarray:
    """Exact Boltzmann probabilities ``exp(-beta E(s)) / Z`` of all 2^n states.

    Args:
        model: IsingModel or Hubo with n <= 20 spins.
        beta: inverse temperature >= 0.

    Returns:
        (2^n,) float64 probabilities in :func:`states` order.

    Example:
        >>> p = boltzmann(ising.from_dense([[0., 1.], [1., 0.]]), 0.0)
        >>> p.tolist()
        [0.25, 0.25, 0.25, 0.25]
    """
    if not (np.isfinite(beta) and beta >= 0):
        raise ValueError(f"exact.boltzmann: argument 'beta' must be >= 0 and finite (beta = 1/T), got {beta!r}")
    e = energies(model)
    logp = -beta * (e - e.min())
    p = np.exp(logp)
    return p / p.sum()


def empirical(spins, n: int | None = None) -> np.ndarray:
    """Empirical distribution (2^n,) of samples (..., n) +/-1."""
    s = np.asarray(spins)
    n = s.shape[-1] if n is None else n
    return np.bincount(state_index(s).ravel(), minlength=2 ** n) / state_index(s).size


def kl(p_emp, p_exact) -> float:
    """``KL(P_emp || P_exact) = sum P_emp ln(P_emp / P_exact)`` (0 ln 0 = 0).

    Its finite-sample floor with N independent samples over K states is ``(K - 1) / (2N)``.

    Example:
        >>> kl([0.5, 0.5], [0.5, 0.5])
        0.0
    """
    p, q = np.asarray(p_emp, np.float64), np.asarray(p_exact, np.float64)
    m = p > 0
    return float(np.sum(p[m] * np.log(p[m] / q[m])))


def kl_floor(n_states: int, n_samples: int) -> float:
    """Expected KL of perfect samples, ``(K - 1) / (2 N)``."""
    return (n_states - 1) / (2.0 * n_samples)


def ground_state(model):
    """``(E_gs, states)``: ground-state energy and all ground states (Ising or higher-order model) by enumeration."""
    e = energies(model)
    gs = e.min()
    return float(gs), states(len(e).bit_length() - 1)[np.isclose(e, gs, rtol=0, atol=1e-9)]
