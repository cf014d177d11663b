"""Graph colouring for chromatic (block) Gibbs sampling.

Spins of one colour class share no coupling, so their conditional distributions are independent given
the rest and a whole class can be updated at once: a sweep over the classes is an exact Gibbs sweep.
Classes are returned as a tuple of int32 numpy index arrays (their sizes are static shapes).
"""
from __future__ import annotations

import numpy as np

from circuits.model import ising


def _adjacency(model: ising.IsingModel) -> list[np.ndarray]:
    if ising.is_dense(model):
        J = np.asarray(model.J)
        return [np.flatnonzero(row) for row in J]
    nbr, w = np.asarray(model.nbr), np.asarray(model.w)
    return [nbr[i][w[i] != 0] for i in range(len(nbr))]


def greedy(model: ising.IsingModel, *, strategy: str = "largest_first", balance: bool = True
           ) -> tuple[np.ndarray, ...]:
    """Greedy colouring of the coupling graph (``J_ij != 0``).

    Args:
        model: the IsingModel.
        strategy: "largest_first" (Welsh-Powell order) or "bfs" (breadth-first order: two colours on
            bipartite graphs such as the even square torus).
        balance: move spins from large to small classes where no coupling forbids it, so that classes
            have nearly equal sizes (samplers pad classes to the largest one).

    Returns:
        Tuple of colour classes, each a sorted (k,) int32 array; every spin is in exactly one class.

    Example:
        >>> import networkx as nx
        >>> model, _ = ising.from_graph(nx.cycle_graph(4))
        >>> [c.tolist() for c in greedy(model, strategy="bfs")]
        [[0, 2], [1, 3]]
    """
    adj = _adjacency(model)
    n = len(adj)
    if strategy == "largest_first":
        order = np.argsort(-np.array([len(a) for a in adj]), kind="stable")
    elif strategy == "bfs":
        seen = np.zeros(n, bool)
        order = []
        for root in range(n):
            if seen[root]:
                continue
            seen[root] = True
            queue = [root]
            while queue:
                nxt = []
                for v in queue:
                    order.append(v)
                    for u in adj[v]:
                        if not seen[u]:
                            seen[u] = True
                            nxt.append(u)
                queue = nxt
    else:
        raise ValueError(f"coloring.greedy: argument 'strategy' must be 'largest_first' or 'bfs', got {strategy!r}")
    color = np.full(n, -1, np.int64)
    for v in order:
        used = set(color[adj[v]].tolist())
        c = 0
        while c in used:
            c += 1
        color[v] = c
    if balance:
        _balance(adj, color)
    classes = tuple(np.flatnonzero(color == c).astype(np.int32) for c in range(color.max() + 1))
    return validate(model, classes)


def _balance(adj, color) -> None:
    """Equalise class sizes in place by conflict-free moves from the largest to smaller classes."""
    n_colors = int(color.max()) + 1
    target = -(-len(color) // n_colors)
    sizes = np.bincount(color, minlength=n_colors)
    for c in np.argsort(-sizes):
        for v in np.flatnonzero(color == c):
            if sizes[c] <= target:
                break
            taken = set(color[adj[v]].tolist())
            for d in np.argsort(sizes):
                if sizes[d] >= target or d == c:
                    continue
                if d not in taken:
                    color[v] = d
                    sizes[c] -= 1
                    sizes[d] += 1
                    break


def padded(classes, n: int) -> np.ndarray:
    """Colour classes as one (n_colors, max_size) int32 array, padded with the out-of-range index n."""
    size = max(len(c) for c in classes)
    out = np.full((len(classes), size), n, np.int32)
    for k, c in enumerate(classes):
        out[k, :len(c)] = c
    return out


def partition(classes, n: int, where: str) -> tuple[np.ndarray, ...]:
    """``classes`` as int32 arrays, if they hold each of the n spins exactly once, else a ValueError that names a
    spin that is missing or repeated (shared by the pairwise and the higher-order colourings' checks)."""
    classes = tuple(np.asarray(c, dtype=np.int32).reshape(-1) for c in classes)
    every = np.concatenate(classes) if classes else np.zeros(0, np.int32)
    if len(every) != n or not np.array_equal(np.sort(every), np.arange(n)):
        counts = np.bincount(every[(every >= 0) & (every < n)], minlength=n)
        bad = np.flatnonzero(counts != 1)
        what = f"spin {bad[0]} appears {counts[bad[0]]} times" if len(bad) else "indices outside 0..n-1"
        raise ValueError(f"{where}: argument 'classes' must contain each of the {n} spins exactly once; {what}")
    return classes


def validate(model: ising.IsingModel, classes) -> tuple[np.ndarray, ...]:
    """Check that ``classes`` partition the spins and no coupled pair shares a class.

    Returns:
        The classes as a tuple of int32 arrays.

    Raises:
        ValueError: naming the offending spins.

    Example:
        >>> model = ising.from_dense([[0., 1.], [1., 0.]])
        >>> validate(model, [[0, 1]])
        Traceback (most recent call last):
        ...
        ValueError: coloring.validate: argument 'classes' puts coupled spins 0 and 1 (J = 1.0) in colour class 0; use coloring.greedy(model)
    """
    n = ising.n_spins(model)
    classes = partition(classes, n, "coloring.validate")
    color = np.empty(n, np.int64)
    for c, idx in enumerate(classes):
        color[idx] = c
    if ising.is_dense(model):
        J = np.asarray(model.J)
        i, j = np.nonzero(J)
        vals = J[i, j]
    else:
        nbr, w = np.asarray(model.nbr), np.asarray(model.w)
        i, k = np.nonzero(w)
        j, vals = nbr[i, k], w[i, k].astype(float)
    bad = np.flatnonzero(color[i] == color[j])
    if len(bad):
        a, b = sorted((int(i[bad[0]]), int(j[bad[0]])))
        raise ValueError(f"coloring.validate: argument 'classes' puts coupled spins {a} and {b} "
                         f"(J = {float(vals[bad[0]])}) in colour class {color[a]}; use coloring.greedy(model)")
    return classes
