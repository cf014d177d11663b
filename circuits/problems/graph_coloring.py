"""Proper k-colouring as a one-hot QUBO, with a decoder that reports violations (Lucas, Front. Phys. 2, 5 (2014),
sec. 6.1)."""
from __future__ import annotations

import networkx as nx
import numpy as np

from circuits.model.qubo import Decoded, Qubo


def graph_coloring(graph: nx.Graph, n_colors: int, *, penalty: float = 1.0) -> Qubo:
    """Proper k-colouring, one-hot: ``x_{v,c} = 1`` iff node v has colour c.

    Minimise ``A sum_v (1 - sum_c x_vc)^2 + A sum_{uv in E} sum_c x_uc x_vc``; the minimum 0 is reached
    exactly by proper colourings (Lucas 2014, sec. 6.1).

    Example:
        >>> q = graph_coloring(nx.path_graph(2), 2)
        >>> from circuits.model.qubo import value
        >>> float(value(q, [1, 0, 0, 1]))   # node 0 colour 0, node 1 colour 1
        0.0
    """
    k = int(n_colors)
    if k < 1:
        raise ValueError(f"graph_coloring.graph_coloring: 'n_colors' must be >= 1, got {n_colors}")
    if penalty <= 0:
        raise ValueError(f"graph_coloring.graph_coloring: 'penalty' must be > 0, got {penalty}")
    nodes = list(graph.nodes)
    pos = {v: i for i, v in enumerate(nodes)}
    n = len(nodes) * k
    M = np.zeros((n, n))
    for i in range(len(nodes)):
        idx = i * k + np.arange(k)
        # (1 - sum x)^2 = 1 - sum x + 2 sum_{c<d} x_c x_d  (x^2 = x)
        M[idx, idx] -= penalty
        for c in range(k):
            for d in range(c + 1, k):
                M[idx[c], idx[d]] += 2 * penalty
    for u, v in graph.edges:
        if u == v:
            raise ValueError(f"graph_coloring.graph_coloring: self-loop at node {u!r} cannot be properly coloured")
        for c in range(k):
            i, j = sorted((pos[u] * k + c, pos[v] * k + c))
            M[i, j] += penalty
    labels = tuple((v, c) for v in nodes for c in range(k))
    return Qubo(M, float(penalty * len(nodes)), labels)


def decode_coloring(graph: nx.Graph, n_colors: int, x) -> Decoded:
    """Colour per node; violations: nodes without exactly one colour, edges with equal colours."""
    nodes = list(graph.nodes)
    X = np.asarray(x).reshape(len(nodes), int(n_colors)).astype(bool)
    bad, color = [], {}
    for v, row in zip(nodes, X):
        if row.sum() != 1:
            bad.append(f"node {v!r} has {int(row.sum())} colours (needs exactly 1)")
        else:
            color[v] = int(np.flatnonzero(row)[0])
    for u, v in graph.edges:
        if u in color and v in color and color[u] == color[v]:
            bad.append(f"edge ({u!r}, {v!r}) joins two nodes of colour {color[u]}")
    used = len(set(color.values()))
    return Decoded(not bad, float(used), color, bad)
