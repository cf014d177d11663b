"""Ising models ``E(s) = -1/2 s^T J s - h^T s`` with dense or padded-neighbour couplings.

Two coupling layouts sit behind the same functions:

* **dense**: ``J`` of shape ``(n, n)``, symmetric with a zero diagonal (small or dense problems);
* **sparse**: padded neighbour arrays ``nbr`` (int32) and ``w`` (float32) of shape ``(n, max_degree)``;
  row ``i`` lists the neighbours of spin ``i`` and the couplings ``J_ij``; padding slots point at ``i``
  itself with weight 0 (sparse problems: G81 has 20,000 spins and degree 4).

Builders check their inputs in Python (shape, symmetry, diagonal, NaN) and raise errors that name the
argument, what arrived and how to fix it; the compute functions trust them inside ``jit``.
Spins are +/-1 with the spin axis last: ``spins`` has shape ``(..., n)``.

This module is the one definition of the energy and the local field (docs/methods.md §1): :func:`energy`
(float32, traceable) and :func:`energy_exact` (float64 numpy, for reported results). The samplers' fast
kernels (:func:`circuits.sampling.gibbs.column_energy`, :func:`circuits.sampling.packed.energy`) compute the
same quantity in their own layouts and are tested against these.
"""
from __future__ import annotations

from typing import NamedTuple, Optional

import jax.numpy as jnp
import numpy as np
from jax import Array

from pbits.runtime import memory


class IsingModel(NamedTuple):
    """Couplings and fields of an Ising model (a pytree; exactly one layout is set).

    Attributes:
        h: (n,) float32 external fields [energy units].
        J: (n, n) float32 symmetric couplings with zero diagonal, or None for the sparse layout.
        nbr: (n, max_degree) int32 neighbour indices (padding = own index), or None for dense.
        w: (n, max_degree) couplings ``J[i, nbr[i, k]]`` (padding = 0), or None for dense; int8 when all
            couplings are integers with ``sum_j |J_ij| <= 32767`` (e.g. the +/-1 G-set), else float32. The
            integer layout lets a sweep gather and multiply int8 spins (about 1.5x faster on a CPU).
    """

    h: Array
    J: Optional[Array] = None
    nbr: Optional[Array] = None
    w: Optional[Array] = None


def n_spins(model: IsingModel) -> int:
    """Number of spins n."""
    return int(model.h.shape[-1])


def is_dense(model: IsingModel) -> bool:
    """True for the dense ``J`` layout, False for padded neighbour arrays."""
    return model.J is not None


