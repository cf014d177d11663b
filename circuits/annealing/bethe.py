"""Where the paramagnet of an Ising model becomes unstable, in the Bethe (tree) approximation.

An anneal has nothing to order while the model is paramagnetic, so :func:`circuits.annealing.schedules.
default_beta_range` starts it no hotter than this instability (docs/methods.md §5). With ``t_ij = tanh(beta J_ij)``
(fields left out: they only delay the instability) and, for weights ``x_ij``, the Bethe Hessian
``H(x) = I + D(x) - A(x)``, ``A_ij = x_ij / (1 - x_ij^2)``, ``D_ii = sum_k x_ik^2 / (1 - x_ik^2)`` (Ricci-Tersenghi,
J. Stat. Mech. P08015 (2012); Saade, Krzakala & Zdeborova, NeurIPS 27 (2014)), the paramagnet is unstable once

* **spin glass**: the non-backtracking matrix weighted by ``t^2`` has spectral radius 1 (the paramagnetic fixed
  point of belief propagation loses stability, Mooij & Kappen, J. Stat. Mech. P11012 (2005)). By the weighted
  Ihara-Bass identity ``det(I - B_x) = det H(x) prod_e (1 - x_e^2)`` (Watanabe & Fukumizu, NIPS 22 (2009)) this is
  where ``H(t^2)`` first loses positivity, i.e. the top eigenvalue of ``A(t^2) - D(t^2)`` reaches 1. On the
  z-regular glass it is ``(z - 1) tanh^2(beta J) = 1`` (Thouless, Phys. Rev. Lett. 56, 1082 (1986)); on the
  complete graph ``(N - 2) tanh^2(beta J) = 1``, the Sherrington-Kirkpatrick transition ``beta ~ 1 / (J sqrt(N))``;
  or
* **ferromagnet**: ``H(t)`` itself gets a negative eigenvalue, the top eigenvalue of ``A(t) - D(t)`` reaches 1, with
  an *extended* eigenvector (participation ratio ``1 / sum_i v_i^4`` of at least :data:`EXTENDED` n). ``H(t)`` is
  gauge invariant, so a ferromagnet hidden behind random signs is found; on the z-regular ferromagnet this is
  ``(z - 1) tanh(beta J) = 1``. On a frustrated lattice the first eigenvectors to cross are localised on rare,
  nearly unfrustrated patches (30 to 80 spins on the 2D and 3D +/-J tori and G81, whatever their size), which is no
  transition of the whole: those are not counted.

Loops lower the true transition (the 3D +/-J glass orders at T = 1.1, its Bethe estimate is T = 2.1; the 2D glass
only at T = 0), so a run that starts at this estimate still starts disordered. The functions are numpy, of the
model alone (fixed generator seeds), and take milliseconds to about two seconds (a 20000-spin lattice).
"""
from __future__ import annotations

import math

import numpy as np

from circuits.model import ising

MAX_DENSE_HESSIAN = 2048  # spins up to which a dense model's Hessians are formed; larger dense models: not searched
LANCZOS_STEPS = 48  # Lanczos steps for the top eigenpair of A - D
T_MAX = 1.0 - 1e-6  # weights capped at this: a saturated bond stays finite (a rigid pair alone never makes the
#                     paramagnet unstable: its 2 x 2 block of A - D tops at t / (1 + t) < 1)
EXTENDED = 0.2  # a ferromagnetic instability counts when its eigenvector's participation ratio is >= this x n
RIGID = 3.0  # the search stops where beta max|J| = RIGID (tanh 3 = 0.995): the strongest bonds are rigid there, and
#              the linearised paramagnet (and Lanczos on its ill-conditioned Hessian) says nothing more


def _operator(model: ising.IsingModel, beta: float, squared: bool):
    """``v -> (A - D) v`` for the weights ``x = tanh(beta J)`` (``squared``: ``x = tanh^2``), float64."""
    dense = ising.is_dense(model)
    x = np.tanh(beta * np.asarray(model.J if dense else model.w, np.float64))
    x = np.clip(x * x if squared else x, -T_MAX, T_MAX)
    a = x / (1.0 - x * x)
    diag = np.sum(x * a, axis=1)  # x^2 / (1 - x^2); the padding slots of the sparse layout have x = 0
    if dense:
        return lambda v: a @ v - diag * v
    nbr = np.asarray(model.nbr)
    return lambda v: np.sum(a * v[nbr], axis=1) - diag * v


