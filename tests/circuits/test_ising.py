"""Models, G-set reader, Max-Cut conversion, QUBO round trip and bad-input errors."""
import itertools

import jax.numpy as jnp
import networkx as nx
import numpy as np
import pytest

from circuits.annealing import schedules
from circuits.model import ising, qubo
from circuits.problems import gset, maxcut
from circuits.sampling import coloring, exact, gibbs


@pytest.fixture
def shared(shared_dir):
    d = shared_dir
    if not (d / "gset").is_dir():
        pytest.skip(f"shared data not found at {d} (set PBITS_SHARED)")
    return d


def _random_graph(n, p, seed, signed=True):
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, p, seed=seed)
    for u, v in G.edges:
        G[u][v]["weight"] = float(rng.choice([-1, 1])) if signed else 1.0
    return G


def test_dense_and_sparse_layouts_agree():
    rng = np.random.default_rng(0)
    G = _random_graph(30, 0.2, 1)
    for u, v in G.edges:
        G[u][v]["weight"] = rng.normal()
    sparse, nodes = ising.from_graph(G, layout="sparse")
    dense, _ = ising.from_graph(G, layout="dense")
    assert nodes == list(G)
    s = jnp.asarray(rng.choice([-1.0, 1.0], (5, 30)), jnp.float32)
    np.testing.assert_allclose(ising.energy(sparse, s), ising.energy(dense, s), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ising.local_field(sparse, s), ising.local_field(dense, s), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ising.to_dense(sparse).J, dense.J, atol=1e-6)
    np.testing.assert_allclose(ising.to_dense(ising.to_sparse(dense)).J, dense.J, atol=1e-6)


def test_integer_weights_use_int8_layout():
    m = ising.from_edges(3, [(0, 1), (1, 2)], [1, -1])
    assert m.w.dtype == jnp.int8
    assert ising.from_edges(3, [(0, 1)], [0.5]).w.dtype == jnp.float32


def test_energy_definition():
    J = np.array([[0, 1.5, -2], [1.5, 0, 0.5], [-2, 0.5, 0]])
    h = np.array([0.3, -0.1, 0.7])
    m = ising.from_dense(J, h)
    for s in itertools.product([-1, 1], repeat=3):
        s = np.array(s, float)
        assert float(ising.energy(m, jnp.asarray(s))) == pytest.approx(-0.5 * s @ J @ s - h @ s, abs=1e-5)


def test_cut_value_equals_networkx_cut_size():
    G = _random_graph(40, 0.15, 3)
    g, nodes = maxcut.from_networkx(G)
    model = maxcut.to_ising(g)
    rng = np.random.default_rng(4)
    for _ in range(5):
        s = rng.choice([-1.0, 1.0], 40)
        S = maxcut.partition(s, nodes)
        expected = nx.cut_size(G, S, weight="weight")
        assert float(maxcut.cut_value(g, jnp.asarray(s))) == pytest.approx(expected)
        assert float(maxcut.cut_from_energy(g, ising.energy(model, jnp.asarray(s)))) == pytest.approx(expected)


def test_qubo_ising_round_trip_is_exact():
    rng = np.random.default_rng(5)
    Q = rng.integers(-5, 6, (8, 8)).astype(float)
    model, offset = qubo.to_ising(Q)
    x = exact.states(8).astype(float) * 0.5 + 0.5
    s = 2 * x - 1
    q_val = np.einsum("ki,ij,kj->k", x, Q, x)
    e_val = np.asarray(ising.energy(model, jnp.asarray(s))) + offset
    np.testing.assert_array_equal(q_val, e_val)
    Q2, c = qubo.from_ising(model, offset)
    np.testing.assert_array_equal(Q2, (Q + Q.T) / 2)
    assert c == 0.0
    # dict input with an explicit size
    mdict, off2 = qubo.to_ising({(0, 0): 1.0, (0, 2): -2.0}, n=4)
    assert ising.n_spins(mdict) == 4
    x = np.array([1.0, 0.0, 1.0, 0.0])
    assert float(ising.energy(mdict, jnp.asarray(2 * x - 1))) + off2 == -1.0


