"""Combinatorial problems as QUBOs, with decoders that check feasibility.

Each builder returns a :class:`Qubo` (minimise ``x^T Q x + offset`` over x in {0, 1}^n) plus what its
decoder needs; :func:`circuits.ising.from_qubo` turns it into an Ising model for the samplers. The
penalty formulations follow Lucas, "Ising formulations of many NP problems", Front. Phys. 2, 5 (2014)
(sections 2.1 number partitioning, 4.2 maximum independent set, 6.1 graph colouring).

A decoder never trusts a sample: it reports the violated constraints, and ``feasible`` is True only
when there are none.
"""
from __future__ import annotations

from typing import NamedTuple

import networkx as nx
import numpy as np


class Qubo(NamedTuple):
    """A QUBO ``min x^T Q x + offset``.

    Attributes:
        Q: (n, n) float64 upper-triangular matrix (linear terms on the diagonal).
        offset: constant.
        labels: what each variable means (node, (node, colour), ...).
    """

    Q: np.ndarray
    offset: float
    labels: tuple


class Decoded(NamedTuple):
    """A decoded sample.

    Attributes:
        feasible: True when no constraint is violated.
        objective: the problem's own objective (difference, set size, colours used).
        solution: the decoded answer (partition, set, colouring).
        violations: human-readable list of violated constraints (empty when feasible).
    """

    feasible: bool
    objective: float
    solution: object
    violations: list


def value(qubo: Qubo, x) -> np.ndarray:
    """QUBO objective ``x^T Q x + offset`` of bits (..., n)."""
    x = np.asarray(x, np.float64)
    return np.einsum("...i,ij,...j->...", x, qubo.Q, x) + qubo.offset


def bits(spins) -> np.ndarray:
    """+/-1 spins -> 0/1 bits (x = (1 + s)/2)."""
    return (np.asarray(spins) > 0).astype(np.int64)


def _triu(M) -> np.ndarray:
    """Fold a symmetric coefficient matrix into upper-triangular QUBO form."""
    return np.triu(M) + np.triu(M.T, 1)


# ---------------------------------------------------------------------------------- number partitioning
def number_partitioning(numbers) -> Qubo:
    """Split numbers into two sets of equal sum: minimise ``(sum_i a_i s_i)^2`` with ``s = 2x - 1``.

    The objective is the squared difference of the two sums; 0 means a perfect partition.

    Example:
        >>> q = number_partitioning([1, 2, 3])
        >>> float(value(q, [1, 1, 0]))      # {1, 2} vs {3}
        0.0
    """
    a = np.asarray(numbers, np.float64)
    if a.ndim != 1 or a.size < 2 or not np.all(np.isfinite(a)):
        raise ValueError(f"problems.number_partitioning: 'numbers' must be >= 2 finite numbers, got {numbers!r}")
    # (sum a (2x - 1))^2 = 4 (a.x)^2 - 4 (a.x) S + S^2, S = sum a
    S = a.sum()
    M = 4.0 * np.outer(a, a)
    M[np.diag_indices_from(M)] += -4.0 * a * S
    return Qubo(_triu(M), float(S * S), tuple(range(a.size)))


def decode_partition(numbers, x) -> Decoded:
    """Two sets and the difference of their sums (always feasible)."""
    a = np.asarray(numbers, np.float64)
    x = np.asarray(x).astype(bool)
    diff = float(abs(a[x].sum() - a[~x].sum()))
    return Decoded(True, diff, (np.flatnonzero(x).tolist(), np.flatnonzero(~x).tolist()), [])


# ------------------------------------------------------------------------------ maximum independent set
def max_independent_set(graph: nx.Graph, *, penalty: float = 2.0) -> Qubo:
    """Maximum independent set: minimise ``-sum_v x_v + penalty * sum_{uv in E} x_u x_v``.

    With ``penalty > 1`` every minimum is an independent set (removing one endpoint of a violated
    edge lowers the objective), so the minimum is ``-alpha(G)``.

    Example:
        >>> q = max_independent_set(nx.path_graph(3))
        >>> float(value(q, [1, 0, 1]))
        -2.0
    """
    if penalty <= 1:
        raise ValueError(f"problems.max_independent_set: 'penalty' must be > 1 so minima are independent, got "
                         f"{penalty}")
    nodes = list(graph.nodes)
    pos = {v: i for i, v in enumerate(nodes)}
    Q = -np.eye(len(nodes))
    for u, v in graph.edges:
        if u == v:
            raise ValueError(f"problems.max_independent_set: self-loop at node {u!r}; no set could contain it")
        i, j = sorted((pos[u], pos[v]))
        Q[i, j] += penalty
    return Qubo(Q, 0.0, tuple(nodes))


