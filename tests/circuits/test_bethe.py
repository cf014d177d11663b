"""The hot end of the annealing range: the paramagnet's instability in the Bethe approximation, against the exact
Bethe-lattice transitions (random regular graphs are locally tree-like, so there they are the thermodynamic ones)."""
import math

import networkx as nx
import numpy as np
import pytest

from circuits.annealing import bethe, schedules
from circuits.model import ising
from circuits.problems import instances, maxcut


def regular(z, n=2000, signs="glass", seed=0):
    g = nx.random_regular_graph(z, n, seed=seed)
    edges = np.array(list(g.edges()))
    rng = np.random.default_rng(seed)
    w = rng.choice([-1.0, 1.0], len(edges)) if signs == "glass" else np.ones(len(edges))
    return ising.from_edges(n, [tuple(e) for e in edges], w), edges, w


@pytest.mark.parametrize("z", [3, 4])
def test_ferromagnet_orders_at_the_bethe_temperature(z):
    """(z - 1) tanh(beta) = 1 on the z-regular ferromagnet (the Bethe Hessian's top eigenvalue)."""
    m, _, _ = regular(z, signs="ferro")
    assert schedules.default_beta_range(m)[0] == pytest.approx(math.atanh(1 / (z - 1)), rel=3e-3)


@pytest.mark.parametrize("z", [3, 4])
def test_glass_orders_at_the_thouless_temperature(z):
    """(z - 1) tanh^2(beta) = 1 on the z-regular +/-J glass; the acceptance rule alone starts it far hotter."""
    m, _, _ = regular(z)
    b0, _ = schedules.default_beta_range(m)
    assert b0 == pytest.approx(math.atanh(1 / math.sqrt(z - 1)), rel=3e-3)
    assert b0 > 1.5 * schedules.acceptance_beta_range(m)[0]


def test_instability_is_gauge_invariant():
    """A gauge transform s_i -> tau_i s_i, J_ij -> tau_i tau_j J_ij hides a ferromagnet behind random signs: it still
    orders at the ferromagnet's temperature, not the glass's (the Hessian's spectrum is gauge invariant)."""
    _, edges, w = regular(3, signs="ferro")
    tau = np.random.default_rng(5).choice([-1.0, 1.0], 2000)
    m = ising.from_edges(2000, [tuple(e) for e in edges], w * tau[edges[:, 0]] * tau[edges[:, 1]])
    assert bethe.instability(m, 0.05, 5.0) == pytest.approx(math.atanh(0.5), rel=3e-3)


def test_dense_layout_gives_the_same_instability():
    """The dense layout's Hessian (float32, formed whole) agrees with the padded-neighbour one."""
    m, _, _ = regular(3, n=400, signs="ferro", seed=4)
    glass, _, _ = regular(3, n=400, seed=4)
    for model in (m, glass):
        sparse = bethe.instability(model, 0.05, 5.0)
        assert bethe.instability(ising.to_dense(model), 0.05, 5.0) == pytest.approx(sparse, rel=2e-3)
    assert bethe.hessian_top(ising.to_dense(m), 0.3)[0] == pytest.approx(bethe.hessian_top(m, 0.3)[0], rel=1e-6)


def test_large_dense_models_are_not_searched():
    """Above MAX_DENSE_HESSIAN spins a dense model's Hessians are not formed: the acceptance rule stands."""
    n = bethe.MAX_DENSE_HESSIAN + 2
    m = ising.from_dense(np.ones((n, n), np.float32) - np.eye(n, dtype=np.float32))
    assert bethe.instability(m, 1e-4, 1.0) == 1e-4
    with pytest.raises(ValueError, match="lo > 0"):
        bethe.instability(m, 0.0, 1.0)


def test_sk_transition_and_dense_models_keep_the_acceptance_rule():
    """(N - 2) tanh^2(beta) = 1 is the SK transition (the t^2-weighted non-backtracking matrix of K_N has Perron root
    (N - 2) t^2); the acceptance rule's hot end (random-state fields of width sqrt(N)) is already colder, so a dense
    glass keeps it."""
    n = 400
    m = maxcut.to_ising(instances.complete(n, seed=3), layout="dense")
    assert bethe.instability(m, 1e-3, 1.0) == pytest.approx(math.atanh(1 / math.sqrt(n - 2)), rel=3e-3)
    assert schedules.default_beta_range(m) == schedules.acceptance_beta_range(m)