def check(model: IsingModel, where: str = "ising.check") -> IsingModel:
    """Validate a model that may have been built by hand (once, when a run starts; never inside jit).

    Checks the layout (exactly one of ``J`` or ``nbr``/``w``), shapes, finite values, a symmetric ``J`` with a zero
    diagonal, and neighbour indices in range with ``J_ij = J_ji``. Returns the model unchanged.

    Example:
        >>> check(IsingModel(h=jnp.zeros(2), J=jnp.array([[0.0, 1.0], [2.0, 0.0]])))
        Traceback (most recent call last):
        ...
        ValueError: ising.check: the couplings are not symmetric: J[0, 1] = 1.0 but J[1, 0] = 2.0; build the model with ising.from_dense((J + J.T) / 2)
    """
    if not isinstance(model, IsingModel):
        raise ValueError(f"{where}: expected an ising.IsingModel, got {type(model).__name__}; build one with "
                         "ising.from_dense, from_edges or from_graph")
    h = np.asarray(model.h, np.float64)
    if h.ndim != 1 or not np.all(np.isfinite(h)):
        raise ValueError(f"{where}: the fields h must be a finite (n,) array, got shape {h.shape}; use ising.from_dense")
    n = h.shape[0]
    if (model.J is None) == (model.nbr is None or model.w is None):
        raise ValueError(f"{where}: a model has either J or (nbr, w); build it with ising.from_dense or from_edges")
    if model.J is not None:
        J = np.asarray(model.J, np.float64)
        if J.shape != (n, n) or not np.all(np.isfinite(J)):
            raise ValueError(f"{where}: J must be a finite ({n}, {n}) matrix, got shape {J.shape}"
                             + ("" if J.shape != (n, n) else " with NaN/inf entries") + "; use ising.from_dense")
        bad = np.argwhere(J != J.T)
        if len(bad):
            i, j = bad[0]
            raise ValueError(f"{where}: the couplings are not symmetric: J[{i}, {j}] = {J[i, j]} but J[{j}, {i}] = "
                             f"{J[j, i]}; build the model with ising.from_dense((J + J.T) / 2)")
        if np.any(np.diag(J) != 0):
            raise ValueError(f"{where}: J has a non-zero diagonal; set it to 0 (it only adds a constant)")
        return model
    nbr, w = np.asarray(model.nbr), np.asarray(model.w, np.float64)
    if nbr.shape != w.shape or nbr.ndim != 2 or nbr.shape[0] != n:
        raise ValueError(f"{where}: nbr and w must both have shape ({n}, d), got {nbr.shape} and {w.shape}")
    if not np.all(np.isfinite(w)) or (nbr.size and (nbr.min() < 0 or nbr.max() >= n)):
        raise ValueError(f"{where}: the neighbour arrays hold non-finite weights or indices outside 0..{n - 1}; "
                         "build the model with ising.from_edges")
    i, k = np.nonzero(w)
    a, b, v = i.astype(np.int64), nbr[i, k].astype(np.int64), w[i, k]
    fwd, order = a * n + b, np.argsort(a * n + b)
    pos = np.clip(np.searchsorted(fwd[order], b * n + a), 0, max(len(a) - 1, 0))
    found = (fwd[order][pos] == b * n + a) if len(a) else np.zeros(0, bool)
    back = np.where(found, v[order][pos], 0.0) if len(a) else v
    bad = np.flatnonzero((a == b) | ~found | (back != v))
    if len(bad):
        q = bad[0]
        raise ValueError(f"{where}: the couplings are not symmetric: J[{a[q]}, {b[q]}] = {v[q]} but J[{b[q]}, {a[q]}] = "
                         f"{back[q]}; build the model with ising.from_edges")
    return model


# ----------------------------------------------------------------------------------------- builders
def _check_h(h, n: int, where: str) -> np.ndarray:
    if h is None:
        return np.zeros(n)
    h = np.asarray(h, dtype=np.float64)
    if h.shape != (n,):
        raise ValueError(f"{where}: argument 'h' must have shape ({n},), got {h.shape}; pass one field per spin")
    if not np.all(np.isfinite(h)):
        bad = int(np.flatnonzero(~np.isfinite(h))[0])
        raise ValueError(f"{where}: argument 'h' has a non-finite entry h[{bad}] = {h[bad]}; replace NaN/inf")
    return h


