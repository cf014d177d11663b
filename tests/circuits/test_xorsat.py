"""Planted 3-regular 3-XORSAT: the ensemble's structure, the energy as the count of violated clauses, and the
higher-order annealer reaching the planted energy 0; the annealer's reproducibility and checks."""
import numpy as np
import pytest

from circuits.annealing import higher_order
from circuits.model import hubo
from circuits.problems import xorsat
from circuits.sampling import exact, rules


@pytest.mark.parametrize("n, seed", [(12, 0), (40, 3)])
def test_instances_are_3_regular_with_a_planted_solution(n, seed):
    inst = xorsat.planted(n, seed=seed)
    c = inst.clauses
    assert c.shape == (n, 3) and np.all(np.diff(c, axis=1) > 0) and len(np.unique(c, axis=0)) == n
    assert np.bincount(c.ravel(), minlength=n).tolist() == [3] * n
    assert xorsat.violated(inst, inst.planted) == 0
    model = xorsat.to_hubo(inst)
    assert hubo.order(model) == 3 and model.terms.shape == (n, 3)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, (200, n))
    np.testing.assert_array_equal(hubo.energy_exact(model, 2 * x - 1), xorsat.violated(inst, x))


def test_small_instance_ground_states_by_enumeration():
    inst = xorsat.planted(14, seed=5)
    e_gs, gs = exact.ground_state(xorsat.to_hubo(inst))
    assert e_gs == 0.0 and any(np.array_equal((g + 1) // 2, inst.planted) for g in gs)
    assert np.all(xorsat.violated(inst, (gs + 1) // 2) == 0)
    # the solutions form an affine space over GF(2): their number is a power of two
    assert len(gs) & (len(gs) - 1) == 0


# measured on other instances (seeds 1000-1009), 4096 sweeps: R = 32 solves 5/5 at n = 24 and 32 (first solution by
# sweep 743) but 4/5 at n = 48; R = 64 solves 10/10 at n = 48 (by sweep 1511)
@pytest.mark.parametrize("n, update, R", [(24, rules.behavioural, 32), (32, rules.metropolis, 32),
                                          (48, rules.behavioural, 64)])
def test_annealer_solves_planted_3r3x(n, update, R):
    inst = xorsat.planted(n, seed=n)
    r = higher_order.anneal(n, xorsat.to_hubo(inst), n_sweeps=4096, n_replicas=R, target_energy=0.0, update=update)
    assert r.best_energy == 0.0 and r.stopped == "target", (r.best_energy, r.sweeps)
    assert xorsat.violated(inst, (r.best_spins + 1) // 2) == 0


def test_anneal_is_reproducible_and_chunk_independent():
    model = xorsat.to_hubo(xorsat.planted(20, seed=1))
    a = higher_order.anneal(7, model, n_sweeps=100, n_replicas=8)
    b = higher_order.anneal(7, model, n_sweeps=100, n_replicas=8, chunk=16)
    assert a.sweeps == b.sweeps == 100 and np.array_equal(a.final_spins, b.final_spins)
    np.testing.assert_array_equal(a.trace_best, b.trace_best)
    assert a.best_energy == float(hubo.energy_exact(model, a.best_spins)) == a.trace_best[-1]
    calls = []
    c = higher_order.anneal(7, model, n_sweeps=100, n_replicas=8, chunk=16,
                            progress=lambda done, total, tr: calls.append(done) or done >= 32)
    assert c.stopped == "interrupt" and calls == [16, 32]


def test_anneal_and_generator_refuse_bad_arguments():
    model = xorsat.to_hubo(xorsat.planted(8, seed=0))
    with pytest.raises(ValueError, match="'n_replicas' must be a positive integer"):
        higher_order.anneal(0, model, n_replicas=0)
    with pytest.raises(ValueError, match=r"'spins' must be \(2, 8\) of \+/-1"):
        higher_order.anneal(0, model, n_replicas=2, spins=np.zeros((2, 8)))
    with pytest.raises(ValueError, match="expected a hubo.Hubo"):
        higher_order.anneal(0, np.zeros(3))
    with pytest.raises(ValueError, match="'n' must be an integer >= 4"):
        xorsat.planted(3)


def test_new_coefficients_do_not_recompile_and_replicas_keep_their_best():
    inst = xorsat.planted(16, seed=4)
    flipped = inst._replace(parity=(1 - inst.parity).astype(np.int8))  # same clauses, other right-hand sides
    a = higher_order.anneal(1, xorsat.to_hubo(inst), n_sweeps=64, n_replicas=8)
    size = higher_order._chunk._cache_size()
    model = xorsat.to_hubo(flipped)
    b = higher_order.anneal(1, model, n_sweeps=64, n_replicas=8)
    assert higher_order._chunk._cache_size() == size
    assert b.replica_best_spins.shape == (8, 16) and a.replica_best_spins.shape == (8, 16)
    np.testing.assert_array_equal(hubo.energy_exact(model, b.replica_best_spins), b.replica_best_energy)
