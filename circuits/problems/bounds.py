"""Certified upper bounds on the maximum cut: the eigenvalue bound with an optimised diagonal correction.

For a graph with Laplacian ``L = D - W`` every cut is ``cut(x) = x^T L x / 4`` with ``x`` in {-1, +1}^n, and for any
real vector ``u``, ``x^T L x = x^T (L + diag u) x - sum(u) <= n lambda_max(L + diag u) - sum(u)``. So

    mc(G) <= phi(u) = (n lambda_max(L + diag u) - sum(u)) / 4     for every u,

the bound of Delorme & Poljak (Math. Programming 62, 557 (1993)); its minimum over ``u`` equals the
Goemans-Williamson semidefinite bound (Poljak & Rendl, SIAM J. Optim. 5, 467 (1995)). Any ``u`` gives a valid
bound; a good one comes from the semidefinite relaxation ``max <L/4, V V^T>`` over unit rows ``v_i`` of a
low-rank ``V`` (n x k; Burer & Monteiro, Math. Program. 95, 329 (2003)), solved by the mixing method (exact
coordinate ascent ``v_i <- normalise(sum_(j != i) C_ij v_j)``, ``C = L/4``; Wang, Chang & Kolter,
arXiv:1706.00476 (2017)), a colour class of the graph at a time (its rows are independent). Its dual variables
``y_i = C_ii + |sum_(j != i) C_ij v_j|`` give ``u = -4 y`` (:func:`eigenvalue_bound`). On dense graphs of more
than 300 vertices (K2000), where that row-by-row ascent costs seconds, the flat correction ``u = mean degree -
degree`` is used instead (for a complete +/-1 graph it is close to the optimum: the degrees barely vary).

The bound is *certified*, not just computed: ``lambda_max`` comes from Lanczos (ARPACK), which could in
principle miss the top eigenvalue, so the reported bound uses ``lambda = theta + margin`` and checks that
``lambda I - (L + diag u)`` is positive definite by the inertia of its sparse ``L D L^T`` factorisation
(Sylvester's law of inertia; SuperLU with symmetric pivoting on the diagonal), or by a dense Cholesky factorisation
for small or dense graphs. If the check cannot be done (factorisation too large), ``certified`` is False and the
value rests on the Lanczos eigenvalue alone. (If the factorisation finds Lanczos short even after widening the
margin, the bound falls back to Gershgorin's, which is certified but loose.)
"""
from __future__ import annotations

import math
import time
from typing import NamedTuple

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from circuits.problems.gset import Graph
from pbits.runtime import memory

DENSE_UP_TO = 3000  # vertices: above this, or for sparse graphs, Lanczos and a sparse factorisation
FILL_LIMIT = 3e7  # non-zeros of the sparse factors allowed for the inertia check (about 0.5 GB)


class CutBound(NamedTuple):
    """An upper bound on the maximum cut.

    Attributes:
        value: the bound (>= every cut of the graph) [weight units].
        certified: True when ``lambda_max`` was checked by a positive-definite factorisation (see the module).
        iterations: mixing sweeps done.
        seconds: wall time spent [s].
    """

    value: float
    certified: bool
    iterations: int
    seconds: float


def laplacian(graph: Graph) -> sp.csr_matrix:
    """The weighted Laplacian ``L = D - W`` (float64 CSR; parallel edges add, self-loops are not allowed)."""
    i, j = np.asarray(graph.edges[:, 0]), np.asarray(graph.edges[:, 1])
    w = np.asarray(graph.weights, np.float64)
    W = sp.coo_matrix((np.concatenate([w, w]), (np.concatenate([i, j]), np.concatenate([j, i]))),
                      shape=(graph.n, graph.n)).tocsr()
    return (sp.diags(np.asarray(W.sum(1)).ravel()) - W).tocsr()


def _top(A, dense: bool, v0):
    """``(theta, v)``: the largest eigenvalue of the symmetric ``A`` and a unit eigenvector."""
    if dense and A.shape[0] <= 300:
        vals, vecs = scipy.linalg.eigh(A, subset_by_index=[A.shape[0] - 1, A.shape[0] - 1])
        return float(vals[0]), vecs[:, 0]
    vals, vecs = spla.eigsh(A, k=1, which="LA", v0=v0, tol=1e-10, maxiter=20 * A.shape[0])
    return float(vals[0]), vecs[:, 0]


def _positive_definite(M, dense: bool) -> bool | None:
    """True if ``M`` (symmetric) is positive definite, False if not, None if the check is too large to do."""
    if dense:
        try:
            np.linalg.cholesky(M)
            return True
        except np.linalg.LinAlgError:
            return False
    try:
        lu = spla.splu(sp.csc_matrix(M), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0,
                       options={"SymmetricMode": True})
    except (RuntimeError, MemoryError):  # singular, or out of memory
        return False
    if lu.L.nnz + lu.U.nnz > FILL_LIMIT:
        return None
    if not (np.all(lu.perm_r == lu.perm_c)):  # a row interchange: the pivots are not an L D L^T inertia
        return None
    return bool(np.all(lu.U.diagonal() > 0))


