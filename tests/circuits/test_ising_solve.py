"""Ising/QUBO minimisation with a certified lower bound: the Max-Cut reduction exact on every state, the bound below
the enumerated minimum, the ground state found, a proven optimum stops the run."""
import numpy as np
import pytest

from circuits.model import ising, qubo
from circuits.problems import ising_solve, maxcut
from circuits.sampling import exact


def random_model(n, seed, integer=False):
    rng = np.random.default_rng(seed)
    J = np.triu(rng.integers(-3, 4, (n, n)) if integer else rng.normal(size=(n, n)), 1).astype(np.float64)
    h = rng.integers(-2, 3, n).astype(np.float64) if integer else rng.normal(size=n)
    return ising.from_dense(J + J.T, h)


def test_the_max_cut_reduction_gives_every_energy():
    """E(s) = W - 2 cut({+1} + s) on all 2^8 states of a model with fields."""
    model = random_model(8, seed=0)
    g, W = ising_solve.as_graph(model)
    S = exact.states(8)
    with_s0 = np.concatenate([np.ones((len(S), 1), np.int8), S], 1)
    cuts = np.array([float(maxcut.cut_value(g, s)) for s in with_s0])
    assert np.allclose(W - 2 * cuts, exact.energies(model), atol=1e-5)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bound_below_the_minimum_and_ground_state_found(seed):
    model = random_model(12, seed)
    e_min = exact.ground_state(model)[0]
    sol = ising_solve.solve(seed, model, n_sweeps=500, n_replicas=16, bound_time=1.0)
    assert sol.bound_certified and sol.lower_bound <= e_min + 1e-6
    assert sol.energy == pytest.approx(e_min, abs=1e-6)
    assert float(ising.energy_exact(model, sol.spins)) == pytest.approx(sol.energy)


def test_offset_and_qubo_objective():
    """A QUBO through its Ising form: the reported energy + offset is x^T Q x of the decoded state."""
    rng = np.random.default_rng(4)
    Q = np.triu(rng.integers(-4, 5, (10, 10))).astype(np.float64)
    model, offset = qubo.to_ising(Q)
    sol = ising_solve.solve(0, model, offset=offset, n_sweeps=300, n_replicas=16, bound_time=0.5)
    x = qubo.bits(sol.spins)
    assert float(x @ Q @ x) == pytest.approx(sol.energy)
    best = min(float(b @ Q @ b) for b in (exact.states(10) > 0).astype(np.float64))
    assert sol.energy == pytest.approx(best) and sol.lower_bound <= best + 1e-6


def test_a_proven_optimum_stops_the_run():
    """A ferromagnet in a field: the bound is tight (all up), so a long schedule stops at the target."""
    n = 30
    J = np.ones((n, n)) - np.eye(n)
    model = ising.from_dense(J, np.ones(n))
    sol = ising_solve.solve(0, model, n_sweeps=200000, n_replicas=8, bound_time=1.0)
    assert sol.energy == pytest.approx(-n * (n - 1) / 2 - n)
    assert sol.run.result.stopped == "target" and sol.run.result.sweeps < 200000


def test_bad_offset():
    with pytest.raises(ValueError, match="offset"):
        ising_solve.solve(0, random_model(4, 0), offset=float("nan"), n_sweeps=10)