def test_from_graph_node_order_and_weight_attribute():
    G = nx.Graph()
    G.add_edge("b", "a", J=2.0)
    G.add_edge("a", "c", J=-1.0)
    model, nodes = ising.from_graph(G, weight="J", nodelist=["a", "b", "c"], layout="dense")
    assert nodes == ["a", "b", "c"]
    assert float(model.J[0, 1]) == 2.0 and float(model.J[0, 2]) == -1.0


def test_gset_read_matches_best_known_table(shared):
    g = gset.read(shared / "gset" / "G11.txt")
    assert (g.n, len(g.edges)) == (800, 1600)
    assert gset.best_known("G11", shared / "gset" / "best_known.csv") == 564
    assert gset.best_known("G999", shared / "gset" / "best_known.csv") is None


@pytest.mark.parametrize("text, message", [
    ("3 x\n1 2 1\n", "line 1 of 'bad.txt': expected a header 'n m'"),
    ("3 2\n1 2 1\n1 4 1\n", "line 3 of 'bad.txt': expected 'i j w' with 1 <= i, j <= 3, got '1 4 1'"),
    ("3 2\n1 2 1\n2 3\n", "line 3 of 'bad.txt': expected 'i j w'"),
    ("3 2\n1 2 1\n2 2 1\n", "line 3 of 'bad.txt': self-loop"),
    ("3 3\n1 2 1\n2 3 1\n", "header says m = 3 edges but the file has 2"),
    ("3 2\n1 2 1\n2 1 1\n", "line 3 of 'bad.txt': duplicate edge"),
])
def test_gset_malformed_files(tmp_path, text, message):
    p = tmp_path / "bad.txt"
    p.write_text(text)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        gset.read(p)


def test_gset_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        gset.read(tmp_path / "nope.txt")


def test_bad_couplings_are_named():
    with pytest.raises(ValueError, match=r"'J' must be symmetric, got J\[0, 1\] = 1.0 but J\[1, 0\] = 2.0"):
        ising.from_dense([[0, 1], [2, 0]])
    with pytest.raises(ValueError, match=r"'J' has a non-finite entry J\[0, 1\] = nan"):
        ising.from_dense([[0, np.nan], [np.nan, 0]])
    with pytest.raises(ValueError, match=r"self-coupling J\[1, 1\]"):
        ising.from_dense([[0, 1], [1, 3]])
    with pytest.raises(ValueError, match="square"):
        ising.from_dense(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"'h' must have shape \(2,\)"):
        ising.from_dense(np.zeros((2, 2)), [1, 2, 3])
    with pytest.raises(ValueError, match="self-loop"):
        ising.from_edges(3, [(1, 1)])
    with pytest.raises(ValueError, match="outside 0..2"):
        ising.from_edges(3, [(0, 3)])
    with pytest.raises(ValueError, match="listed twice"):
        ising.from_edges(3, [(0, 1), (1, 0)])


def test_negative_beta_and_bad_schedule():
    m = ising.from_dense([[0, 1.0], [1.0, 0]])
    with pytest.raises(ValueError, match="'beta' must be >= 0"):
        gibbs.sample(None, m, jnp.ones((2, 2)), -1.0, n_samples=1)
    with pytest.raises(ValueError, match=r"betas\[1\] = -0.5"):
        schedules.check_schedule([0.1, -0.5])
    with pytest.raises(ValueError, match="'beta0' must be a finite beta >= 0"):
        schedules.linear(-1.0, 1.0, 10)


def test_invalid_colouring_is_named():
    m = ising.from_edges(4, [(0, 1), (1, 2), (2, 3)])
    with pytest.raises(ValueError, match="coupled spins 1 and 2"):
        coloring.validate(m, [[0, 3], [1, 2]])
    with pytest.raises(ValueError, match="exactly once"):
        coloring.validate(m, [[0, 2], [1]])


def test_greedy_colouring_is_valid_and_balanced():
    G = _random_graph(200, 0.05, 7)
    m, _ = ising.from_graph(G)
    classes = coloring.greedy(m)
    coloring.validate(m, classes)
    sizes = [len(c) for c in classes]
    assert max(sizes) - min(sizes) <= max(2, 0.2 * max(sizes))
    torus = nx.grid_2d_graph(6, 6, periodic=True)
    mt, _ = ising.from_graph(torus)
    assert len(coloring.greedy(mt, strategy="bfs")) == 2