def eigenvalue_bound(graph: Graph, *, rank: int | None = None, time_limit: float = 5.0, sweeps: int = 500) -> CutBound:
    """Certified upper bound on the maximum cut of ``graph`` (weights of any sign), see the module.

    Args:
        graph: the :class:`circuits.problems.gset.Graph`.
        rank: columns k of the low-rank relaxation (default ``min(16, ceil(sqrt(2 n)))``: at higher rank the
            relaxation's optimum is the SDP's, Barvinok-Pataki; 16 is within a fraction of a percent on G-set).
        time_limit: most seconds for the mixing sweeps [s]; the certification step comes on top (up to a few
            seconds on the 20000-node G81).
        sweeps: most mixing sweeps (they stop earlier once the relaxation gains < 1e-7 relatively per sweep).

    Returns:
        :class:`CutBound`.

    Example:
        >>> g = Graph(4, np.array([[0, 1], [1, 2], [2, 3], [3, 0]]), np.ones(4), "C4")
        >>> b = eigenvalue_bound(g)
        >>> round(b.value, 6), b.certified
        (4.0, True)
    """
    from circuits.problems import maxcut
    from circuits.sampling import coloring

    t0 = time.perf_counter()
    n = int(graph.n)
    if n == 0 or len(graph.edges) == 0:
        return CutBound(max(0.0, float(np.sum(graph.weights))), True, 0, 0.0)
    if not (sweeps >= 0 and np.isfinite(time_limit) and time_limit >= 0):
        raise ValueError(f"bounds.eigenvalue_bound: sweeps must be >= 0 and time_limit a finite number of "
                         f"seconds >= 0, got {sweeps!r}, {time_limit!r}")
    m = len(graph.edges)
    dense = n <= DENSE_UP_TO and (n <= 300 or 2 * m > 0.1 * n * n)
    k = int(rank or min(16, math.ceil(math.sqrt(2 * n))))
    # before anything is allocated: the Laplacian and its copies, V and the fields, or three dense n x n arrays
    need = 24.0 * n * n if dense else 8.0 * n * (3 * k + 8) + 64.0 * m
    memory.check(need, "bounds.eigenvalue_bound", f"{n} spins, {m} edges, rank {k}", "the graph's size (or "
                 "skip the bound: --bound-time 0)")
    L = laplacian(graph)
    C = (L / 4.0).tocsr()
    off = (C - sp.diags(C.diagonal())).tocsr()
    if dense and n > 300:  # row-by-row mixing on a dense graph costs seconds: the flat diagonal's bound instead
        u = -L.diagonal() + L.diagonal().mean()
        bound, certified = _certify(L.toarray() + np.diag(u), u, n, True)
        return CutBound(float(bound), certified, 0, time.perf_counter() - t0)
    V = np.random.default_rng(0).standard_normal((n, k))
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    classes = coloring.greedy(maxcut.to_ising(graph), balance=False)
    rows = [off[c] for c in classes]
    value, done = -math.inf, 0
    for done in range(1, sweeps + 1):
        for c, R in zip(classes, rows):
            G = R @ V
            norm = np.linalg.norm(G, axis=1, keepdims=True)
            V[c] = np.where(norm > 0, G / np.maximum(norm, 1e-300), V[c])
        if done % 10 == 0 or done == sweeps:
            new = float(np.sum((off @ V) * V))
            if new - value <= 1e-7 * abs(new) or time.perf_counter() - t0 > time_limit:
                break
            value = new
    y = C.diagonal() + np.linalg.norm(off @ V, axis=1)  # the dual of the relaxation at V
    u = -4.0 * y
    M = L.toarray() + np.diag(u) if dense else (L + sp.diags(u)).tocsr()
    bound, certified = _certify(M, u, n, dense)
    return CutBound(float(bound), certified, done, time.perf_counter() - t0)


def _certify(M, u, n: int, dense: bool) -> tuple[float, bool]:
    """``(bound, certified)`` for the diagonal correction ``u``: an upper estimate of lambda_max(M), checked by
    the positive definiteness of ``lambda I - M``, then ``(n lambda - sum u) / 4``."""
    theta, _ = _top(M, dense, None)
    margin = 1e-9 * max(float(abs(M).max()), abs(theta), 1.0) * n  # well above the factorisation's rounding, far below a cut
    for _ in range(4):
        lam = theta + margin
        shifted = lam * np.eye(n) - M if dense else (sp.identity(n) * lam - M).tocsc()
        ok = _positive_definite(shifted, dense)
        if ok is None:
            return (n * lam - u.sum()) / 4.0, False
        if ok:
            return (n * lam - u.sum()) / 4.0, True
        margin *= 1e3  # Lanczos fell short of lambda_max: widen and check again
    A = np.asarray(M) if dense else M.tocsr()  # Gershgorin: lambda_max <= max_i (M_ii + sum_j!=i |M_ij|)
    diag = np.diag(A) if dense else A.diagonal()
    radius = np.asarray(abs(A).sum(1)).ravel() - np.abs(diag)
    return (n * float(np.max(diag + radius)) - u.sum()) / 4.0, True
