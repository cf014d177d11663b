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
    assert schedules.default_beta_range(m)[0] == pytest.approx(math.atanh(1 / (z - 1)), rel=0.01)


@pytest.mark.parametrize("z", [3, 4])
def test_glass_orders_at_the_thouless_temperature(z):
    """(z - 1) tanh^2(beta) = 1 on the z-regular +/-J glass; the acceptance rule alone starts it far hotter."""
    m, _, _ = regular(z)
    b0, _ = schedules.default_beta_range(m)
    assert b0 == pytest.approx(math.atanh(1 / math.sqrt(z - 1)), rel=0.01)
    assert b0 > 1.5 * schedules.acceptance_beta_range(m)[0]


def test_instability_is_gauge_invariant():
    """A gauge transform s_i -> tau_i s_i, J_ij -> tau_i tau_j J_ij hides a ferromagnet behind random signs: it still
    orders at the ferromagnet's temperature, not the glass's (the Hessian's spectrum is gauge invariant)."""
    _, edges, w = regular(3, signs="ferro")
    tau = np.random.default_rng(5).choice([-1.0, 1.0], 2000)
    m = ising.from_edges(2000, [tuple(e) for e in edges], w * tau[edges[:, 0]] * tau[edges[:, 1]])
    assert bethe.instability(m, 0.05, 5.0) == pytest.approx(math.atanh(0.5), rel=0.01)


def test_dense_layout_gives_the_same_instability():
    """The dense layout's Hessian (float32, formed whole) agrees with the padded-neighbour one."""
    m, _, _ = regular(3, n=400, signs="ferro", seed=4)
    glass, _, _ = regular(3, n=400, seed=4)
    for model in (m, glass):
        sparse = bethe.instability(model, 0.05, 5.0)
        assert bethe.instability(ising.to_dense(model), 0.05, 5.0) == pytest.approx(sparse, rel=2e-3)
    assert bethe.hessian_top(ising.to_dense(m), 0.3) == pytest.approx(bethe.hessian_top(m, 0.3), rel=1e-4)


def test_sk_transition_and_dense_models_keep_the_acceptance_rule():
    """N tanh^2(beta) = 1 is the SK transition beta = 1/sqrt(N); the acceptance rule's hot end (random-state fields
    of width sqrt(N)) is already colder, so a dense glass keeps it."""
    n = 400
    m = maxcut.to_ising(instances.complete(n, seed=3), layout="dense")
    assert bethe.branching_ratio(m, 1 / math.sqrt(n - 2)) == pytest.approx(1.0, rel=0.01)
    assert schedules.default_beta_range(m) == schedules.acceptance_beta_range(m)


def test_lattice_glass_starts_between_the_rules():
    """On a finite 2D +/-J torus the rare unfrustrated patches go first: the hot end lies between the acceptance
    rule's and the tree estimate atanh(1/sqrt(3)) of the glass (the 2D glass itself only orders at T = 0)."""
    m = maxcut.to_ising(instances.torus2d(32, seed=1))
    b0, b1 = schedules.default_beta_range(m)
    assert schedules.acceptance_beta_range(m)[0] < b0 <= math.atanh(1 / math.sqrt(3)) * 1.001
    assert b1 == schedules.acceptance_beta_range(m)[1]


def test_no_ordering_keeps_the_acceptance_rule():
    """A chain (degree 2) and a model of fields alone never order: the acceptance rule stands."""
    chain = ising.from_edges(50, [(i, i + 1) for i in range(49)])
    assert schedules.default_beta_range(chain) == schedules.acceptance_beta_range(chain)
    fields = ising.from_edges(5, [], h=np.arange(1.0, 6.0))
    assert schedules.default_beta_range(fields) == schedules.acceptance_beta_range(fields)


def test_couplings_of_very_different_sizes_stay_finite(recwarn):
    """QUBO penalties next to unit couplings: tanh(beta J) saturates to 1 in floating point; the Hessian stays finite
    and the range is a pair of finite betas in both layouts (no division by zero)."""
    n = 300
    edges = [(i, (i + 1) % n) for i in range(n)] + [(i, i + n // 2) for i in range(0, n // 2, 7)]
    rng = np.random.default_rng(0)
    w = rng.choice([1.0, 1e4], len(edges)) * rng.choice([-1.0, 1.0], len(edges))
    for layout in ("sparse", "dense"):
        b0, b1 = schedules.default_beta_range(ising.from_edges(n, edges, w, layout=layout))
        assert np.isfinite(b0) and np.isfinite(b1) and 0 < b0 < b1
    assert not [x for x in recwarn if issubclass(x.category, RuntimeWarning)]
