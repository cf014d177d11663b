"""The library refuses what it cannot trust, with an error naming the argument: no silently wrong results from
short or 0/1 spins, NaN temperatures, mis-sized device parameters, or hand-built asymmetric or NaN couplings."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from circuits.annealing import simulated, tempering
from circuits.model import ising
from circuits.problems import gset, maxcut
from circuits.sampling import exact, gibbs, rules


def test_cut_value_refuses_short_and_binary_spins():
    g = gset.random_graph(4, 1.0)
    assert float(maxcut.cut_value(g, jnp.array([1.0, -1.0, 1.0, -1.0]))) == 4.0
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 4\)"):
        maxcut.cut_value(g, jnp.ones(3))
    with pytest.raises(ValueError, match="must be \\+/-1.*2 \\* x - 1"):
        maxcut.cut_value(g, jnp.array([1, 0, 1, 0]))


def test_nan_beta_is_refused():
    m = ising.from_dense([[0, 1.0], [1.0, 0]])
    with pytest.raises(ValueError, match="'beta' must be >= 0 and finite"):
        gibbs.sample(jax.random.key(0), m, jnp.ones((2, 2)), float("nan"), n_samples=1)
    with pytest.raises(ValueError, match="'beta' must be >= 0 and finite"):
        exact.boltzmann(m, float("nan"))
    with pytest.raises(ValueError, match="'spins' must be \\+/-1"):
        gibbs.sample(jax.random.key(0), m, jnp.zeros((2, 2)), 1.0, n_samples=1)


def test_device_rule_parameters_are_checked():
    m = ising.from_dense([[0, 1.0, 0], [1.0, 0, 1.0], [0, 1.0, 0]])
    with pytest.raises(ValueError, match="gain must be a finite"):
        rules.device_pbit(jnp.array([1.0, jnp.nan, 1.0]), 0.0)
    with pytest.raises(ValueError, match="for 2 p-bits but the model has 3"):
        gibbs.sample(jax.random.key(0), m, jnp.ones((4, 3)), 1.0, n_samples=1, update=rules.device_pbit(
            jnp.ones(2), jnp.zeros(2)))
    with pytest.raises(ValueError, match="for 2 p-bits but the model has 3"):
        simulated.anneal(0, m, n_sweeps=4, n_replicas=4, update=rules.device_pbit(jnp.ones(2), jnp.zeros(2)))


@pytest.mark.parametrize("layout", ["dense", "sparse"])
def test_hand_built_models_are_checked_when_a_run_starts(layout):
    good = ising.from_dense([[0, 1.0, 0], [1.0, 0, -1.0], [0, -1.0, 0]], layout=layout)
    if layout == "dense":
        asym = good._replace(J=good.J.at[0, 1].set(2.0))
        nan = good._replace(J=good.J.at[0, 1].set(jnp.nan).at[1, 0].set(jnp.nan))
    else:
        asym = good._replace(w=jnp.asarray(good.w, jnp.float32).at[0, 0].set(2.0))
        nan = good._replace(w=jnp.asarray(good.w, jnp.float32).at[0, 0].set(jnp.nan))
    for run in (lambda m: simulated.anneal(0, m, n_sweeps=4, n_replicas=4),
                lambda m: tempering.anneal(0, m, n_sweeps=4, n_rungs=2, n_chains=2),
                lambda m: gibbs.sample(jax.random.key(0), m, jnp.ones((2, 3)), 1.0, n_samples=1),
                lambda m: exact.boltzmann(m, 1.0)):
        run(good)
        with pytest.raises(ValueError, match="not symmetric"):
            run(asym)
        with pytest.raises(ValueError, match="finite|non-finite"):
            run(nan)
