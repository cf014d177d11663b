"""Generated benchmark instances: +/-J spin glasses on the 2D and 3D torus, and the complete +/-1 graph.

Each generator returns a :class:`circuits.problems.gset.Graph` of Max-Cut weights ``w`` (the rudy convention,
so that :func:`write` gives a file for ``pbits maxcut``). The spin glass with couplings ``J = -w`` has the
energy ``E(s) = -sum_{i<j} J_ij s_i s_j = sum_{i<j} w_ij s_i s_j = W - 2 cut(s)`` with ``W = sum w``
(:func:`glass_energy`); the +/-J distribution is symmetric, so ``w`` and ``J`` have the same statistics.

* :func:`torus2d`: the L x L square lattice with periodic boundaries, ``w = +/-1`` with probability 1/2
  (the 2D Edwards-Anderson glass; ground-state energy per spin about -1.40 for large L: Palmer & Adler,
  Int. J. Mod. Phys. C 10, 667 (1999)).
* :func:`ea3d`: the L x L x L cubic lattice with periodic boundaries (the 3D Edwards-Anderson glass;
  ground-state energy per spin about -1.79 for large L: Pal, Physica A 233, 60 (1996)).
* :func:`complete`: the complete graph on n vertices with ``w = +/-1`` (the Sherrington-Kirkpatrick model at
  J = 1; ``n = 2000`` has the statistics of the K2000 instance of Inagaki et al., Science 354, 603 (2016),
  not its exact couplings; ground-state energy per spin ``-0.7633 sqrt(n)`` for large n, Parisi).

Instances are reproducible from ``seed`` (numpy's PCG64).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from circuits.problems.gset import Graph


def _signs(rng: np.random.Generator, m: int) -> np.ndarray:
    return np.where(rng.random(m) < 0.5, -1.0, 1.0)


def _check_size(value, least: int, name: str, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ValueError(f"{where}: argument '{name}' must be an integer >= {least}, got {value!r}")
    return int(value)


def _lattice(L: int, dims: int, seed: int, name: str) -> Graph:
    """The periodic hypercubic lattice L^dims with +/-1 weights: each vertex joined to its next neighbour along
    every axis (dims L^dims edges; vertex index in C order of the coordinates)."""
    L = _check_size(L, 3, "L", f"instances.{name}")
    i = np.arange(L ** dims).reshape((L,) * dims)
    edges = np.concatenate([np.stack([i.ravel(), np.roll(i, -1, axis=a).ravel()], 1) for a in range(dims)])
    return Graph(L ** dims, edges.astype(np.int64), _signs(np.random.default_rng(seed), len(edges)),
                 f"{name}_L{L}_s{seed}")


def torus2d(L: int = 100, *, seed: int = 0) -> Graph:
    """The L x L periodic square lattice with +/-1 weights (2 L^2 edges; vertex ``x * L + y``).

    >>> g = torus2d(4, seed=1)
    >>> g.n, len(g.edges), sorted(set(g.weights.tolist()))
    (16, 32, [-1.0, 1.0])
    """
    return _lattice(L, 2, seed, "torus2d")


def ea3d(L: int = 16, *, seed: int = 0) -> Graph:
    """The L x L x L periodic cubic lattice with +/-1 weights (3 L^3 edges).

    >>> g = ea3d(3)
    >>> g.n, len(g.edges)
    (27, 81)
    """
    return _lattice(L, 3, seed, "ea3d")


def complete(n: int = 2000, *, seed: int = 0) -> Graph:
    """The complete graph K_n with +/-1 weights (n (n - 1) / 2 edges).

    >>> g = complete(5)
    >>> g.n, len(g.edges)
    (5, 10)
    """
    n = _check_size(n, 2, "n", "instances.complete")
    a, b = np.triu_indices(n, 1)
    return Graph(n, np.stack([a, b], 1).astype(np.int64), _signs(np.random.default_rng(seed), len(a)),
                 f"K{n}_s{seed}")


def glass_energy(graph: Graph, cut) -> float:
    """The spin-glass energy ``E = W - 2 cut`` of a cut of ``graph`` (couplings ``J = -w``; see the module)."""
    return float(np.sum(graph.weights)) - 2.0 * float(cut)


def write(graph: Graph, path) -> Path:
    """Write ``graph`` as a rudy/G-set file (1-based vertices) that :func:`circuits.problems.gset.read` reads."""
    path = Path(path)
    lines = [f"{graph.n} {len(graph.edges)}"]
    lines += [f"{i + 1} {j + 1} {w:g}" for (i, j), w in zip(graph.edges.tolist(), graph.weights.tolist())]
    path.write_text("\n".join(lines) + "\n")
    return path
