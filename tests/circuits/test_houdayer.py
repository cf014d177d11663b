"""Houdayer cluster moves: what a move does (against networkx components and the pair energy), that tempering with
them keeps every rung's Boltzmann law (exact enumeration), and that it finds the exact ground state."""
import jax
import jax.numpy as jnp
import networkx as nx
import numpy as np
import pytest

from circuits.annealing import tempering
from circuits.model import ising
from circuits.sampling import exact, houdayer, rules
from pbits.runtime import prng


def _glass(n, seed, layout):
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, 3.0 / n, seed=seed)
    for u, v in G.edges:
        G[u][v]["weight"] = rng.normal()
    for v in G.nodes:
        G.nodes[v]["h"] = rng.normal(scale=0.3)
    return G, ising.from_graph(G, field="h", layout=layout)[0]


@pytest.mark.parametrize("layout", ["sparse", "dense"])
def test_a_move_swaps_the_replicas_on_one_connected_cluster_of_disagreement(layout):
    G, model = _glass(40, seed=3, layout=layout)
    R, P = 24, 12
    st = jnp.where(jax.random.bernoulli(jax.random.key(1), 0.5, (40, R)), 1, -1).astype(jnp.int8)
    a, b = jnp.arange(P), jnp.arange(P, 2 * P)
    new = np.asarray(houdayer.move(jax.random.key(2), model, st, a, b))
    old = np.asarray(st)
    e_old, e_new = ising.energy_exact(model, old.T), ising.energy_exact(model, new.T)
    np.testing.assert_allclose(e_new[:P] + e_new[P:2 * P], e_old[:P] + e_old[P:2 * P], atol=1e-9)
    np.testing.assert_array_equal(new[:, 2 * P:], old[:, 2 * P:])  # columns of no pair are left alone
    moved = 0
    for p in range(P):
        sa, sb = old[:, p], old[:, P + p]
        flipped = np.flatnonzero(new[:, p] != sa)
        np.testing.assert_array_equal(np.flatnonzero(new[:, P + p] != sb), flipped)  # the same sites in both
        np.testing.assert_array_equal(new[flipped, p], sb[flipped])  # ... where the two now exchanged values
        disagree = G.subgraph(np.flatnonzero(sa != sb).tolist())
        if len(disagree):
            components = [sorted(c) for c in nx.connected_components(disagree)]
            assert sorted(flipped.tolist()) in components, p
            moved += 1
        else:
            assert flipped.size == 0
    assert moved == P  # random states disagree somewhere in every pair


def test_tempering_with_cluster_moves_keeps_every_rung_exact():
    """The move keeps the product of the two replicas' Boltzmann laws: every rung's records stay exact."""
    n = 8
    _, model = _glass(n, seed=31, layout="sparse")
    ladder = np.array([0.3, 0.7, 1.2, 2.0])
    C, T = 1024, 40
    samples = tempering.sample(prng.key(10), model, ladder, n_chains=C, n_samples=T, thin=2, burn_in=30,
                               cluster=True)
    floor = exact.kl_floor(2 ** n, C * T)
    for k, beta in enumerate(ladder):
        kl = exact.kl(exact.empirical(samples[:, k], n), exact.boltzmann(model, beta))
        assert kl < 2.0 * floor, (k, kl, floor)  # records within a chain are correlated: a little above the floor


def test_tempering_with_cluster_moves_reaches_the_exact_ground_state():
    L = 4
    rng = np.random.default_rng(5)
    idx = np.arange(L * L).reshape(L, L)
    pairs = np.concatenate([np.stack([idx.ravel(), np.roll(idx, -1, a).ravel()], 1) for a in (0, 1)])
    model = ising.from_edges(L * L, pairs, rng.choice([-1.0, 1.0], len(pairs)))
    e0 = float(exact.energies(model).min())
    res, _ = tempering.anneal(0, model, n_sweeps=200, n_rungs=8, n_chains=2, update=rules.metropolis, cluster=True)
    assert res.best_energy == e0


def test_cluster_moves_need_pairs_of_chains():
    with pytest.raises(ValueError, match="n_chains must be even"):
        tempering.cluster_pairs(4, 3)