def from_dense(J, h=None, *, layout: str = "dense") -> IsingModel:
    """Build a model from a symmetric coupling matrix.

    Args:
        J: (n, n) symmetric real couplings with a zero diagonal.
        h: (n,) fields, default zeros.
        layout: "dense" (keep ``J``) or "sparse" (padded neighbour arrays of the nonzeros).

    Returns:
        The IsingModel.

    Raises:
        ValueError: if ``J`` is not square, not symmetric, has NaN/inf or a nonzero diagonal.

    Example:
        >>> m = from_dense([[0., 1.], [1., 0.]])
        >>> float(energy(m, jnp.array([1., 1.])))
        -1.0
    """
    J = np.asarray(J, dtype=np.float64)
    if J.ndim != 2 or J.shape[0] != J.shape[1]:
        raise ValueError(f"ising.from_dense: argument 'J' must be a square (n, n) matrix, got shape {J.shape}")
    n = J.shape[0]
    if not np.all(np.isfinite(J)):
        i, j = np.argwhere(~np.isfinite(J))[0]
        raise ValueError(f"ising.from_dense: argument 'J' has a non-finite entry J[{i}, {j}] = {J[i, j]}; "
                         "replace NaN/inf by a number")
    if not np.array_equal(J, J.T):
        i, j = np.argwhere(J != J.T)[0]
        raise ValueError(f"ising.from_dense: argument 'J' must be symmetric, got J[{i}, {j}] = {J[i, j]} but "
                         f"J[{j}, {i}] = {J[j, i]}; use (J + J.T) / 2")
    if np.any(np.diag(J) != 0):
        i = int(np.flatnonzero(np.diag(J))[0])
        raise ValueError(f"ising.from_dense: argument 'J' has a self-coupling J[{i}, {i}] = {J[i, i]}; a diagonal "
                         "only adds a constant for +/-1 spins, set it to 0")
    h = _check_h(h, n, "ising.from_dense")
    if layout == "dense":
        return IsingModel(h=jnp.asarray(h, jnp.float32), J=jnp.asarray(J, jnp.float32))
    if layout == "sparse":
        i, j = np.nonzero(np.triu(J, 1))
        return _sparse(n, i, j, J[i, j], h)
    raise ValueError(f"ising.from_dense: argument 'layout' must be 'dense' or 'sparse', got {layout!r}")


def _sparse(n, i, j, wij, h) -> IsingModel:
    """Padded neighbour arrays from an upper-triangle edge list (already validated)."""
    src = np.concatenate([i, j]).astype(np.int64)
    dst = np.concatenate([j, i]).astype(np.int64)
    val = np.concatenate([wij, wij])
    order = np.argsort(src, kind="stable")
    src, dst, val = src[order], dst[order], val[order]
    deg = np.bincount(src, minlength=n)
    max_degree = max(int(deg.max()) if n else 0, 1)
    start = np.concatenate([[0], np.cumsum(deg)[:-1]])
    slot = np.arange(len(src)) - start[src]
    nbr = np.tile(np.arange(n, dtype=np.int32)[:, None], (1, max_degree))
    integral = bool(np.all(val == np.round(val)) and np.all(np.abs(val) <= 127)
                    and (np.bincount(src, np.abs(val), minlength=n).max(initial=0) <= 32767))
    w = np.zeros((n, max_degree), np.int8 if integral else np.float32)
    nbr[src, slot] = dst
    w[src, slot] = val
    return IsingModel(h=jnp.asarray(h, jnp.float32), nbr=jnp.asarray(nbr), w=jnp.asarray(w))


