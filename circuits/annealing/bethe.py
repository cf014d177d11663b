"""Where the paramagnet of an Ising model becomes unstable, in the Bethe (tree) approximation.

An anneal has nothing to order while the model is paramagnetic, so :func:`circuits.annealing.schedules.
default_beta_range` starts it no hotter than this instability (docs/methods.md §5). With ``t_ij = tanh(beta J_ij)``
(fields left out: they only delay the instability), the paramagnet of the Bethe approximation is unstable once

* **spin glass**: the branching ratio ``r(beta) = sum_i (d_i - 1) sum_j t_ij^2 / sum_i d_i`` (d_i: spin i's
  couplings) reaches 1. On the z-regular Bethe lattice this is ``(z - 1) tanh^2(beta J) = 1`` (Thouless, Phys. Rev.
  Lett. 56, 1082 (1986)); on the complete graph ``N tanh^2(beta J) = 1``, the Sherrington-Kirkpatrick transition
  ``beta = 1 / (J sqrt(N))``; or
* **ferromagnet** (in the model's own gauge): the Hessian of the Bethe free energy at the paramagnet, the Bethe
  Hessian ``H = I + D - A`` with ``A_ij = t_ij / (1 - t_ij^2)`` and ``D_ii = sum_k t_ik^2 / (1 - t_ik^2)``
  (Saade, Krzakala & Zdeborova, NeurIPS 27 (2014); Ricci-Tersenghi, J. Stat. Mech. P08015 (2012)), gets a negative
  eigenvalue, i.e. the top eigenvalue of ``A - D`` reaches 1. On the z-regular ferromagnet this is
  ``(z - 1) tanh(beta J) = 1``; on a frustrated model the spectrum of ``A - D`` only touches 1 at the spin-glass
  point, so the first bullet decides.

Loops lower the true transition (the 3D +/-J glass orders at T = 1.1, its Bethe estimate is T = 2.1; the 2D glass
only at T = 0), so a run that starts at this estimate still starts disordered. The functions are numpy, of the
model alone (fixed generator seeds), and cost milliseconds to a second.
"""
from __future__ import annotations

import math

import numpy as np

from circuits.model import ising

MAX_TERMS = 2**18  # couplings the branching ratio sums over (a uniform sample of them beyond this)
MAX_DENSE_HESSIAN = 4096  # spins up to which a dense model's Bethe Hessian is formed (3 n^2 float32: 200 MB)
LANCZOS_STEPS = 48  # Lanczos steps for the top eigenvalue of A - D
T_MAX = 1.0 - 1e-6  # |tanh(beta J)| at most this in the Hessian: a saturated bond stays finite (a rigid pair never
#                     makes the paramagnet unstable by itself: its 2 x 2 block of A - D tops at t / (1 + t) < 1)


