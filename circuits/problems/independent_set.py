"""Maximum independent set as a QUBO, with a decoder that reports violated edges (Lucas, Front. Phys. 2, 5 (2014),
sec. 4.2)."""
from __future__ import annotations

import networkx as nx
import numpy as np

from circuits.model.qubo import Decoded, Qubo


def max_independent_set(graph: nx.Graph, *, penalty: float = 2.0) -> Qubo:
    """Maximum independent set: minimise ``-sum_v x_v + penalty * sum_{uv in E} x_u x_v``.

    With ``penalty > 1`` every minimum is an independent set (removing one endpoint of a violated
    edge lowers the objective), so the minimum is ``-alpha(G)``.

    Example:
        >>> q = max_independent_set(nx.path_graph(3))
        >>> from circuits.model.qubo import value
        >>> float(value(q, [1, 0, 1]))
        -2.0
    """
    if penalty <= 1:
        raise ValueError(f"independent_set.max_independent_set: 'penalty' must be > 1 so minima are independent, got "
                         f"{penalty}")
    nodes = list(graph.nodes)
    pos = {v: i for i, v in enumerate(nodes)}
    Q = -np.eye(len(nodes))
    for u, v in graph.edges:
        if u == v:
            raise ValueError(f"independent_set.max_independent_set: self-loop at node {u!r}; no set could contain it")
        i, j = sorted((pos[u], pos[v]))
        Q[i, j] += penalty
    return Qubo(Q, 0.0, tuple(nodes))


def decode_independent_set(graph: nx.Graph, x, labels=None) -> Decoded:
    """The chosen nodes; violations are the edges with both ends chosen."""
    nodes = list(labels if labels is not None else graph.nodes)
    chosen = {v for v, b in zip(nodes, np.asarray(x)) if b}
    bad = [f"edge ({u!r}, {v!r}) has both ends in the set" for u, v in graph.edges if u in chosen and v in chosen]
    return Decoded(not bad, float(len(chosen)), sorted(chosen, key=nodes.index), bad)
