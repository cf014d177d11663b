"""Spin glasses with a planted ground state: the instance comes with its exact ground-state energy, a ground state
and so the maximum cut, which turns a heuristic's best cut into a known residual.

Conventions as in :mod:`circuits.problems.instances`: the Graph holds Max-Cut weights ``w = -J``, the energy is
``E(s) = sum_{i<j} w_ij s_i s_j = W - 2 cut(s)``, so the ground-state energy ``E0`` and the maximum cut
``(W - E0) / 2`` say the same thing.

* :func:`tile` — tile planting on the L x L periodic square lattice (Hamze et al., Phys. Rev. E 97, 043303
  (2018); Perera, Hamze, Raymond, Weigel & Katzgraber, Phys. Rev. E 101, 023316 (2020)). The plaquettes of one
  colour of the checkerboard are edge-disjoint and hold every edge once (L even), so the energy is a sum of
  independent 4-cycle *tiles*. Each tile is frustrated (one antiferromagnetic bond) and has the ferromagnetic
  state among its ground states: its four bonds are ferromagnetic of strength 2 except ``c`` weak ones of
  strength 1, one of which is antiferromagnetic (J = -1). A tile of class ``c`` (1 to 4) has c ground states up
  to a global flip (breaking any one weak bond costs the least), and ``J`` sums to ``6 - c`` over it. The
  all-up state minimises every tile at once, so it is a ground state of the whole, with
  ``E0 = -sum_tiles (6 - c)``. The classes are drawn with probabilities ``p1, p2, p3`` and
  ``p4 = 1 - p1 - p2 - p3``; which bonds are weak, and which weak one is antiferromagnetic, is uniform.
* :func:`wishart` — the Wishart planted ensemble (Hamze, Raymond, Pattison, Biswas & Katzgraber, Phys. Rev. E
  101, 052102 (2020)): ``M = alpha n`` Gaussian columns ``w_mu ~ N(0, n/(n-1) (I - t t^T / n))``, orthogonal
  to the planted state ``t``, make ``J = -(1/n) W W^T`` with its diagonal dropped. ``-J`` is positive
  semi-definite with ``t`` in its null space, so ``t`` minimises ``s^T (-J) s`` and
  ``E0 = -||W||_F^2 / (2 n)`` (the dropped diagonal). Dense (all pairs coupled); hardness has an easy-hard-easy
  profile in alpha, hardest at alpha well below 1; at alpha >= 1 the problem is easy.

* :func:`loops` (and :func:`loops3d`, on the L x L x L cubic torus) — frustrated-loop planting on any graph
  (Hen, Job, Albash, Ronnow, Troyer & Lidar, Phys. Rev. A 92, 042325 (2015)): ``M = alpha n`` random cycles of
  the graph, each ferromagnetic (J = +1) on all its edges but one, which is antiferromagnetic (J = -1). A
  frustrated cycle of length l has energy at least ``-(l - 2)`` (one bond at least is broken) and the all-up
  state reaches that on every cycle at once, so the sum has ``E0 = -sum_cycles (l - 2)``. A cycle is the loop a
  non-backtracking random walk closes when it first returns to a vertex of its own path (the path before that
  vertex is dropped); cycles shorter than ``min_length`` or that would push a coupling past ``max_coupling`` are
  drawn again (the coupling range of Hen et al.). Edges that no cycle uses (or whose contributions cancel) are left
  out.

With ``gauge=True`` (the default) the instance is gauge-transformed by a random spin flip ``g``
(``w_ij -> g_i w_ij g_j``), which keeps the spectrum and moves the ground state from all-up to ``g``, so a solver
cannot find it by looking for all-up. The couplings come from one random stream and ``g`` from another, so the
same seed with and without the gauge gives the same instance up to the transform.
"""
from __future__ import annotations

from typing import NamedTuple

import networkx as nx
import numpy as np

from circuits.problems import instances
from circuits.problems.gset import Graph
from circuits.problems.instances import check_size


class Planted(NamedTuple):
    """An instance with a known ground state.

    Attributes:
        graph: the Graph of Max-Cut weights ``w = -J``.
        ground_energy: ``E0 = min_s sum_{i<j} w_ij s_i s_j`` (the energy of ``planted_spins``).
        planted_spins: (n,) int8 +/-1, a ground state (all +1 without the gauge transform).
        optimal_cut: the maximum cut ``(W - E0) / 2``.
    """

    graph: Graph
    ground_energy: float
    planted_spins: np.ndarray
    optimal_cut: float