def _terms(model: ising.IsingModel) -> tuple[np.ndarray, np.ndarray]:
    """``(|J_ij|, weight)`` for the non-zero couplings, weight ``(d_i - 1) / sum_k d_k``, so that
    ``r(beta) = sum weight * tanh^2(beta |J|)``; a uniform sample of :data:`MAX_TERMS` of them (weights scaled)
    for larger models."""
    rng = np.random.default_rng(0)
    if ising.is_dense(model):
        J = np.asarray(model.J)
        n = J.shape[0]
        d = np.count_nonzero(J, axis=1).astype(np.float64)
        rows = np.arange(n) if n * n <= 4 * MAX_TERMS else np.sort(rng.choice(n, max(1, 4 * MAX_TERMS // n), False))
        block = np.abs(J[rows]).astype(np.float64)
        mask = block != 0
        vals = block[mask]
        weight = np.broadcast_to((d[rows] - 1.0)[:, None], block.shape)[mask] * (n / len(rows))
    else:
        w = np.abs(np.asarray(model.w, np.float64))
        mask = w != 0
        d = mask.sum(1).astype(np.float64)
        vals = w[mask]
        weight = np.broadcast_to((d - 1.0)[:, None], w.shape)[mask]
    total = d.sum()
    if vals.size > MAX_TERMS:
        pick = rng.choice(vals.size, MAX_TERMS, replace=False)
        vals, weight = vals[pick], weight[pick] * (vals.size / MAX_TERMS)
    return vals, weight / max(total, 1.0)


def branching_ratio(model: ising.IsingModel, beta: float, terms=None) -> float:
    """``r(beta) = sum_i (d_i - 1) sum_j tanh^2(beta J_ij) / sum_i d_i``: the paramagnet is unstable to a spin
    glass (Bethe approximation) once it reaches 1.

    Example:
        >>> ring = ising.from_edges(6, [(i, (i + 1) % 6) for i in range(6)])   # degree 2: tanh^2(beta) < 1
        >>> round(branching_ratio(ring, 1.0), 4), round(math.tanh(1.0) ** 2, 4)
        (0.58, 0.58)
    """
    vals, weight = _terms(model) if terms is None else terms
    return float(np.sum(weight * np.tanh(beta * vals) ** 2))


def _hessian_operator(model: ising.IsingModel, beta: float):
    """``x -> (A - D) x`` for the Bethe Hessian at ``beta`` (module docstring), or None where it is not formed."""
    if ising.is_dense(model):
        n = ising.n_spins(model)
        if n > MAX_DENSE_HESSIAN:
            return None
        t = np.tanh(np.float32(beta) * np.asarray(model.J, np.float32))  # float32, in place: 3 n^2 arrays at most
        np.clip(t, -T_MAX, T_MAX, out=t)
        den = 1.0 - t * t
        diag = np.sum(1.0 / den - 1.0, axis=1, dtype=np.float64)  # t^2 / (1 - t^2) = 1 / (1 - t^2) - 1
        a = np.divide(t, den, out=t)
        return lambda x: (a @ x.astype(np.float32)).astype(np.float64) - diag * x
    t = np.clip(np.tanh(beta * np.asarray(model.w, np.float64)), -T_MAX, T_MAX)
    a = t / (1.0 - t * t)
    diag = np.sum(t * t / (1.0 - t * t), axis=1)
    nbr = np.asarray(model.nbr)
    return lambda x: np.sum(a * x[nbr], axis=1) - diag * x


def hessian_top(model: ising.IsingModel, beta: float) -> float:
    """Top eigenvalue of ``A - D`` (the Bethe Hessian is ``I - (A - D)``) at ``beta``, by Lanczos with full
    re-orthogonalisation from a fixed random start (a slight underestimate); 0 for a dense model of more than
    :data:`MAX_DENSE_HESSIAN` spins, whose Hessian is not formed.

    Example:
        >>> ring = ising.from_edges(8, [(i, (i + 1) % 8) for i in range(8)])   # 2 t / (1 + t) for t = tanh(1)
        >>> round(hessian_top(ring, 1.0), 4), round(2 * math.tanh(1.0) / (1 + math.tanh(1.0)), 4)
        (0.8647, 0.8647)
    """
    op = _hessian_operator(model, beta)
    n = ising.n_spins(model)
    if op is None or n == 0:
        return 0.0
    k = min(n, LANCZOS_STEPS)
    q = np.random.default_rng(0).standard_normal(n)
    basis = [q / np.linalg.norm(q)]
    alpha, beta_off = [], []
    for j in range(k):
        v = op(basis[j])
        alpha.append(float(basis[j] @ v))
        for b in basis:  # full re-orthogonalisation: k <= 48 vectors
            v = v - (b @ v) * b
        norm = float(np.linalg.norm(v))
        if j == k - 1 or norm < 1e-10:
            break
        beta_off.append(norm)
        basis.append(v / norm)
    T = np.diag(alpha) + np.diag(beta_off[:len(alpha) - 1], 1) + np.diag(beta_off[:len(alpha) - 1], -1)
    return float(np.linalg.eigvalsh(T)[-1])


def unstable(model: ising.IsingModel, beta: float, terms=None) -> bool:
    """Whether the Bethe paramagnet is unstable at ``beta`` (spin glass or ferromagnet; module docstring)."""
    return branching_ratio(model, beta, terms) >= 1.0 or hessian_top(model, beta) >= 1.0


def instability(model: ising.IsingModel, lo: float, hi: float) -> float:
    """The beta in ``[lo, hi]`` where the Bethe paramagnet becomes unstable: ``lo`` if it already is there, and also
    ``lo`` if it is still stable at ``hi`` (no ordering within the range: a chain, or fields alone); bisection in
    log beta, to 0.1 %.

    Example:
        >>> import networkx as nx
        >>> g = nx.random_regular_graph(3, 400, seed=1)                  # 3-regular ferromagnet: tanh(beta) = 1/2
        >>> m = ising.from_edges(400, list(g.edges()), [1.0] * g.number_of_edges())
        >>> round(instability(m, 0.05, 5.0), 2), round(math.atanh(0.5), 2)
        (0.55, 0.55)
    """
    terms = _terms(model)
    if hi <= lo or unstable(model, lo, terms) or not unstable(model, hi, terms):
        return float(lo)
    a, b = lo, hi  # stable at a, unstable at b
    while b / a > 1.001:
        mid = math.sqrt(a * b)
        a, b = (a, mid) if unstable(model, mid, terms) else (mid, b)
    return float(b)
