"""Generated benchmark instances: Edwards-Anderson glasses on the 2D and 3D torus, the complete graph (the
Sherrington-Kirkpatrick model) and random d-regular graphs, with +/-1 or Gaussian couplings.

Each generator returns a :class:`circuits.problems.gset.Graph` of Max-Cut weights ``w`` (the rudy convention,
so that :func:`write` gives a file for ``pbits maxcut``). The spin glass with couplings ``J = -w`` has the
energy ``E(s) = -sum_{i<j} J_ij s_i s_j = sum_{i<j} w_ij s_i s_j = W - 2 cut(s)`` with ``W = sum w``
(:func:`energy`, :func:`glass_energy`). Both coupling laws are symmetric, so ``w`` and ``J`` have the same
statistics: ``couplings="pm"`` draws ``w = +/-1`` with probability 1/2 each, ``couplings="gauss"`` draws
``w ~ N(0, 1)`` (mean 0, variance 1), and, for :func:`regular` only, ``couplings="unit"`` sets ``w = 1`` (the
unweighted Max-Cut problem, an antiferromagnet ``J = -1``).

* :func:`torus2d`: the L x L square lattice with periodic boundaries (the 2D Edwards-Anderson glass, Edwards &
  Anderson, J. Phys. F 5, 965 (1975); +/-J ground-state energy per spin about -1.40 for large L: Palmer & Adler,
  Int. J. Mod. Phys. C 10, 667 (1999); Gaussian about -1.315: Hartmann & Young, Phys. Rev. B 64, 180404 (2001)).
* :func:`ea3d`: the L x L x L cubic lattice with periodic boundaries (the 3D Edwards-Anderson glass; +/-J
  ground-state energy per spin about -1.79 for large L: Pal, Physica A 233, 60 (1996)).
* :func:`complete`: the complete graph on n vertices (the Sherrington-Kirkpatrick model, Phys. Rev. Lett. 35,
  1792 (1975), with unscaled couplings; ``n = 2000`` with +/-1 has the statistics of the K2000 instance of
  Inagaki et al., Science 354, 603 (2016), not its exact couplings; ground-state energy ``-0.7633 n^(3/2)`` for
  large n, Parisi).
* :func:`regular`: a random d-regular graph drawn by the algorithm of Steger & Wormald, Combin. Probab. Comput.
  8, 377 (1999) (asymptotically uniform for fixed d).

Instances are reproducible from ``seed`` (numpy's PCG64). The Chimera, Pegasus and Zephyr graphs are in
:mod:`circuits.problems.topologies`, instances with a known ground state in :mod:`circuits.problems.planted`;
``docs/instances.md`` describes them all.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from circuits.problems.gset import Graph

COUPLINGS = ("pm", "gauss")  # the coupling laws every generator offers; regular() adds "unit"


def _signs(rng: np.random.Generator, m: int) -> np.ndarray:
    return np.where(rng.random(m) < 0.5, -1.0, 1.0)


def draw_weights(rng: np.random.Generator, m: int, couplings: str = "pm", *, where: str = "instances",
                 allowed: tuple = COUPLINGS) -> np.ndarray:
    """``m`` Max-Cut weights from ``rng``: ``"pm"`` +/-1 with probability 1/2, ``"gauss"`` N(0, 1), ``"unit"`` 1.

    Example:
        >>> draw_weights(np.random.default_rng(0), 3, "unit", allowed=("unit",)).tolist()
        [1.0, 1.0, 1.0]
    """
    check_couplings(couplings, where, allowed)
    if couplings == "pm":
        return _signs(rng, m)
    if couplings == "gauss":
        return rng.standard_normal(m)
    return np.ones(m)


def check_couplings(couplings: str, where: str, allowed: tuple = COUPLINGS) -> str:
    """``couplings`` if it is one of ``allowed``, else a ValueError naming the choices."""
    if couplings not in allowed:
        raise ValueError(f"{where}: couplings must be one of {', '.join(map(repr, allowed))}, got {couplings!r}")
    return couplings


def check_size(value, least: int, name: str, where: str) -> int:
    """``value`` as an int if it is an integer >= ``least``, else a ValueError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < least:
        raise ValueError(f"{where}: argument '{name}' must be an integer >= {least}, got {value!r}")
    return int(value)


def _tag(couplings: str) -> str:
    """The part of an instance name that says the coupling law (none for +/-1, the historical names)."""
    return "" if couplings == "pm" else f"_{couplings}"