def gauge(graph: Graph, spins) -> Graph:
    """The gauge transform ``w_ij -> s_i w_ij s_j`` by +/-1 ``spins``: ``E'(s s') = E(s')`` for every state s',
    so the spectrum is the same and a ground state ``g`` of ``graph`` becomes ``spins * g``.

    >>> g = instances.complete(3)._replace(weights=np.ones(3))
    >>> gauge(g, [1, -1, 1]).weights.tolist()
    [-1.0, 1.0, -1.0]
    """
    s = np.asarray(spins)
    if s.shape != (graph.n,) or not np.all(np.abs(s) == 1):
        raise ValueError(f"planted.gauge: spins must be {graph.n} values +/-1, got shape {s.shape}")
    i, j = np.asarray(graph.edges).T
    return graph._replace(weights=np.asarray(graph.weights, np.float64) * s[i] * s[j])


def _streams(seed: int) -> tuple[np.random.Generator, np.random.Generator]:
    """Independent PCG64 streams for the couplings and the gauge spins."""
    a, b = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(a), np.random.default_rng(b)


def _plant(graph: Graph, rng_gauge: np.random.Generator, use_gauge: bool) -> Planted:
    """Gauge ``graph`` (whose ground state is all-up) and report its ground state, energy and maximum cut."""
    spins = np.where(rng_gauge.random(graph.n) < 0.5, -1, 1).astype(np.int8) if use_gauge \
        else np.ones(graph.n, np.int8)
    g = gauge(graph, spins)
    e0 = float(instances.energy(g, spins))
    return Planted(g, e0, spins, (float(np.sum(g.weights)) - e0) / 2)


def tile(L: int = 32, *, probabilities=(0.25, 0.25, 0.25), seed: int = 0, gauge: bool = True) -> Planted:
    """A tile-planted spin glass on the L x L periodic square lattice (see the module).

    The Graph has the vertices and edges of :func:`circuits.problems.instances.torus2d` (same order) and integer
    weights ``w = -J``, in {-2, -1, 1} before the gauge transform (which flips some of their signs).

    Args:
        L: side, even and >= 4.
        probabilities: ``(p1, p2, p3)``, the probabilities of tiles with 1, 2, 3 ground states (up to a flip);
            the rest, ``p4 = 1 - p1 - p2 - p3``, go to tiles with 4. The default is uniform, not a hardness peak;
            Perera et al. (2020) map the hardness over this simplex.
        seed: numpy seed.
        gauge: hide the ground state behind a random gauge transform.

    Returns:
        The :class:`Planted` instance.

    Example:
        >>> p = tile(4, seed=1, gauge=False)
        >>> p.graph.n, len(p.graph.edges), p.planted_spins.tolist() == [1] * 16
        (16, 32, True)
        >>> p.ground_energy == float(instances.energy(p.graph, p.planted_spins))
        True
    """
    L = check_size(L, 4, "L", "planted.tile")
    if L % 2:
        raise ValueError(f"planted.tile: L must be even (the checkerboard of tiles must close around the torus), "
                         f"got {L}; use {L + 1}")
    p = _class_probabilities(probabilities)
    rng, rng_gauge = _streams(seed)
    x, y = (a.ravel() for a in np.meshgrid(np.arange(L), np.arange(L), indexing="ij"))
    x, y = x[(x + y) % 2 == 0], y[(x + y) % 2 == 0]  # one colour of the checkerboard: L^2 / 2 tiles

    def v(a, b):
        return (a % L) * L + b % L

    # the tile's bonds around the cycle, as indices into the torus2d edge list (axis-0 edges, then axis-1)
    bonds = np.stack([v(x, y), L * L + v(x + 1, y), v(x, y + 1), L * L + v(x, y)], 1)
    c = rng.choice(4, size=len(x), p=p) + 1               # tile class: number of weak bonds
    rank = np.argsort(np.argsort(rng.random((len(x), 4)), axis=1), axis=1)  # a uniform order of the 4 bonds
    J = np.where(rank < c[:, None], 1.0, 2.0)             # the first c bonds in that order are weak ...
    J[rank == 0] = -1.0                                   # ... and the first is antiferromagnetic
    w = np.zeros(2 * L * L)
    w[bonds.ravel()] = -J.ravel()
    base = instances.torus2d(L)
    graph = base._replace(weights=w, name=f"tile_L{L}_s{seed}")
    return _plant(graph, rng_gauge, gauge)


