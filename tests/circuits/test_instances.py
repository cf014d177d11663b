"""Generated instances: the +/-J lattices unchanged, counts and degrees of every family (Chimera, Pegasus and
Zephyr against their published sizes and, when installed, the Ocean generators), coupling moments, seeds, the
rudy round trip, and planted ground states checked by exhaustive enumeration."""
import hashlib
import warnings

import networkx as nx
import numpy as np
import pytest

from circuits.problems import gset, instances, planted, topologies


def _digest(g) -> str:
    data = np.ascontiguousarray(g.edges, "<i8").tobytes() + np.ascontiguousarray(g.weights, "<f8").tobytes()
    return hashlib.sha256(data).hexdigest()[:16]


def _degrees(g) -> np.ndarray:
    return np.bincount(np.asarray(g.edges).ravel(), minlength=g.n)


def _simple(g) -> bool:
    e = np.sort(np.asarray(g.edges), axis=1)
    return bool(np.all(e[:, 0] != e[:, 1])) and len({tuple(x) for x in e.tolist()}) == len(e)


def _all_states(n: int) -> np.ndarray:
    return (1 - 2 * ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1)).astype(np.int8)


# digests of the instances as generated before the Gaussian option was added (the benchmarks' instances)
@pytest.mark.parametrize("make, digest", [
    (lambda: instances.torus2d(4, seed=1), "7967ee2029cceb56"),
    (lambda: instances.torus2d(7, seed=3), "c28593309a2fbf6c"),
    (lambda: instances.torus2d(100, seed=0), "7edbc42a75e5e50b"),
    (lambda: instances.ea3d(3, seed=0), "1edec91600c415fe"),
    (lambda: instances.ea3d(16, seed=0), "984e8e43cf6c7d13"),
    (lambda: instances.complete(12, seed=5), "77ef30c6e148b44c"),
    (lambda: instances.complete(2000, seed=0), "0a9d7af4485122db"),
])
def test_pm_instances_are_unchanged(make, digest):
    assert _digest(make()) == digest


def test_lattice_counts_and_degrees():
    for couplings in instances.COUPLINGS:
        g2, g3 = instances.torus2d(6, couplings=couplings), instances.ea3d(4, couplings=couplings)
        assert (g2.n, len(g2.edges), g3.n, len(g3.edges)) == (36, 72, 64, 192)
        assert set(_degrees(g2)) == {4} and set(_degrees(g3)) == {6} and _simple(g2) and _simple(g3)
    assert instances.torus2d(5).name == "torus2d_L5_s0" and instances.torus2d(5, couplings="gauss").name == \
        "torus2d_gauss_L5_s0"
    with pytest.raises(ValueError, match="'L' must be an integer >= 3, got 2"):
        instances.torus2d(2)
    with pytest.raises(ValueError, match="couplings must be one of 'pm', 'gauss', got 'unit'"):
        instances.ea3d(3, couplings="unit")


@pytest.mark.parametrize("n, d", [(10, 3), (100, 4), (50, 10), (7, 6), (1000, 3)])
def test_regular_graphs_are_simple_and_regular(n, d):
    g = instances.regular(n, d, seed=n + d)
    assert len(g.edges) == n * d // 2 and set(_degrees(g)) == {d} and _simple(g)
    assert np.all(g.edges[:, 0] < g.edges[:, 1])
    assert set(instances.regular(n, d, couplings="unit").weights.tolist()) == {1.0}


def test_regular_bad_sizes():
    with pytest.raises(ValueError, match="n d even"):
        instances.regular(5, 3)
    with pytest.raises(ValueError, match="needs d < n"):
        instances.regular(4, 4)


GENERATORS = [
    lambda seed, c: instances.torus2d(5, seed=seed, couplings=c),
    lambda seed, c: instances.ea3d(3, seed=seed, couplings=c),
    lambda seed, c: instances.complete(9, seed=seed, couplings=c),
    lambda seed, c: instances.regular(20, 3, seed=seed, couplings=c),
    lambda seed, c: topologies.chimera(2, seed=seed, couplings=c),
    lambda seed, c: topologies.pegasus(2, seed=seed, couplings=c),
    lambda seed, c: topologies.zephyr(1, seed=seed, couplings=c),
]


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("couplings", instances.COUPLINGS)
def test_reproducible_by_seed(make, couplings):
    a, b, c = make(3, couplings), make(3, couplings), make(4, couplings)
    assert np.array_equal(a.edges, b.edges) and np.array_equal(a.weights, b.weights) and a.name == b.name
    assert not np.array_equal(a.weights, c.weights)


