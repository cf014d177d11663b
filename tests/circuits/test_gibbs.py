"""Samplers against exact results: Boltzmann enumeration (KL vs the finite-sample floor), the 1-D chain,
parallel tempering at every rung, reproducibility and no recompilation."""
import jax
import jax.numpy as jnp
import networkx as nx
import numpy as np
import pytest

from circuits.annealing import simulated, tempering
from circuits.model import ising
from circuits.sampling import coloring, exact, gibbs, rules
from pbits.runtime import prng

R = 4096          # independent chains
N_REC = 48        # records per chain
THIN = 3          # sweeps between records
N = R * N_REC     # samples; KL floor (K-1)/(2N)


def _network(n, seed, layout):
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, 0.35, seed=seed)
    for u, v in G.edges:
        G[u][v]["weight"] = rng.uniform(-1, 1)
    for v in G.nodes:
        G.nodes[v]["h"] = rng.uniform(-0.5, 0.5)
    return ising.from_graph(G, field="h", layout=layout)[0]


def _random_spins(key, r, n):
    return jnp.where(jax.random.bernoulli(key, 0.5, (r, n)), 1.0, -1.0)


CASES = [  # (n, layout, method, key kind)
    (10, "dense", "chromatic", "threefry"),
    (12, "sparse", "chromatic", "fast"),
    (12, "dense", "sequential", "threefry"),
    (11, "sparse", "sequential", "fast"),
]


@pytest.mark.parametrize("n, layout, method, kind", CASES)
def test_gibbs_matches_exact_boltzmann(n, layout, method, kind):
    model = _network(n, seed=n, layout=layout)
    beta = 1.0
    key = prng.key(1) if kind == "fast" else jax.random.key(1)
    samples = gibbs.sample(key, model, _random_spins(jax.random.key(2), R, n), beta, n_samples=N_REC,
                           thin=THIN, burn_in=30, method=method)
    p_exact = exact.boltzmann(model, beta)
    kl = exact.kl(exact.empirical(samples, n), p_exact)
    floor = exact.kl_floor(2 ** n, N)
    # perfect independent samples give KL = floor +- sqrt(2(K-1))/(2N) (about 1-2 % of the floor here);
    # thinning leaves weak correlations, so allow 1.5x the floor; a 10 % error in beta gives > 3x.
    assert kl < 1.5 * floor, (kl, floor)
    wrong = exact.boltzmann(model, 1.1 * beta)
    assert exact.kl(exact.empirical(samples, n), wrong) > 2 * floor


def test_simultaneous_update_is_detectably_wrong():
    """Control: updating all spins at once (an invalid colouring) is not Gibbs sampling; the KL test sees it."""
    n = 10
    model = _network(n, seed=n, layout="dense")
    one_class = (np.arange(n, dtype=np.int32),)
    samples = gibbs._sample(jax.random.key(3), model, gibbs._classes(one_class, n), _random_spins(jax.random.key(4), R, n),
                            jnp.float32(1.0), rules.as_rule(rules.behavioural), N_REC, THIN, 30, "chromatic")
    kl = exact.kl(exact.empirical(samples, n), exact.boltzmann(model, 1.0))
    assert kl > 3 * exact.kl_floor(2 ** n, N)


def test_metropolis_and_device_rules_match_exact():
    n = 10
    model = _network(n, seed=21, layout="sparse")
    p_exact = exact.boltzmann(model, 0.8)
    s0 = _random_spins(jax.random.key(5), R, n)
    floor = exact.kl_floor(2 ** n, N)
    met = gibbs.sample(jax.random.key(6), model, s0, 0.8, n_samples=N_REC, thin=2 * THIN, burn_in=30,
                       update=rules.metropolis)
    assert exact.kl(exact.empirical(met, n), p_exact) < 1.5 * floor
    # a device p-bit with gain 2 and zero offset samples exp(-2 beta E)
    dev = gibbs.sample(jax.random.key(7), model, s0, 0.4, n_samples=N_REC, thin=THIN, burn_in=30,
                       update=rules.device_pbit(jnp.full(n, 2.0), jnp.zeros(n)))
    assert exact.kl(exact.empirical(dev, n), p_exact) < 1.5 * floor


