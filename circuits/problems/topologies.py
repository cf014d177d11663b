"""The qubit-connectivity graphs of D-Wave annealers, Chimera C(m), Pegasus P(m) and Zephyr Z(m), made in code,
and spin-glass instances on them.

Each graph is built from the geometric description of its papers: qubits are line segments on a grid, half of
them vertical (``u = 0``) and half horizontal (``u = 1``); *internal* couplers join perpendicular qubits that
cross, *external* couplers join consecutive collinear qubits, and *odd* couplers join neighbouring parallel
qubits. The node labels are the linear indices of the coordinates in those papers (the order the Ocean tools
use), so a node's label tells where it sits:

* :func:`chimera_edges` (Bunyk et al., IEEE Trans. Appl. Supercond. 24, 1700110 (2014)): an m x m grid of
  K_{t,t} unit cells, node ``(i, j, u, k)`` (cell row i, column j, shore u, index k < t) labelled
  ``((i m + j) 2 + u) t + k``; vertical qubits couple down a column, horizontal ones along a row.
  ``8 m^2`` nodes (t = 4), ``t^2 m^2 + 2 t m (m - 1)`` edges (C16: 2048 and 6016), degree at most t + 2 = 6.
* :func:`pegasus_edges` (Boothby, Bunyk, Raymond & Roy, arXiv:2003.00133 (2020)): node ``(u, w, k, z)``,
  ``w < m``, ``k < 12``, ``z < m - 1``, labelled ``((u m + w) 12 + k)(m - 1) + z``. A vertical qubit lies on
  column ``12 w + k`` and spans the 12 rows from ``12 z + a_k``, a horizontal one lies on row ``12 w + k`` and
  spans the 12 columns from ``12 z + b_k``, with the standard offsets ``a = (2,2,2,2,10,10,10,10,6,6,6,6)``,
  ``b = (6,6,6,6,2,2,2,2,10,10,10,10)``; odd couplers join ``k = 2i`` and ``2i + 1``. The ``8 (m - 1)``
  qubits at the edges of the grid cross no other qubit; without them (``fabric_only``, the default and the
  fabric of the chips) there are ``24 m (m - 1) - 8 (m - 1)`` nodes (P16: 5640, P14: 4264), degree at most 15.
* :func:`zephyr_edges` (Boothby, King & Raymond, "Zephyr topology of D-Wave quantum processors", D-Wave
  technical report 14-1056A-A (2021)): node ``(u, w, k, j, z)``, ``w <= 2m``, ``k < t``, ``j < 2``,
  ``z < m``, labelled ``(((u (2m + 1) + w) t + k) 2 + j) m + z``. The qubit lies on line w and spans the two
  perpendicular lines ``2 z + j`` and ``2 z + j + 1``; two perpendicular qubits couple when each one's line is
  in the other's span, two parallel ones on the same (u, w, k) with different j when their spans overlap.
  ``4 t m (2m + 1)`` nodes (``16 m (2m + 1)`` for t = 4), degree at most ``4 t + 4 = 20``.

:func:`chimera`, :func:`pegasus` and :func:`zephyr` put +/-1 or N(0, 1) Max-Cut weights ``w`` on the edges
(couplings ``J = -w``, energy ``E(s) = sum_{i<j} w_ij s_i s_j``, as in :mod:`circuits.problems.instances`);
the Graph's vertex v is the node ``labels[v]`` of the Topology.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from circuits.problems.gset import Graph
from circuits.problems.instances import check_size, draw_weights

PEGASUS_OFFSETS = ((2, 2, 2, 2, 10, 10, 10, 10, 6, 6, 6, 6),   # a_k: vertical qubits (u = 0), in rows
                   (6, 6, 6, 6, 2, 2, 2, 2, 10, 10, 10, 10))   # b_k: horizontal qubits (u = 1), in columns


class Topology(NamedTuple):
    """A hardware graph as arrays.

    Attributes:
        n: number of nodes (qubits).
        edges: (m, 2) int64 0-based node indices, ``i < j``, sorted.
        labels: (n,) int64, increasing: node v is the qubit with linear coordinate index ``labels[v]``.
        name: e.g. ``"pegasus16"``.
    """

    n: int
    edges: np.ndarray
    labels: np.ndarray
    name: str


def _topology(labels: np.ndarray, pairs: list, name: str) -> Topology:
    """Index the label pairs ``pairs`` (arrays (k, 2) of labels) over the sorted ``labels``."""
    labels = np.unique(labels)
    e = np.concatenate([np.asarray(p, np.int64).reshape(-1, 2) for p in pairs])
    e = np.searchsorted(labels, np.sort(e, axis=1))
    e = e[np.lexsort((e[:, 1], e[:, 0]))]
    return Topology(len(labels), e.astype(np.int64), labels.astype(np.int64), name)


def chimera_edges(m: int, t: int = 4) -> Topology:
    """The Chimera graph C(m) with shores of t qubits (``2 t m^2`` nodes).

    >>> c = chimera_edges(16)
    >>> c.n, len(c.edges)
    (2048, 6016)
    """
    m = check_size(m, 1, "m", "topologies.chimera_edges")
    t = check_size(t, 1, "t", "topologies.chimera_edges")

    def label(i, j, u, k):
        return ((i * m + j) * 2 + u) * t + k

    i, j, k, k2 = np.meshgrid(*(np.arange(r) for r in (m, m, t, t)), indexing="ij", sparse=True)
    inside = np.broadcast_arrays(label(i, j, 0, k), label(i, j, 1, k2))            # K_{t,t} in each cell
    i, j, k = np.meshgrid(*(np.arange(r) for r in (m, m, t)), indexing="ij", sparse=True)
    down = np.broadcast_arrays(label(i[:-1], j, 0, k), label(i[1:], j, 0, k))      # vertical, cell row i -> i+1
    right = np.broadcast_arrays(label(i, j[:, :-1], 1, k), label(i, j[:, 1:], 1, k))  # horizontal, j -> j+1
    pairs = [np.stack([a.ravel(), b.ravel()], 1) for a, b in (inside, down, right)]
    return _topology(np.arange(2 * t * m * m), pairs, f"chimera{m}" + ("" if t == 4 else f"_t{t}"))


def pegasus_edges(m: int, *, fabric_only: bool = True) -> Topology:
    """The Pegasus graph P(m) with the standard offsets (see the module).

    Args:
        m: size, >= 2 (the Advantage chips are P16).
        fabric_only: leave out the ``8 (m - 1)`` qubits that cross no other qubit (they form small separate
            ladders); False keeps all ``24 m (m - 1)``.

    >>> p = pegasus_edges(14)
    >>> p.n, int(np.bincount(p.edges.ravel()).max())
    (4264, 15)
    """
    m = check_size(m, 2, "m", "topologies.pegasus_edges")
    m1 = m - 1
    a, b = (np.asarray(o) for o in PEGASUS_OFFSETS)

    def label(u, w, k, z):
        return ((u * m + w) * 12 + k) * m1 + z

    w, k, z = (x.ravel() for x in np.meshgrid(np.arange(m), np.arange(12), np.arange(m1), indexing="ij"))
    # internal: the vertical qubit on column x spans rows y; on row y the horizontal qubit z2 covers column x
    x = 12 * w + k
    y = 12 * z[:, None] + a[k][:, None] + np.arange(12)
    w2, k2 = y // 12, y % 12
    z2 = (x[:, None] - b[k2]) // 12
    ok = (z2 >= 0) & (z2 < m1)
    internal = np.stack([np.broadcast_to(label(0, w, k, z)[:, None], ok.shape)[ok], label(1, w2, k2, z2)[ok]], 1)
    pairs = [internal]
    for u in (0, 1):
        last = z < m1 - 1
        pairs.append(np.stack([label(u, w, k, z)[last], label(u, w, k, z + 1)[last]], 1))  # external
        even = k % 2 == 0
        pairs.append(np.stack([label(u, w, k, z)[even], label(u, w, k + 1, z)[even]], 1))  # odd
    nodes = np.unique(internal) if fabric_only else np.arange(24 * m * m1)
    if fabric_only:
        pairs = [p[np.isin(p, nodes).all(axis=1)] for p in pairs]
    return _topology(nodes, pairs, f"pegasus{m}" + ("" if fabric_only else "_full"))


def zephyr_edges(m: int, t: int = 4) -> Topology:
    """The Zephyr graph Z(m, t) (see the module; the Advantage2 chips are Z(12, 4)).

    >>> zp = zephyr_edges(3)
    >>> zp.n, int(np.bincount(zp.edges.ravel()).max())
    (336, 20)
    """
    m = check_size(m, 1, "m", "topologies.zephyr_edges")
    t = check_size(t, 1, "t", "topologies.zephyr_edges")
    M = 2 * m + 1

    def label(u, w, k, j, z):
        return (((u * M + w) * t + k) * 2 + j) * m + z

    w, k, j, z = (x.ravel() for x in np.meshgrid(np.arange(M), np.arange(t), np.arange(2), np.arange(m),
                                                 indexing="ij"))
    # internal: vertical (w, j, z) meets the horizontal lines w2 = 2z + j + {0, 1}; on each, the qubits whose span
    # 2 z2 + j2 + {0, 1} holds w, i.e. 2 z2 + j2 = w - e for e in {0, 1}
    dw, k2, e = (x.ravel() for x in np.meshgrid(np.arange(2), np.arange(t), np.arange(2), indexing="ij"))
    w2 = 2 * z[:, None] + j[:, None] + dw
    q = w[:, None] - e
    ok = np.broadcast_to((q >= 0) & (q < 2 * m), w2.shape)
    q = np.broadcast_to(q, w2.shape)
    src = np.broadcast_to(label(0, w, k, j, z)[:, None], w2.shape)
    internal = np.stack([src[ok], label(1, w2, np.broadcast_to(k2, w2.shape), q % 2, q // 2)[ok]], 1)
    pairs = [internal]
    for u in (0, 1):
        last = z < m - 1
        pairs.append(np.stack([label(u, w, k, j, z)[last], label(u, w, k, j, z + 1)[last]], 1))  # external
        j0 = j == 0
        pairs.append(np.stack([label(u, w, k, 0, z)[j0], label(u, w, k, 1, z)[j0]], 1))  # odd: same span start
        j0 = j0 & (z > 0)
        pairs.append(np.stack([label(u, w, k, 0, z)[j0], label(u, w, k, 1, z - 1)[j0]], 1))  # odd: overlap by one
    return _topology(np.arange(4 * t * m * M), pairs, f"zephyr{m}" + ("" if t == 4 else f"_t{t}"))


def _instance(top: Topology, seed: int, couplings: str, where: str) -> Graph:
    w = draw_weights(np.random.default_rng(seed), len(top.edges), couplings, where=where)
    tag = "" if couplings == "pm" else f"_{couplings}"
    return Graph(top.n, top.edges, w, f"{top.name}{tag}_s{seed}")


def chimera(m: int = 16, *, t: int = 4, seed: int = 0, couplings: str = "pm") -> Graph:
    """A spin glass on Chimera C(m): +/-1 (``"pm"``) or N(0, 1) (``"gauss"``) weights on the edges of
    :func:`chimera_edges`, in its edge order.

    >>> g = chimera(2, couplings="gauss")
    >>> g.n, len(g.edges), g.name
    (32, 80, 'chimera2_gauss_s0')
    """
    return _instance(chimera_edges(m, t), seed, couplings, "topologies.chimera")


def pegasus(m: int = 16, *, seed: int = 0, couplings: str = "pm", fabric_only: bool = True) -> Graph:
    """A spin glass on Pegasus P(m) (the fabric by default): weights on the edges of :func:`pegasus_edges`.

    >>> pegasus(14).n
    4264
    """
    return _instance(pegasus_edges(m, fabric_only=fabric_only), seed, couplings, "topologies.pegasus")


def zephyr(m: int = 12, *, t: int = 4, seed: int = 0, couplings: str = "pm") -> Graph:
    """A spin glass on Zephyr Z(m, t): weights on the edges of :func:`zephyr_edges`.

    >>> zephyr(1).n
    48
    """
    return _instance(zephyr_edges(m, t), seed, couplings, "topologies.zephyr")