def hessian_top(model: ising.IsingModel, beta: float, squared: bool = False) -> tuple[float, float]:
    """Top eigenvalue of ``A - D`` at ``beta`` (the Bethe Hessian is ``I - (A - D)``) for the weights ``tanh(beta J)``
    (``squared``: ``tanh^2``), and the participation ratio ``1 / sum_i v_i^4`` of its eigenvector (1 to n); by
    Lanczos with full re-orthogonalisation from a fixed random start (the eigenvalue slightly underestimated).

    Example:
        >>> ring = ising.from_edges(8, [(i, (i + 1) % 8) for i in range(8)])   # 2 t / (1 + t) for t = tanh(1)
        >>> top, spread = hessian_top(ring, 1.0)
        >>> round(top, 4), round(2 * math.tanh(1.0) / (1 + math.tanh(1.0)), 4), round(spread, 3)
        (0.8647, 0.8647, 8.0)
    """
    n = ising.n_spins(model)
    if n == 0:
        return 0.0, 0.0
    op = _operator(model, beta, squared)
    q = np.random.default_rng(0).standard_normal(n)
    basis = [q / np.linalg.norm(q)]
    alpha, off = [], []
    steps = min(n, LANCZOS_STEPS)
    for j in range(steps):
        v = op(basis[j])
        alpha.append(float(basis[j] @ v))
        for b in basis:  # full re-orthogonalisation: at most 48 vectors
            v = v - (b @ v) * b
        norm = float(np.linalg.norm(v))
        if j == steps - 1 or norm <= 1e-10 * max(1.0, abs(alpha[-1])):
            break
        off.append(norm)
        basis.append(v / norm)
    k = len(alpha)
    T = np.diag(alpha) + np.diag(off[:k - 1], 1) + np.diag(off[:k - 1], -1)
    values, vectors = np.linalg.eigh(T)
    top = np.asarray(basis[:k]).T @ vectors[:, -1]
    top /= np.linalg.norm(top)
    return float(values[-1]), float(1.0 / np.sum(top ** 4))


def unstable(model: ising.IsingModel, beta: float) -> bool:
    """Whether the Bethe paramagnet is unstable at ``beta``: to a spin glass, or to an extended ferromagnetic state
    (module docstring)."""
    if hessian_top(model, beta, squared=True)[0] >= 1.0:
        return True
    top, spread = hessian_top(model, beta)
    return top >= 1.0 and spread >= EXTENDED * ising.n_spins(model)


def instability(model: ising.IsingModel, lo: float, hi: float) -> float:
    """The beta in ``[lo, hi]`` where the Bethe paramagnet becomes unstable, by bisection in log beta to 0.1 %.
    ``hi`` is lowered to ``RIGID / max|J|`` (beyond, the strongest bonds are rigid). ``lo`` if the paramagnet is
    already unstable there, if it is still stable at ``hi`` (no ordering within the range: a chain, fields alone,
    or couplings of very different sizes, such as penalties beside unit couplings) and for a dense model of more
    than :data:`MAX_DENSE_HESSIAN` spins (not searched).

    Example:
        >>> import networkx as nx
        >>> g = nx.random_regular_graph(3, 400, seed=1)                  # 3-regular ferromagnet: tanh(beta) = 1/2
        >>> m = ising.from_edges(400, list(g.edges()), [1.0] * g.number_of_edges())
        >>> round(instability(m, 0.05, 5.0), 2), round(math.atanh(0.5), 2)
        (0.55, 0.55)
    """
    if not (np.isfinite(lo) and np.isfinite(hi) and lo > 0):
        raise ValueError(f"bethe.instability: the range must be finite betas with lo > 0, got lo={lo!r}, hi={hi!r}")
    if ising.is_dense(model) and ising.n_spins(model) > MAX_DENSE_HESSIAN:
        return float(lo)
    strongest = float(np.max(np.abs(np.asarray(model.J if ising.is_dense(model) else model.w)), initial=0.0))
    if strongest == 0:
        return float(lo)
    hi = min(hi, RIGID / strongest)
    if hi <= lo or unstable(model, lo) or not unstable(model, hi):
        return float(lo)
    a, b = lo, hi  # stable at a, unstable at b
    while b / a > 1.001:
        mid = math.sqrt(a * b)
        a, b = (a, mid) if unstable(model, mid) else (mid, b)
    return float(b)