def _check_alpha(alpha, where: str, meaning: str) -> None:
    """A ValueError unless ``alpha`` is a finite real number > 0 (not a bool)."""
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.floating, np.integer)) \
            or not np.isfinite(alpha) or alpha <= 0:
        raise ValueError(f"{where}: alpha ({meaning}) must be a finite number > 0, got {alpha!r}")


def _class_probabilities(probabilities) -> np.ndarray:
    """``(p1, p2, p3, p4)`` from ``(p1, p2, p3)``, or a ValueError saying what is wrong."""
    p = np.asarray(probabilities, np.float64).ravel()
    if p.shape != (3,) or not np.all(np.isfinite(p)) or np.any(p < 0) or p.sum() > 1 + 1e-12:
        raise ValueError(f"planted.tile: probabilities must be three numbers p1, p2, p3 >= 0 with p1 + p2 + p3 <= 1 "
                         f"(p4 = 1 - p1 - p2 - p3), got {list(np.atleast_1d(probabilities))}")
    return np.append(p, max(0.0, 1.0 - p.sum())) / max(1.0, p.sum())


def wishart(n: int = 64, *, alpha: float = 0.5, seed: int = 0, gauge: bool = True) -> Planted:
    """A Wishart-planted spin glass on the complete graph K_n (see the module).

    The Max-Cut weights are ``w_ij = (1/n) (W W^T)_ij`` for ``i < j``, in the edge order of
    :func:`circuits.problems.instances.complete`. ``E0`` is the energy of the planted state computed from these
    float64 weights; the exact value ``-||W||_F^2 / (2 n)`` differs from it by rounding only.

    Args:
        n: number of spins, >= 2.
        alpha: ``M / n``, the number of columns of W per spin (``M = max(1, round(alpha n))``), > 0. Very small
            alpha (about 0.1 and below) brings other states within float64 rounding of ``E0`` (Hamze et al. discuss
            this precision effect); use larger alpha when the planted state must be the unique minimum.
        seed: numpy seed.
        gauge: hide the ground state behind a random gauge transform.

    Returns:
        The :class:`Planted` instance.

    Example:
        >>> p = wishart(8, alpha=0.5, seed=3)
        >>> len(p.graph.edges), p.ground_energy < 0, p.planted_spins.shape
        (28, True, (8,))
    """
    n = check_size(n, 2, "n", "planted.wishart")
    _check_alpha(alpha, "planted.wishart", "columns per spin, M / n")
    M = max(1, int(round(alpha * n)))
    rng, rng_gauge = _streams(seed)
    Z = rng.standard_normal((n, M))
    W = np.sqrt(n / (n - 1)) * (Z - Z.mean(axis=0))  # project each column onto the plane orthogonal to all-up
    C = W @ W.T / n
    a, b = np.triu_indices(n, 1)
    graph = Graph(n, np.stack([a, b], 1).astype(np.int64), C[a, b], f"wishart_n{n}_a{alpha:g}_s{seed}")
    return _plant(graph, rng_gauge, gauge)


def loops(base: Graph, *, alpha: float = 0.1, min_length: int = 6, max_coupling: int = 3, seed: int = 0,
          gauge: bool = True) -> Planted:
    """A frustrated-loop planted spin glass on the edges of ``base`` (see the module).

    Args:
        base: the graph whose edges the cycles run on (its weights are ignored).
        alpha: cycles per vertex, ``M = max(1, round(alpha n))``, > 0. Hardness is easy-hard-easy in alpha; the
            default 0.1 is the peak measured on the L = 8 cubic torus (docs/instances.md).
        min_length: the shortest cycle kept (>= 3; 6 leaves out the plaquettes of square and cubic lattices).
        max_coupling: the largest ``|J_ij|`` a sum of cycles may reach (>= 1).
        seed: numpy seed.
        gauge: hide the ground state behind a random gauge transform.

    Returns:
        The :class:`Planted` instance; its graph keeps the edges of ``base`` with a non-zero coupling, in their
        order, with integer weights ``w = -J``.

    Example:
        >>> p = loops(instances.ea3d(4), alpha=0.5, seed=1, gauge=False)
        >>> p.ground_energy == float(instances.energy(p.graph, p.planted_spins)), p.ground_energy < 0
        (True, True)
    """
    return _loops(base, f"loops_{base.name}", alpha, min_length, max_coupling, seed, gauge)