def from_edges(n: int, edges, weights=None, h=None, *, layout: str = "sparse") -> IsingModel:
    """Build a model from an edge list with couplings ``J_ij = weights[k]`` for ``edges[k] = (i, j)``.

    Args:
        n: number of spins.
        edges: (m, 2) integer pairs, 0-based, each undirected edge once, no self-loops or duplicates.
        weights: (m,) couplings, default ones.
        h: (n,) fields, default zeros.
        layout: "sparse" (default) or "dense".

    Returns:
        The IsingModel.

    Example:
        >>> m = from_edges(3, [(0, 1), (1, 2)], [1.0, -2.0])
        >>> m.nbr.shape
        (3, 2)
    """
    where = "ising.from_edges"
    if int(n) != n or n < 1:
        raise ValueError(f"{where}: argument 'n' must be a positive integer, got {n!r}")
    n = int(n)
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2) if len(edges) else np.zeros((0, 2), np.int64)
    wv = np.ones(len(e)) if weights is None else np.asarray(weights, dtype=np.float64).reshape(-1)
    if wv.shape != (len(e),):
        raise ValueError(f"{where}: argument 'weights' must have one entry per edge ({len(e)}), got {wv.shape}")
    if len(e) and (e.min() < 0 or e.max() >= n):
        k = int(np.flatnonzero((e < 0).any(1) | (e >= n).any(1))[0])
        raise ValueError(f"{where}: edge {k} = {tuple(e[k])} has a vertex outside 0..{n - 1}")
    if np.any(e[:, 0] == e[:, 1]):
        k = int(np.flatnonzero(e[:, 0] == e[:, 1])[0])
        raise ValueError(f"{where}: edge {k} = {tuple(e[k])} is a self-loop; remove it")
    if not np.all(np.isfinite(wv)):
        k = int(np.flatnonzero(~np.isfinite(wv))[0])
        raise ValueError(f"{where}: argument 'weights' has a non-finite entry weights[{k}] = {wv[k]}")
    lo, hi = np.minimum(e[:, 0], e[:, 1]), np.maximum(e[:, 0], e[:, 1])
    key = lo * n + hi
    srt = np.sort(key)  # a sort, not np.unique's hash table: ~50x faster on K2000's two million edges
    if np.any(srt[1:] == srt[:-1]):
        _, first = np.unique(key, return_index=True)
        k = int(np.setdiff1d(np.arange(len(key)), first)[0])
        raise ValueError(f"{where}: edge {k} = {tuple(e[k])} is listed twice; merge duplicate edges")
    deg = np.bincount(np.concatenate([lo, hi]), minlength=n) if len(e) else np.zeros(1, np.int64)
    # per spin: fields, neighbour slots and the colouring's bookkeeping (Python lists: ~150 bytes a spin)
    memory.check(n * (150.0 + 5.0 * max(int(deg.max()), 1)) + (8.0 * n * n if layout == "dense" else 0.0), where,
                 f"{n} spins, up to {int(deg.max())} couplings each", "the number of spins (the graph's header)")
    h = _check_h(h, n, where)
    if layout == "sparse":
        return _sparse(n, lo, hi, wv, h)
    if layout == "dense":
        J = np.zeros((n, n))
        J[lo, hi] = wv
        J[hi, lo] = wv
        return IsingModel(h=jnp.asarray(h, jnp.float32), J=jnp.asarray(J, jnp.float32))
    raise ValueError(f"{where}: argument 'layout' must be 'dense' or 'sparse', got {layout!r}")


def from_graph(graph, weight: str = "weight", *, nodelist=None, field: str | None = None,
               layout: str = "sparse", default: float = 1.0):
    """Build a model from a networkx graph, ``J_ij = graph[i][j][weight]``.

    Args:
        graph: an undirected ``networkx.Graph`` without self-loops.
        weight: edge attribute holding the coupling (missing -> ``default``).
        nodelist: node order (default ``list(graph)``); spin k is ``nodelist[k]``.
        field: optional node attribute holding ``h`` (missing -> 0).
        layout: "sparse" (default) or "dense".
        default: coupling of edges without the ``weight`` attribute.

    Returns:
        ``(model, nodes)``: the IsingModel and the node order used.

    Example:
        >>> import networkx as nx
        >>> model, nodes = from_graph(nx.path_graph(3))
        >>> nodes
        [0, 1, 2]
    """
    nodes = list(graph) if nodelist is None else list(nodelist)
    if graph.is_directed():
        raise ValueError("ising.from_graph: argument 'graph' is directed; pass graph.to_undirected()")
    if set(nodes) != set(graph) or len(nodes) != len(set(nodes)):
        raise ValueError("ising.from_graph: argument 'nodelist' must list every node of the graph exactly once")
    index = {v: k for k, v in enumerate(nodes)}
    edges, ws = [], []
    for u, v, d in graph.edges(data=True):
        if u == v:
            raise ValueError(f"ising.from_graph: self-loop at node {u!r}; remove it (nx.selfloop_edges)")
        edges.append((index[u], index[v]))
        ws.append(d.get(weight, default))
    h = None if field is None else [graph.nodes[v].get(field, 0.0) for v in nodes]
    return from_edges(len(nodes), edges, ws, h, layout=layout), nodes