@pytest.mark.parametrize("make", [
    lambda c: instances.torus2d(60, seed=1, couplings=c),
    lambda c: instances.complete(150, seed=2, couplings=c),
    lambda c: instances.regular(4000, 3, seed=3, couplings=c),
    lambda c: topologies.chimera(8, seed=4, couplings=c),
])
def test_coupling_moments(make):
    """Mean 0, variance 1 and fourth moment 3 for N(0, 1); +/-1 with mean 0; all within 5 standard errors."""
    w = make("gauss").weights
    m = len(w)
    assert abs(w.mean()) < 5 / np.sqrt(m)
    assert abs(np.mean(w ** 2) - 1) < 5 * np.sqrt(2 / m)
    assert abs(np.mean(w ** 4) - 3) < 5 * np.sqrt(96 / m)   # Var(w^4) = E w^8 - 9 = 105 - 9
    s = make("pm").weights
    assert set(s.tolist()) == {-1.0, 1.0} and abs(s.mean()) < 5 / np.sqrt(m)


def test_chimera_counts_and_degrees():
    for m in (1, 2, 5, 16):
        for t in (2, 4):
            c = topologies.chimera_edges(m, t)
            assert (c.n, len(c.edges)) == (2 * t * m * m, t * t * m * m + 2 * t * m * (m - 1))
    c = topologies.chimera_edges(16)
    d = _degrees(c)
    assert (c.n, len(c.edges)) == (2048, 6016) and d.max() == 6
    assert np.bincount(d).tolist()[5:] == [256, 1792]  # degree 5 on the outer cells' free ends


def test_pegasus_counts_and_degrees():
    for m in (2, 3, 6, 14, 16):
        p = topologies.pegasus_edges(m)
        assert p.n == 24 * m * (m - 1) - 8 * (m - 1)
        assert topologies.pegasus_edges(m, fabric_only=False).n == 24 * m * (m - 1)
    p16, p14 = topologies.pegasus_edges(16), topologies.pegasus_edges(14)
    assert (p16.n, len(p16.edges), p14.n) == (5640, 40484, 4264)
    d = _degrees(p16)
    assert d.max() == 15 and d.min() >= 6 and np.mean(d == 15) > 0.75  # 79 % of P16 has the bulk degree
    assert nx.is_connected(nx.Graph(p16.edges.tolist()))
    assert not nx.is_connected(nx.Graph(topologies.pegasus_edges(4, fabric_only=False).edges.tolist()))


def test_zephyr_counts_and_degrees():
    t = 4
    for m in (1, 2, 3, 6, 12):
        z = topologies.zephyr_edges(m)
        M = 2 * m + 1
        assert z.n == 16 * m * (2 * m + 1)
        # internal + external + odd couplers
        assert len(z.edges) == 16 * m * m * t * t + 4 * t * M * (m - 1) + 2 * t * M * (2 * m - 1)
    z12 = topologies.zephyr_edges(12)
    d = _degrees(z12)
    assert (z12.n, len(z12.edges)) == (4800, 45864) and d.max() == 20
    # degree 20 = 4t internal + 2 external + 2 odd, away from the end lines (w = 0, 2m) and the end segments (z)
    assert np.sum(d == 20) == 2 * (2 * 12 - 1) * t * 2 * (12 - 2)
    assert nx.is_connected(nx.Graph(z12.edges.tolist()))


def test_topology_bad_sizes():
    with pytest.raises(ValueError, match="'m' must be an integer >= 2, got 1"):
        topologies.pegasus_edges(1)
    with pytest.raises(ValueError, match="'m' must be an integer >= 1, got 0"):
        topologies.chimera(0)


def _ocean():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip("dwave_networkx")


def _label_edges(top):
    return {(int(top.labels[i]), int(top.labels[j])) for i, j in top.edges.tolist()}


def test_topologies_match_the_ocean_generators():
    """Same node labels and the same edges as dwave_networkx (an optional extra: skipped when absent)."""
    dnx = _ocean()
    cases = [(topologies.chimera_edges(m, t), dnx.chimera_graph(m, t=t)) for m, t in ((1, 4), (3, 4), (2, 3))]
    cases += [(topologies.pegasus_edges(m, fabric_only=f), dnx.pegasus_graph(m, fabric_only=f))
              for m in (2, 4) for f in (True, False)]
    cases += [(topologies.zephyr_edges(m, t), dnx.zephyr_graph(m, t)) for m, t in ((1, 4), (3, 4), (2, 2))]
    for ours, theirs in cases:
        assert set(ours.labels.tolist()) == set(theirs.nodes()), ours.name
        assert _label_edges(ours) == {(min(u, v), max(u, v)) for u, v in theirs.edges()}, ours.name