def _lattice(L: int, dims: int, seed: int, name: str, couplings: str) -> Graph:
    """The periodic hypercubic lattice L^dims: each vertex joined to its next neighbour along every axis
    (dims L^dims edges; vertex index in C order of the coordinates)."""
    L = check_size(L, 3, "L", f"instances.{name}")  # L = 2 would join each pair twice
    i = np.arange(L ** dims).reshape((L,) * dims)
    edges = np.concatenate([np.stack([i.ravel(), np.roll(i, -1, axis=a).ravel()], 1) for a in range(dims)])
    w = draw_weights(np.random.default_rng(seed), len(edges), couplings, where=f"instances.{name}")
    return Graph(L ** dims, edges.astype(np.int64), w, f"{name}{_tag(couplings)}_L{L}_s{seed}")


def torus2d(L: int = 100, *, seed: int = 0, couplings: str = "pm") -> Graph:
    """The L x L periodic square lattice (2 L^2 edges; vertex ``x * L + y``; first the L^2 edges
    ``(x, y)-(x + 1, y)``, then the L^2 edges ``(x, y)-(x, y + 1)``, coordinates mod L).

    >>> g = torus2d(4, seed=1)
    >>> g.n, len(g.edges), sorted(set(g.weights.tolist()))
    (16, 32, [-1.0, 1.0])
    """
    return _lattice(L, 2, seed, "torus2d", couplings)


def ea3d(L: int = 16, *, seed: int = 0, couplings: str = "pm") -> Graph:
    """The L x L x L periodic cubic lattice (3 L^3 edges; vertex ``(x * L + y) * L + z``).

    >>> g = ea3d(3, couplings="gauss")
    >>> g.n, len(g.edges), g.name
    (27, 81, 'ea3d_gauss_L3_s0')
    """
    return _lattice(L, 3, seed, "ea3d", couplings)


def complete(n: int = 2000, *, seed: int = 0, couplings: str = "pm") -> Graph:
    """The complete graph K_n (n (n - 1) / 2 edges, in the order of ``numpy.triu_indices(n, 1)``).

    >>> g = complete(5)
    >>> g.n, len(g.edges)
    (5, 10)
    """
    n = check_size(n, 2, "n", "instances.complete")
    a, b = np.triu_indices(n, 1)
    w = draw_weights(np.random.default_rng(seed), len(a), couplings, where="instances.complete")
    return Graph(n, np.stack([a, b], 1).astype(np.int64), w, f"K{n}{_tag(couplings)}_s{seed}")


def regular(n: int = 1000, d: int = 3, *, seed: int = 0, couplings: str = "pm") -> Graph:
    """A random d-regular graph on n vertices (n d / 2 edges, sorted, ``i < j``; ``n d`` must be even).

    The edges come first from the generator, then the weights (``couplings="unit"`` for unweighted Max-Cut).

    >>> g = regular(10, 3, seed=2, couplings="unit")
    >>> len(g.edges), np.bincount(g.edges.ravel()).tolist() == [3] * 10, g.name
    (15, True, 'regular3_unit_n10_s2')
    """
    n = check_size(n, 2, "n", "instances.regular")
    d = check_size(d, 1, "d", "instances.regular")
    if d >= n or (n * d) % 2:
        raise ValueError(f"instances.regular: a {d}-regular graph on n = {n} vertices needs d < n and n d even; "
                         f"change n or d")
    check_couplings(couplings, "instances.regular", COUPLINGS + ("unit",))
    rng = np.random.default_rng(seed)
    edges = regular_edges(n, d, rng)
    w = draw_weights(rng, len(edges), couplings, where="instances.regular", allowed=COUPLINGS + ("unit",))
    return Graph(n, edges, w, f"regular{d}{_tag(couplings)}_n{n}_s{seed}")


def regular_edges(n: int, d: int, rng: np.random.Generator, *, max_restarts: int = 1000) -> np.ndarray:
    """The (n d / 2, 2) sorted edges of a random simple d-regular graph (Steger & Wormald 1999).

    The n d half-edges ("points", d per vertex) are paired one pair at a time: a pair of unpaired points is drawn
    uniformly and kept if it joins two different vertices not yet joined; when no such pair is left the pairing
    starts again. (The plain configuration model would reject whole pairings, which for d = 10 almost never
    come out simple.)

    >>> e = regular_edges(8, 3, np.random.default_rng(1))
    >>> e.shape, np.bincount(e.ravel()).tolist()
    ((12, 2), [3, 3, 3, 3, 3, 3, 3, 3])
    """
    for _ in range(max_restarts):
        edges = _pairing(n, d, rng)
        if edges is not None:
            return edges
    raise RuntimeError(f"instances.regular_edges: no simple {d}-regular graph on {n} vertices after {max_restarts} "
                       "restarts; d is too close to n for this generator")


