"""Max-Cut <-> Ising conversion, in one place.

For a graph with weights ``w_ij`` the Ising model has ``J_ij = -w_ij`` and ``h = 0``, so that
``E(s) = sum_{ij in E} w_ij s_i s_j`` and

    cut(s) = (sum_{ij in E} w_ij - sum_{ij in E} w_ij s_i s_j) / 2 = (W - E(s)) / 2.

Maximising the cut is minimising E.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import Array

from circuits import ising
from circuits.gset import Graph


def total_weight(graph: Graph) -> float:
    """``W = sum of edge weights``."""
    return float(np.sum(graph.weights))


def to_ising(graph: Graph, *, layout: str = "sparse") -> ising.IsingModel:
    """Ising model of Max-Cut on ``graph``: ``J_ij = -w_ij``, ``h = 0``.

    Example:
        >>> from circuits import gset
        >>> to_ising(gset.random_graph(5, 1.0)).nbr.shape
        (5, 4)
    """
    return ising.from_edges(graph.n, graph.edges, -np.asarray(graph.weights), layout=layout)


def from_networkx(G, weight: str = "weight", *, nodelist=None) -> tuple[Graph, list]:
    """Convert a networkx graph to a :class:`Graph` (missing weights count 1); returns ``(graph, nodes)``."""
    nodes = list(G) if nodelist is None else list(nodelist)
    index = {v: k for k, v in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in G.edges()], np.int64).reshape(-1, 2)
    w = np.array([d.get(weight, 1.0) for _, _, d in G.edges(data=True)], np.float64)
    return Graph(n=len(nodes), edges=edges, weights=w, name=str(G.name or "graph")), nodes


def cut_from_energy(graph: Graph, energy) -> Array:
    """``cut = (W - E) / 2``."""
    return (total_weight(graph) - jnp.asarray(energy)) / 2


def energy_from_cut(graph: Graph, cut) -> float:
    """``E = W - 2 cut`` (the Ising energy a cut value corresponds to)."""
    return total_weight(graph) - 2.0 * float(cut)


def cut_value(graph: Graph, spins) -> Array:
    """Weight of edges whose endpoints have opposite spins, ``sum w_ij (1 - s_i s_j) / 2``.

    Args:
        graph: the Graph.
        spins: (..., n) +/-1 spins.

    Returns:
        (...,) cut values (equal to ``networkx.cut_size`` of the +1 side).

    Example:
        >>> from circuits import gset
        >>> g = gset.random_graph(4, 1.0)
        >>> float(cut_value(g, jnp.array([1., -1., 1., -1.])))
        4.0
    """
    s = jnp.asarray(spins, jnp.float32)
    e = jnp.asarray(graph.edges)
    w = jnp.asarray(graph.weights, jnp.float32)
    return jnp.sum(w * (1 - s[..., e[:, 0]] * s[..., e[:, 1]]) / 2, -1)


def partition(spins, nodes=None) -> set:
    """The set of nodes with spin +1 (``nodes[k]`` for spin k; default ``range(n)``)."""
    s = np.asarray(spins)
    nodes = range(len(s)) if nodes is None else nodes
    return {v for v, x in zip(nodes, s) if x > 0}