def test_rudy_round_trip_is_exact(tmp_path):
    g = instances.regular(30, 3, seed=1, couplings="gauss")
    path = instances.write(g, tmp_path / "r.txt", comment="made by a test\nsecond line")
    text = path.read_text().splitlines()
    assert text[:3] == ["# made by a test", "# second line", "30 45"]
    back = gset.read(path)
    assert back.n == g.n and np.array_equal(back.edges, g.edges) and np.array_equal(back.weights, g.weights)
    assert instances.write(instances.torus2d(3), tmp_path / "t.txt").read_text().splitlines()[1] in ("1 4 1", "1 4 -1")


def test_gset_errors_keep_line_numbers_after_comments(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("# comment\n3 2\n# another\n1 2 1\n1 9 1\n")
    with pytest.raises(ValueError, match="line 5 of 'bad.txt'.*vertex out of range"):
        gset.read(p)
    p.write_text("# comment only\nx y\n")
    with pytest.raises(ValueError, match="line 2 of 'bad.txt': expected a header"):
        gset.read(p)


def test_energy_is_W_minus_twice_the_cut():
    g = instances.torus2d(5, seed=2, couplings="gauss")
    s = np.where(np.random.default_rng(0).random((7, g.n)) < 0.5, -1, 1)
    cut = np.array([np.sum(g.weights[x[g.edges[:, 0]] != x[g.edges[:, 1]]]) for x in s])
    assert np.allclose(instances.energy(g, s), [instances.glass_energy(g, c) for c in cut], atol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_tile_planted_ground_state_by_enumeration(seed):
    """4 x 4 torus, 16 spins: nothing lies below E0, and the gauge keeps the whole spectrum."""
    plain, hidden = planted.tile(4, seed=seed, gauge=False), planted.tile(4, seed=seed)
    states = _all_states(16)
    e_plain, e_hidden = instances.energy(plain.graph, states), instances.energy(hidden.graph, states)
    for p, e in ((plain, e_plain), (hidden, e_hidden)):
        assert e.min() == p.ground_energy == float(instances.energy(p.graph, p.planted_spins))
        assert p.optimal_cut == (np.sum(p.graph.weights) - p.ground_energy) / 2
    assert np.array_equal(np.sort(e_plain), np.sort(e_hidden))
    assert np.all(plain.planted_spins == 1) and not np.all(hidden.planted_spins == 1)
    assert set(plain.graph.weights.tolist()) <= {-2.0, -1.0, 1.0}
    assert np.array_equal(plain.graph.edges, instances.torus2d(4).edges)


def test_tile_classes_set_the_ground_energy():
    """E0 = -sum over the L^2 / 2 tiles of (6 - c): all c = 1 gives -5 per tile, all c = 4 gives -2; uniform classes
    (mean c 2.5, variance 1.25) give -3.5 per tile within 5 standard errors."""
    L, T = 64, 64 * 64 // 2
    assert planted.tile(8, probabilities=(1, 0, 0)).ground_energy == -5 * 32
    assert planted.tile(8, probabilities=(0, 0, 0)).ground_energy == -2 * 32
    assert abs(planted.tile(L, seed=5).ground_energy + 3.5 * T) < 5 * np.sqrt(1.25 * T)


def test_tile_bad_input():
    with pytest.raises(ValueError, match="L must be even"):
        planted.tile(5)
    with pytest.raises(ValueError, match="'L' must be an integer >= 4"):
        planted.tile(2)
    with pytest.raises(ValueError, match="p1 \\+ p2 \\+ p3 <= 1"):
        planted.tile(4, probabilities=(0.5, 0.5, 0.5))


@pytest.mark.parametrize("n, alpha, seed", [(12, 0.5, 0), (14, 0.25, 1), (16, 1.0, 2)])
def test_wishart_planted_ground_state_by_enumeration(n, alpha, seed):
    """Exhaustive enumeration finds no state below E0, and only the planted pair +/-t at it."""
    plain, hidden = planted.wishart(n, alpha=alpha, seed=seed, gauge=False), planted.wishart(n, alpha=alpha, seed=seed)
    states = _all_states(n)
    tol = 1e-9 * abs(plain.ground_energy)
    for p in (plain, hidden):
        e = instances.energy(p.graph, states)
        assert p.ground_energy < 0 and abs(e.min() - p.ground_energy) < tol
        at = states[e < p.ground_energy + tol]
        pair = {tuple(p.planted_spins.tolist()), tuple((-p.planted_spins).tolist())}
        assert len(at) == 2 and {tuple(x) for x in at.tolist()} == pair
        if p is plain:
            spectrum = np.sort(e)
    assert np.allclose(np.sort(instances.energy(hidden.graph, states)), spectrum, rtol=0, atol=tol)
    assert len(plain.graph.edges) == n * (n - 1) // 2


def test_wishart_bad_alpha():
    for alpha in (0, -1.0, float("nan"), True):
        with pytest.raises(ValueError, match="alpha"):
            planted.wishart(8, alpha=alpha)


@pytest.mark.parametrize("make, seed", [(lambda: instances.torus2d(4), 0),
                                        (lambda: instances.regular(16, 3, seed=1), 1),
                                        (lambda: instances.regular(16, 4, seed=2), 2)])
def test_loops_planted_ground_state_by_enumeration(make, seed):
    """Frustrated-loop planting on 16-spin graphs: nothing lies below E0, the gauge keeps the spectrum, and the
    couplings are integers within max_coupling on edges of the base graph."""
    base = make()
    plain = planted.loops(base, alpha=0.5, min_length=4, seed=seed, gauge=False)
    hidden = planted.loops(base, alpha=0.5, min_length=4, seed=seed)
    states = _all_states(16)
    e_plain = instances.energy(plain.graph, states)
    for p, e in ((plain, e_plain), (hidden, instances.energy(hidden.graph, states))):
        assert e.min() == p.ground_energy == float(instances.energy(p.graph, p.planted_spins)) < 0
        assert p.optimal_cut == (np.sum(p.graph.weights) - p.ground_energy) / 2
        assert -p.ground_energy < np.sum(np.abs(p.graph.weights))  # frustrated: the ground state breaks bonds
    assert np.array_equal(np.sort(e_plain), np.sort(instances.energy(hidden.graph, states)))
    w = plain.graph.weights
    assert np.all(w == np.round(w)) and np.all((np.abs(w) >= 1) & (np.abs(w) <= 3))
    assert {tuple(e) for e in plain.graph.edges.tolist()} <= {tuple(e) for e in base.edges.tolist()}


def test_loops3d_energy_and_lengths(monkeypatch):
    """On the cubic torus (even L: bipartite) every kept cycle has even length >= 6, E0 = -sum (l - 2) over the
    alpha n cycles, and the planted state is frustrated (it breaks bonds: -E0 < sum |w|)."""
    seen = {}
    real = planted._place_cycles

    def spy(*args, **kwargs):
        J, lengths = real(*args, **kwargs)
        seen["lengths"] = np.array(lengths)
        return J, lengths

    monkeypatch.setattr(planted, "_place_cycles", spy)
    p = planted.loops3d(8, alpha=0.5, seed=3, gauge=False)
    lengths = seen["lengths"]
    assert len(lengths) == 256 and lengths.min() >= 6 and np.all(lengths % 2 == 0)
    assert p.ground_energy == -np.sum(lengths - 2)
    assert -p.ground_energy < np.sum(np.abs(p.graph.weights))
    assert p.graph.n == 512 and p.graph.name == "loops3d_L8_a0.5_s3"
    assert np.array_equal(p.graph.weights, planted.loops3d(8, alpha=0.5, seed=3, gauge=False).graph.weights)


def test_loops_bad_input():
    for alpha in (0, -1.0, float("nan"), True):
        with pytest.raises(ValueError, match="alpha"):
            planted.loops(instances.torus2d(4), alpha=alpha)
    path = gset.Graph(4, np.array([[0, 1], [1, 2], [2, 3]]), np.ones(3), "path")
    with pytest.raises(ValueError, match="forest: it has no cycles"):
        planted.loops(path)
    with pytest.raises(ValueError, match="lower alpha"):
        planted.loops(instances.torus2d(4), alpha=20.0, max_coupling=1)
    with pytest.raises(ValueError, match="'min_length' must be an integer >= 3"):
        planted.loops(instances.torus2d(4), min_length=2)


def test_gauge_checks_spins():
    with pytest.raises(ValueError, match="3 values \\+/-1"):
        planted.gauge(instances.complete(3), [1, 0, 1])