def _pairing(n: int, d: int, rng: np.random.Generator) -> np.ndarray | None:
    """One Steger-Wormald pairing, or None when it got stuck."""
    points = np.repeat(np.arange(n, dtype=np.int64), d)
    k, seen, out = len(points), set(), []
    fails, u01 = 0, rng.random(4096)
    at = 0
    while k:
        if at + 2 > len(u01):
            u01, at = rng.random(4096), 0
        a, b = int(u01[at] * k), int(u01[at + 1] * k)
        at += 2
        u, v = int(points[a]), int(points[b])
        pair = (min(u, v), max(u, v))
        if u == v or pair in seen:
            fails += 1
            if fails > 64:  # perhaps stuck: look once, then draw another 64 times before looking again
                if not _pair_left(points[:k], seen):
                    return None
                fails = 0
            continue
        fails = 0
        seen.add(pair)
        out.append(pair)
        hi, lo = max(a, b), min(a, b)  # remove both points: the higher index first
        points[hi] = points[k - 1]
        points[lo] = points[k - 2]
        k -= 2
    return np.array(sorted(out), np.int64).reshape(-1, 2)


def _pair_left(points: np.ndarray, seen: set) -> bool:
    """Whether two of the unpaired points may still be joined (different vertices, no edge yet)."""
    left = np.unique(points).tolist()
    return any((u, v) not in seen for x, u in enumerate(left) for v in left[x + 1:])


def energy(graph: Graph, spins) -> np.ndarray:
    """The spin-glass energy ``E(s) = sum_{i<j} w_ij s_i s_j`` (couplings ``J = -w``) in float64.

    Args:
        graph: the Graph.
        spins: (..., n) spins +/-1.

    Returns:
        (...,) energies (a 0-d array for one state).

    Example:
        >>> float(energy(complete(3)._replace(weights=np.ones(3)), [1, -1, 1]))
        -1.0
    """
    s = np.asarray(spins)
    if s.ndim < 1 or s.shape[-1] != graph.n:
        raise ValueError(f"instances.energy: spins must have shape (..., {graph.n}) for this graph, got {s.shape}")
    if not np.all(np.abs(s) == 1):
        raise ValueError("instances.energy: spins must be +/-1; convert 0/1 bits with 2 * x - 1")
    s = s.astype(np.float64)
    i, j = np.asarray(graph.edges).T
    return (s[..., i] * s[..., j]) @ np.asarray(graph.weights, np.float64)


def glass_energy(graph: Graph, cut) -> float:
    """The spin-glass energy ``E = W - 2 cut`` of a cut of ``graph`` (couplings ``J = -w``; see the module)."""
    return float(np.sum(graph.weights)) - 2.0 * float(cut)


def _number(w: float) -> str:
    """A weight as short text that reads back to the same float64: ``1``, ``-1``, ``0.5``, else ``repr``."""
    short = f"{w:g}"
    return short if float(short) == w else repr(float(w))


def write(graph: Graph, path, *, comment: str | None = None) -> Path:
    """Write ``graph`` as a rudy/G-set file (1-based vertices) that :func:`circuits.problems.gset.read` reads.

    Weights are written so that they read back exactly (``1``, ``-1`` for +/-1; 17 digits for Gaussian ones).

    Args:
        graph: the Graph.
        path: the file to write.
        comment: text for ``#`` comment lines before the header (one per line of text), e.g. how the instance
            was made; :func:`circuits.problems.gset.read` skips them.

    Returns:
        The path.
    """
    path = Path(path)
    lines = [f"# {ln}".rstrip() for ln in comment.splitlines()] if comment else []
    lines.append(f"{graph.n} {len(graph.edges)}")
    lines += [f"{i + 1} {j + 1} {_number(w)}" for (i, j), w in zip(graph.edges.tolist(), graph.weights.tolist())]
    path.write_text("\n".join(lines) + "\n")
    return path