@pytest.mark.parametrize("method", ["chromatic", "sequential"])
def test_chain_correlations(method):
    """Open 1-D chain, J = 1: <s_i s_{i+r}> = tanh(beta J)^r; SE from independent replicas."""
    L, beta, r_max, reps = 40, 0.6, 4, 1024
    model = ising.from_edges(L, [(i, i + 1) for i in range(L - 1)])
    s = gibbs.sample(jax.random.key(8), model, _random_spins(jax.random.key(9), reps, L), beta, n_samples=64,
                     thin=2, burn_in=20, method=method).astype(np.float32)
    s = np.asarray(s)
    for r in range(1, r_max + 1):
        c = (s[:, :, : L - r] * s[:, :, r:]).mean(axis=(0, 2))  # per replica
        mean, se = c.mean(), c.std(ddof=1) / np.sqrt(reps)
        assert abs(mean - np.tanh(beta) ** r) < 4 * se, (r, mean, np.tanh(beta) ** r, se)


def test_tempering_rungs_match_exact():
    """Swap moves keep each rung's Boltzmann distribution (detailed balance of replica exchange)."""
    n = 8
    model = _network(n, seed=31, layout="dense")
    ladder = np.array([0.3, 0.6, 1.0, 1.5])
    C = 2048
    samples = tempering.sample(prng.key(10), model, ladder, n_chains=C, n_samples=40, thin=2, burn_in=30)
    Ns = C * 40
    floor = exact.kl_floor(2 ** n, Ns)
    for k, b in enumerate(ladder):
        kl = exact.kl(exact.empirical(samples[:, k], n), exact.boltzmann(model, b))
        assert kl < 1.5 * floor, (k, kl, floor)
    # and the swaps did happen
    state = tempering.init(jax.random.key(0), model, 4, 16)
    state = tempering._sweeps_jit(jax.random.key(1), model, jnp.asarray(coloring.padded(coloring.greedy(model), n)),
                                  state, jnp.asarray(ladder, jnp.float32), 0, 100, 100,
                                  rules.as_rule(rules.behavioural))[0]
    assert np.all(np.asarray(state.accepted) > 0)


def test_jit_and_no_jit_agree_and_runs_reproduce():
    model = _network(12, seed=41, layout="sparse")
    classes = coloring.greedy(model)
    s0 = _random_spins(jax.random.key(11), 8, 12)
    key = jax.random.key(12)
    a = gibbs.sweep(key, model, classes, s0, 0.7)
    with jax.disable_jit():
        b = gibbs.sweep(key, model, classes, s0, 0.7)
    np.testing.assert_array_equal(a, b)
    r1 = simulated.anneal(3, model, n_sweeps=64, n_replicas=8)
    r2 = simulated.anneal(3, model, n_sweeps=64, n_replicas=8, chunk=7)  # chunking does not change the run
    np.testing.assert_array_equal(r1.final_spins, r2.final_spins)
    np.testing.assert_array_equal(r1.trace_best, r2.trace_best)


def test_no_recompilation_for_new_couplings_or_beta():
    rng = np.random.default_rng(0)
    G = nx.random_regular_graph(3, 30, seed=1)
    classes = coloring.greedy(ising.from_graph(G)[0])

    def model_with_new_weights():
        for u, v in G.edges:
            G[u][v]["weight"] = rng.uniform(-1, 1)
        return ising.from_graph(G)[0]

    simulated.anneal(0, model_with_new_weights(), n_sweeps=32, n_replicas=4, classes=classes, chunk=16)
    before = simulated._chunk._cache_size()
    simulated.anneal(1, model_with_new_weights(), np.linspace(0.1, 3.0, 32), n_replicas=4, classes=classes, chunk=16)
    assert simulated._chunk._cache_size() == before
