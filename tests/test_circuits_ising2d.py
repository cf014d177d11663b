"""2D Ising ferromagnet on an L x L torus: <E>/N from checkerboard Gibbs vs Kaufman's exact values."""
import csv

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from circuits import coloring, gibbs, ising, prng
from circuits.cli_maxcut import shared_dir

REPLICAS = 128
BURN_IN = 2000
SWEEPS = 3000


def _kaufman():
    path = shared_dir() / "ising2d" / "kaufman_finite_torus.csv"
    if not path.is_file():
        pytest.skip(f"exact 2D Ising data not found at {path} (set PBITS_SHARED)")
    with open(path, newline="") as f:
        return {(int(r["L"]), round(float(r["T"]), 6)): float(r["energy_per_spin"]) for r in csv.DictReader(f)}


def torus(L):
    idx = np.arange(L * L).reshape(L, L)
    edges = np.concatenate([np.stack([idx.ravel(), np.roll(idx, -1, 0).ravel()], 1),
                            np.stack([idx.ravel(), np.roll(idx, -1, 1).ravel()], 1)])
    return ising.from_edges(L * L, edges)  # J = +1 ferromagnet


@pytest.mark.parametrize("L", [16, 32])
@pytest.mark.parametrize("T", [2.0, 2.269185, 3.0])
def test_energy_per_spin_matches_kaufman(L, T):
    exact = _kaufman()[(L, T)]
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