def test_mixed_degrees_and_disconnected_parts():
    """The spin-glass criterion is the spectral radius, not an average over the couplings: a 3D glass beside a long
    chain (which never orders) still orders where the glass alone does."""
    glass = instances.ea3d(8, seed=0)
    chain = np.array([(512 + i, 513 + i) for i in range(4999)])
    both = ising.from_edges(5512, [tuple(e) for e in np.concatenate([glass.edges, chain])],
                            np.concatenate([-glass.weights, np.ones(len(chain))]))
    alone = maxcut.to_ising(glass)
    assert bethe.instability(both, 0.05, 5.0) == pytest.approx(bethe.instability(alone, 0.05, 5.0), rel=3e-3)


def test_lanczos_top_matches_dense_eigensolver():
    """The Lanczos top of A - D (n = 300 > 48 steps) against numpy's eigvalsh of the formed matrix: converged for
    an isolated top (ferromagnet), a lower bound at the edge of a bulk (glass)."""
    for signs, tol in (("ferro", 1e-6), ("glass", 0.02)):
        m, _, _ = regular(3, n=300, signs=signs, seed=6)
        t = np.tanh(0.4 * np.asarray(ising.to_dense(m).J, np.float64))
        a = t / (1 - t * t)
        exact = np.linalg.eigvalsh(a - np.diag(np.sum(t * a, 1)))[-1]
        top, spread = bethe.hessian_top(m, 0.4)
        assert exact - tol <= top <= exact + 1e-9
    assert spread > 1


def test_lattice_glass_starts_at_the_tree_estimate():
    """On the 2D and 3D +/-J tori the top eigenvectors of A - D that cross 1 before the spin-glass point are localised
    on small, nearly unfrustrated patches (participation ratio tens of spins): not counted, the hot end is the tree
    estimate atanh(1/sqrt(z - 1)) of the glass, whatever the size (the 2D glass itself only orders at T = 0)."""
    for make, z in ((lambda: instances.torus2d(32, seed=1), 4), (lambda: instances.torus2d(64, seed=2), 4),
                    (lambda: instances.ea3d(12, seed=1), 6)):
        m = maxcut.to_ising(make())
        b0, b1 = schedules.default_beta_range(m)
        assert b0 == pytest.approx(math.atanh(1 / math.sqrt(z - 1)), rel=3e-3)
        assert b1 == schedules.acceptance_beta_range(m)[1]
        top, spread = bethe.hessian_top(m, 0.97 * b0)
        assert spread < bethe.EXTENDED * ising.n_spins(m)  # whatever crossed first is localised


def test_no_ordering_keeps_the_acceptance_rule():
    """A chain (degree 2) and a model of fields alone never order: the acceptance rule stands."""
    chain = ising.from_edges(50, [(i, i + 1) for i in range(49)])
    assert schedules.default_beta_range(chain) == schedules.acceptance_beta_range(chain)
    fields = ising.from_edges(5, [], h=np.arange(1.0, 6.0))
    assert schedules.default_beta_range(fields) == schedules.acceptance_beta_range(fields)


def test_couplings_of_very_different_sizes_stay_finite(recwarn):
    """QUBO penalties next to unit couplings: the search stops where the penalties are rigid (beta max|J| = 3),
    before the unit couplings order, so the range is the acceptance rule's, finite, in both layouts (no division by
    zero on the way)."""
    n = 300
    edges = [(i, (i + 1) % n) for i in range(n)] + [(i, i + n // 2) for i in range(0, n // 2, 7)]
    rng = np.random.default_rng(0)
    w = rng.choice([1.0, 1e4], len(edges)) * rng.choice([-1.0, 1.0], len(edges))
    for layout in ("sparse", "dense"):
        m = ising.from_edges(n, edges, w, layout=layout)
        b0, b1 = schedules.default_beta_range(m)
        assert np.isfinite(b0) and np.isfinite(b1) and 0 < b0 < b1
        assert (b0, b1) == schedules.acceptance_beta_range(m)
    t = np.tanh(2.0 * 1e4)  # and a saturated Hessian stays finite
    assert t == 1.0 and np.isfinite(bethe.hessian_top(ising.from_edges(n, edges, w), 2.0)[0])
    assert not [x for x in recwarn if issubclass(x.category, RuntimeWarning)]