def decode_independent_set(graph: nx.Graph, x, labels=None) -> Decoded:
    """The chosen nodes; violations are the edges with both ends chosen."""
    nodes = list(labels if labels is not None else graph.nodes)
    chosen = {v for v, b in zip(nodes, np.asarray(x)) if b}
    bad = [f"edge ({u!r}, {v!r}) has both ends in the set" for u, v in graph.edges if u in chosen and v in chosen]
    return Decoded(not bad, float(len(chosen)), sorted(chosen, key=nodes.index), bad)


# ----------------------------------------------------------------------------------------- colouring
def graph_coloring(graph: nx.Graph, n_colors: int, *, penalty: float = 1.0) -> Qubo:
    """Proper k-colouring, one-hot: ``x_{v,c} = 1`` iff node v has colour c.

    Minimise ``A sum_v (1 - sum_c x_vc)^2 + A sum_{uv in E} sum_c x_uc x_vc``; the minimum 0 is reached
    exactly by proper colourings (Lucas 2014, sec. 6.1).

    Example:
        >>> q = graph_coloring(nx.path_graph(2), 2)
        >>> float(value(q, [1, 0, 0, 1]))   # node 0 colour 0, node 1 colour 1
        0.0
    """
    k = int(n_colors)
    if k < 1:
        raise ValueError(f"problems.graph_coloring: 'n_colors' must be >= 1, got {n_colors}")
    if penalty <= 0:
        raise ValueError(f"problems.graph_coloring: 'penalty' must be > 0, got {penalty}")
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
            raise ValueError(f"problems.graph_coloring: self-loop at node {u!r} cannot be properly coloured")
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


# ---------------------------------------------------------------------------------------- file format
def write_qubo(path, qubo: Qubo) -> None:
    """Write a plain-text QUBO file (the format :func:`read_qubo` reads).

    Format: ``#`` starts a comment; the first other line is ``n m [offset]`` (variables, nonzero
    entries, optional constant); then ``m`` lines ``i j value`` with 0-based ``i <= j``; ``i == j`` is
    a linear term.
    """
    Q = np.triu(np.asarray(qubo.Q, np.float64)) + np.tril(np.asarray(qubo.Q, np.float64), -1).T
    i, j = np.nonzero(Q)
    with open(path, "w") as f:
        f.write("# QUBO: minimise x^T Q x + offset, x in {0,1}^n; lines 'i j value', 0-based, i <= j\n")
        f.write(f"{Q.shape[0]} {len(i)} {float(qubo.offset)!r}\n")
        for a, b in zip(i, j):
            f.write(f"{a} {b} {float(Q[a, b])!r}\n")


def read_qubo(path) -> Qubo:
    """Read a QUBO file written by :func:`write_qubo`; errors name the file and line.

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "q.txt")
        >>> write_qubo(p, number_partitioning([1, 2, 3]))
        >>> read_qubo(p).Q.shape
        (3, 3)
    """
    name = str(path)
    with open(path) as f:
        lines = [(k + 1, ln.split("#", 1)[0].strip()) for k, ln in enumerate(f)]
    lines = [(k, ln) for k, ln in lines if ln]
    if not lines:
        raise ValueError(f"problems.read_qubo: '{name}' is empty; expected a header 'n m [offset]'")
    k, head = lines[0]
    parts = head.split()
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        n, m = int(parts[0]), int(parts[1])
        offset = float(parts[2]) if len(parts) == 3 else 0.0
        if n < 1 or m < 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"problems.read_qubo: line {k} of '{name}': expected header 'n m [offset]' with n >= 1, "
                         f"m >= 0, got {head!r}") from None
    body = lines[1:]
    if len(body) != m:
        raise ValueError(f"problems.read_qubo: '{name}' announces {m} entries in its header but has {len(body)}")
    Q = np.zeros((n, n))
    for k, ln in body:
        parts = ln.split()
        try:
            if len(parts) != 3:
                raise ValueError
            i, j, v = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
            raise ValueError(f"problems.read_qubo: line {k} of '{name}': expected 'i j value', got {ln!r}") from None
        if not (0 <= i < n and 0 <= j < n) or not np.isfinite(v):
            raise ValueError(f"problems.read_qubo: line {k} of '{name}': expected 0 <= i, j < {n} and a finite "
                             f"value, got {ln!r}")
        a, b = min(i, j), max(i, j)
        Q[a, b] += v
    return Qubo(Q, offset, tuple(range(n)))