def to_dense(model: IsingModel) -> IsingModel:
    """The same model in the dense layout."""
    if is_dense(model):
        return model
    n = n_spins(model)
    J = np.zeros((n, n), np.float32)
    nbr, w = np.asarray(model.nbr), np.asarray(model.w, np.float32)
    rows = np.repeat(np.arange(n), nbr.shape[1])
    np.add.at(J, (rows, nbr.ravel()), w.ravel())
    return IsingModel(h=model.h, J=jnp.asarray(J))


def to_sparse(model: IsingModel) -> IsingModel:
    """The same model in the padded-neighbour layout."""
    if not is_dense(model):
        return model
    J = np.asarray(model.J, np.float64)
    i, j = np.nonzero(np.triu(J, 1))
    return _sparse(n_spins(model), i, j, J[i, j], np.asarray(model.h, np.float64))


# -------------------------------------------------------------------------------------- observables
def local_field(model: IsingModel, spins: Array) -> Array:
    """Synapse output ``I = J s + h`` for every spin.

    Args:
        model: the IsingModel.
        spins: (..., n) +/-1 spins.

    Returns:
        (..., n) float32 local fields.

    Example:
        >>> local_field(from_dense([[0., 2.], [2., 0.]], [1., 0.]), jnp.array([1., -1.])).tolist()
        [-1.0, 2.0]
    """
    s = jnp.asarray(spins, jnp.float32)
    if is_dense(model):
        return s @ model.J + model.h
    return jnp.einsum("...nd,nd->...n", s[..., model.nbr], model.w.astype(jnp.float32)) + model.h


def energy(model: IsingModel, spins: Array) -> Array:
    """Ising energy ``E(s) = -1/2 s^T J s - h^T s``.

    Args:
        model: the IsingModel.
        spins: (..., n) +/-1 spins.

    Returns:
        (...,) float32 energies.

    Example:
        >>> float(energy(from_dense([[0., 1.], [1., 0.]], [0.5, 0.]), jnp.array([1., -1.])))
        0.5
    """
    s = jnp.asarray(spins, jnp.float32)
    return -0.5 * jnp.sum(s * (local_field(model, s) - model.h), -1) - s @ model.h


def energy_exact(model: IsingModel, spins) -> np.ndarray:
    """``E(s) = -1/2 s^T J s - h^T s`` in float64 numpy (no compilation), for (..., n) +/-1 spins.

    Example:
        >>> float(energy_exact(from_edges(3, [(0, 1), (1, 2)], [1.0, -2.0]), [1, 1, 1]))
        1.0
    """
    s = np.asarray(spins, np.float64)
    if is_dense(model):
        f = s @ np.asarray(model.J, np.float64)
    else:
        f = np.einsum("...nd,nd->...n", s[..., np.asarray(model.nbr)], np.asarray(model.w, np.float64))
    return -0.5 * np.sum(s * f, -1) - s @ np.asarray(model.h, np.float64)


def coupling_scale(model: IsingModel):
    """``(max_i sum_j |J_ij| + |h_i|, min nonzero |J_ij| or |h_i|)``: largest and smallest field scales."""
    if is_dense(model):
        A = np.abs(np.asarray(model.J))
    else:
        A = np.abs(np.asarray(model.w, np.float64))
    h = np.abs(np.asarray(model.h))
    big = float((A.sum(1) + h).max()) if A.size else float(h.max(initial=0.0))
    nz = np.concatenate([A[A > 0], h[h > 0]])
    small = float(nz.min()) if nz.size else 1.0
    return max(big, small), small


def typical_field(model: IsingModel) -> float:
    """Mean over spins with any coupling or field of ``sum_j |J_ij| + |h_i|`` (the typical field scale)."""
    A = np.abs(np.asarray(model.J if is_dense(model) else model.w, np.float64))
    scale = A.sum(1) + np.abs(np.asarray(model.h, np.float64))
    scale = scale[scale > 0]
    return float(scale.mean()) if scale.size else 1.0