def _loops(base: Graph, label: str, alpha, min_length, max_coupling, seed, gauge) -> Planted:
    """:func:`loops`, its graph named ``label`` followed by the parameters."""
    n = int(base.n)
    _check_alpha(alpha, "planted.loops", "cycles per vertex")
    min_length = check_size(min_length, 3, "min_length", "planted.loops")
    max_coupling = check_size(max_coupling, 1, "max_coupling", "planted.loops")
    edges = np.asarray(base.edges, np.int64).reshape(-1, 2)
    nbrs = [[] for _ in range(n)]  # (neighbour, edge index)
    for e, (a, b) in enumerate(edges.tolist()):
        if a != b:
            nbrs[a].append((b, e))
            nbrs[b].append((a, e))
    simple = nx.Graph()
    simple.add_nodes_from(range(n))
    simple.add_edges_from((a, b) for a, b in edges.tolist() if a != b)  # a self-loop is no cycle the walk takes
    if nx.is_forest(simple):
        raise ValueError(f"planted.loops: the graph {base.name!r} is a forest: it has no cycles to plant on; use a "
                         "lattice or another graph with cycles")
    rng, rng_gauge = _streams(seed)
    J, _ = _place_cycles(nbrs, len(edges), max(1, int(round(alpha * n))), min_length, max_coupling, rng, base.name)
    keep = J != 0
    tag = "" if (min_length, max_coupling) == (6, 3) else f"_l{min_length}_J{max_coupling}"
    graph = Graph(n, edges[keep], -J[keep].astype(np.float64), f"{label}_a{alpha:g}{tag}_s{seed}")
    return _plant(graph, rng_gauge, gauge)


def _place_cycles(nbrs, n_edges: int, want: int, min_length: int, max_coupling: int, rng: np.random.Generator,
                  name: str) -> tuple[np.ndarray, list]:
    """``(J, lengths)``: the summed couplings of ``want`` frustrated cycles (each +1 on its edges but one, -1 there)
    and the length of every cycle kept, so that ``E0 = -sum(l - 2)``."""
    n = len(nbrs)
    J = np.zeros(n_edges, np.int64)
    lengths, tries = [], 0
    while len(lengths) < want:
        tries += 1
        if tries > 200 * want + 1000:
            raise ValueError(f"planted.loops: placed only {len(lengths)} of {want} cycles of length >= {min_length} "
                             f"with |J| <= {max_coupling} on {name!r}; lower alpha or min_length, or raise "
                             "max_coupling")
        cycle = _cycle(nbrs, rng, int(rng.integers(n)))
        if cycle is None or len(cycle) < min_length:
            continue
        sign = np.ones(len(cycle), np.int64)
        sign[rng.integers(len(cycle))] = -1
        trial = J[cycle] + sign
        if np.any(np.abs(trial) > max_coupling):
            continue
        J[cycle] = trial
        lengths.append(len(cycle))
    return J, lengths


def _cycle(nbrs, rng: np.random.Generator, start: int):
    """The edge indices of the cycle a non-backtracking random walk from ``start`` closes, or None (a dead end)."""
    path, where, used = [start], {start: 0}, []
    came = -1
    while True:
        options = [(v, e) for v, e in nbrs[path[-1]] if e != came]
        if not options:
            return None
        v, e = options[int(rng.integers(len(options)))]
        used.append(e)
        if v in where:
            return used[where[v]:]
        where[v] = len(path)
        path.append(v)
        came = e


def loops3d(L: int = 8, *, alpha: float = 0.1, min_length: int = 6, max_coupling: int = 3, seed: int = 0,
            gauge: bool = True) -> Planted:
    """:func:`loops` on the L x L x L periodic cubic lattice (:func:`circuits.problems.instances.ea3d`): a 3D glass
    with a planted ground state.

    Example:
        >>> p = loops3d(4, seed=2)
        >>> p.graph.n, p.ground_energy == float(instances.energy(p.graph, p.planted_spins))
        (64, True)
    """
    L = check_size(L, 3, "L", "planted.loops3d")
    return _loops(instances.ea3d(L), f"loops3d_L{L}", alpha, min_length, max_coupling, seed, gauge)
