"""2D Ising ferromagnet on an L x L torus: <E>/N from checkerboard Gibbs vs Kaufman's exact values."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from circuits.model import ising
from circuits.sampling import coloring, gibbs
from pbits.runtime import prng

REPLICAS = 128
BURN_IN = 2000
SWEEPS = 3000


@pytest.mark.parametrize("L", [16, 32])
@pytest.mark.parametrize("T", [2.0, 2.269185, 3.0])
def test_energy_per_spin_matches_kaufman(L, T, kaufman, torus):
    exact = kaufman[(L, T)]
    model = torus(L)
    classes = coloring.greedy(model, strategy="bfs")
    assert len(classes) == 2  # checkerboard
    start = jnp.ones((REPLICAS, L * L)) if T < 2.269 else \
        jnp.where(jax.random.bernoulli(jax.random.key(L), 0.5, (REPLICAS, L * L)), 1.0, -1.0)
    e, _ = gibbs.energy_trace(prng.key(1000 * L + int(100 * T)), model, start, 1.0 / T, n_sweeps=SWEEPS,
                              burn_in=BURN_IN, classes=classes)
    per_replica = np.asarray(e).mean(0) / (L * L)  # independent replicas -> honest standard error
    mean = per_replica.mean()
    se = per_replica.std(ddof=1) / np.sqrt(REPLICAS)
    assert abs(mean - exact) < 3 * se, (mean, exact, se)
    assert se < 3e-3  # the test has power: 3 SE is below 0.7 % of |E|/N
