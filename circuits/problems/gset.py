"""Read G-set / rudy Max-Cut files and look up best-known cuts.

Rudy format: a header line ``n m``, then ``m`` lines ``i j w`` with 1-based vertices ``1 <= i, j <= n``,
``i != j`` and a numeric weight ``w``. Lines that start with ``#`` are comments (``pbits instance`` writes one
that says how the instance was made) and are skipped wherever they stand. Errors name the file and the line.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

import numpy as np


class Graph(NamedTuple):
    """A weighted undirected graph as arrays.

    Attributes:
        n: number of vertices.
        edges: (m, 2) int64 0-based endpoints.
        weights: (m,) float64 edge weights.
        name: file stem, e.g. "G1".
    """

    n: int
    edges: np.ndarray
    weights: np.ndarray
    name: str


def read(path) -> Graph:
    """Read a G-set/rudy file.

    Args:
        path: path to the file (e.g. ``shared/gset/G1.txt``).

    Returns:
        The Graph (0-based edges).

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: on a bad header, a vertex out of range, a missing weight, a self-loop, a duplicate
            edge or a wrong edge count, naming the file and line.

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "tri.txt")
        >>> _ = open(p, "w").write("3 3\\n1 2 1\\n2 3 1\\n1 3 -1\\n")
        >>> read(p).edges.tolist()
        [[0, 1], [1, 2], [0, 2]]
        >>> _ = open(p, "w").write("# a triangle\\n3 1\\n1 2 0.5\\n")
        >>> read(p).weights.tolist()
        [0.5]
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"gset.read: '{path}' is a folder; give the path of a G-set/rudy file in it")
    if not path.is_file():
        raise FileNotFoundError(f"gset.read: no such file '{path}'")
    try:
        with open(path, "r", encoding="utf-8-sig") as f:
            lines = f.read().splitlines()
    except UnicodeDecodeError as err:
        raise ValueError(f"gset.read: '{path.name}' is not a text file in UTF-8/ASCII (byte {err.start}: "
                         f"{err.reason}); save it as plain text with lines 'n m' and 'i j w'") from None
    numbered = [(k + 1, ln) for k, ln in enumerate(lines) if not ln.lstrip().startswith("#")]
    n, m = _header(numbered, path)
    body = [(k, ln) for k, ln in numbered[1:] if ln.strip()]
    if len(body) != m:
        raise ValueError(f"gset.read: '{path.name}' header says m = {m} edges but the file has {len(body)} edge lines")
    edges = np.empty((m, 2), np.int64)
    weights = np.empty(m, np.float64)
    seen = set()
    for k, (lineno, ln) in enumerate(body):
        i, j, w = _edge(ln, n, f"gset.read: line {lineno} of '{path.name}'")
        pair = (min(i, j), max(i, j))
        if pair in seen:
            raise ValueError(f"gset.read: line {lineno} of '{path.name}': duplicate edge {ln.strip()!r}; merge it with "
                             "the earlier line")
        seen.add(pair)
        edges[k] = (i - 1, j - 1)
        weights[k] = w
    return Graph(n=n, edges=edges, weights=weights, name=path.stem)


def _header(numbered: list, path: Path) -> tuple[int, int]:
    """``(n, m)`` from the first ``(line number, text)`` that is not a comment, or a ValueError naming the file."""
    lineno, text = numbered[0] if numbered else (1, "")
    try:
        n, m = (int(x) for x in text.split())
        if n < 1 or m < 0:
            raise ValueError
    except ValueError:
        raise ValueError(f"gset.read: line {lineno} of '{path.name}': expected a header 'n m' with two non-negative "
                         f"integers, got {text!r}") from None
    return n, m


def _edge(ln: str, n: int, at: str) -> tuple[int, int, float]:
    """``(i, j, w)`` (1-based) of one edge line, or a ValueError naming the line."""
    parts = ln.split()
    if len(parts) != 3:
        raise ValueError(f"{at}: expected 'i j w' with 1 <= i, j <= {n}, got {ln.strip()!r}"
                         + (" (missing weight)" if len(parts) == 2 else ""))
    try:
        i, j = int(parts[0]), int(parts[1])
        w = float(parts[2])
    except ValueError:
        raise ValueError(f"{at}: expected 'i j w' with integers i, j and a number w, got {ln.strip()!r}") from None
    if not (1 <= i <= n and 1 <= j <= n):
        raise ValueError(f"{at}: expected 'i j w' with 1 <= i, j <= {n}, got {ln.strip()!r} (vertex out of range)")
    if i == j:
        raise ValueError(f"{at}: self-loop {ln.strip()!r}; Max-Cut ignores self-loops, remove the line")
    if not np.isfinite(w):
        raise ValueError(f"{at}: weight is not finite in {ln.strip()!r}")
    return i, j, w


def best_known(name: str, csv_path) -> int | None:
    """Best-known cut of a G-set graph from a ``best_known.csv`` file (columns ``instance, best_known``).

    Args:
        name: graph name such as "G1" (a file stem).
        csv_path: path to ``best_known.csv``; a missing file gives None.

    Returns:
        The best-known cut, or None when the file or the graph is unknown.

    Example:
        >>> best_known("G1", "/nonexistent/best_known.csv") is None
        True
    """
    p = Path(csv_path)
    if not p.is_file():
        return None
    with open(p, newline="") as f:
        for row in csv.DictReader(f):
            if row.get("instance") == name:
                return int(float(row["best_known"]))
    return None


def random_graph(n: int = 800, density: float = 0.06, *, seed: int = 0) -> Graph:
    """A G-set-like random graph (unit weights, Erdos-Renyi with edge probability ``density``).

    G1..G5 have n = 800 and density 6 %; this is the built-in instance of ``pbits maxcut``.

    Args:
        n: number of vertices.
        density: probability of each edge.
        seed: numpy seed (fixed default, so the instance is always the same).

    Returns:
        The Graph, named ``"random{n}-{seed}"``.

    Example:
        >>> random_graph(10, 0.5, seed=1).n
        10
    """
    rng = np.random.default_rng(seed)
    i, j = np.triu_indices(n, 1)
    keep = rng.random(len(i)) < density
    edges = np.stack([i[keep], j[keep]], 1).astype(np.int64)
    return Graph(n=n, edges=edges, weights=np.ones(len(edges)), name=f"random{n}-{seed}")
