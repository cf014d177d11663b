"""The acceptance beta range from an instance's own energy changes: the acceptance bands it promises, measured
on the states an anneal actually visits (planar, toroidal, random sparse and dense instances). The default range's
hot end (the Bethe instability) is tested in test_bethe.py."""
import networkx as nx
import numpy as np
import pytest

from circuits.annealing import schedules, simulated
from circuits.model import ising
from circuits.problems import gset, instances, maxcut
from circuits.sampling import rules


def planar(L=16, seed=0):
    g, _ = maxcut.from_networkx(nx.convert_node_labels_to_integers(nx.grid_2d_graph(L, L)))
    return g._replace(weights=np.random.default_rng(seed).choice([-1.0, 1.0], len(g.edges)), name="grid")


CASES = {
    "planar": lambda: maxcut.to_ising(planar()),
    "toroidal": lambda: maxcut.to_ising(instances.torus2d(16, seed=1)),
    "random": lambda: maxcut.to_ising(gset.random_graph(300, 0.04, seed=2)),
    "dense": lambda: maxcut.to_ising(instances.complete(120, seed=3), layout="dense"),
    "real-weights": lambda: ising.from_dense(np.triu(np.random.default_rng(4).normal(size=(60, 60)), 1)
                                             + np.triu(np.random.default_rng(4).normal(size=(60, 60)), 1).T),
}


def acceptance(model, spins, beta):
    """``(uphill, all)``: mean Metropolis acceptance of the uphill single flips, and of all single flips, of the
    (R, n) states ``spins`` at ``beta``."""
    s = np.asarray(spins, np.float64)
    dE = (2 * s * np.asarray(ising.local_field(model, s))).ravel()
    return schedules.uphill_acceptance(beta, dE), float(np.mean(np.minimum(1.0, np.exp(-beta * dE))))


@pytest.mark.parametrize("case", CASES)
def test_first_and_last_sweeps_accept_in_the_stated_bands(case):
    model = CASES[case]()
    n = ising.n_spins(model)
    b0, b1 = schedules.acceptance_beta_range(model)
    d0, d1 = schedules.default_beta_range(model)
    assert d1 == b1 and d0 >= b0
    betas = np.asarray(schedules.segment(schedules.lazy_geometric(b0, b1, 400), 0, 400))
    # the first sweeps (the first 1 % of the schedule, from random states): about 30 % of the uphill flips (the
    # default's target on random states, HOT_ACCEPTANCE) and at least a quarter of all flips are accepted
    early = simulated.anneal(0, model, betas[:4], n_replicas=16, update=rules.metropolis, chunk=100)
    up, every = acceptance(model, early.final_spins, betas[3])
    assert 0.1 <= up <= 0.45, (case, up)
    assert every >= 0.25, (case, every)
    # the last sweeps: the uphill flips are accepted less than ~once per sweep (p = min(1e-3, 1/n) for the
    # smallest energy change, less for larger ones)
    late = simulated.anneal(0, model, betas, n_replicas=16, update=rules.metropolis, chunk=100)  # one compile
    up, _ = acceptance(model, late.final_spins, b1)
    assert up <= 2 * min(schedules.COLD_ACCEPTANCE, 1.0 / n), (case, up)


def test_range_follows_the_energy_scale():
    """Scaling every coupling by c scales beta by 1/c (the rule sees energy changes, not the graph)."""
    m = maxcut.to_ising(gset.random_graph(200, 0.05, seed=1))
    b = np.array(schedules.default_beta_range(m))
    m3 = m._replace(w=(np.asarray(m.w, np.float32) * 3.0))
    assert np.allclose(np.array(schedules.default_beta_range(m3)), b / 3.0, rtol=1e-6)


def test_retime_keeps_the_sweeps_done_and_ends_cold():
    s = schedules.lazy_geometric(0.2, 4.0, 1000)
    r = schedules.retime(s, 300, 100)
    assert r.n_sweeps == 400
    assert np.array_equal(schedules.segment(r, 0, 300), schedules.segment(s, 0, 300))
    tail = schedules.segment(r, 300, 100)
    assert np.all(np.diff(tail) > 0) and tail[-1] == pytest.approx(4.0, rel=1e-6)
    assert schedules.from_identity(schedules.identify(r)) == r


@pytest.mark.parametrize("first_plan", [20, 10**6])
def test_a_run_fitted_to_its_time_reaches_the_cold_end(first_plan):
    """Whether the first plan is far too short or far too long for the budget, the re-timed anneal ends at
    beta1 without being cut by the limit (no wall-time assertion: only where the schedule ended)."""
    m = maxcut.to_ising(gset.random_graph(200, 0.05, seed=1))
    r = simulated.anneal(0, m, schedules.lazy_geometric(0.2, 3.0, first_plan), n_replicas=8, chunk=16,
                         time_limit=4.0, fit_to_time=True, update=rules.metropolis)
    assert r.stopped == "done" and r.sweeps == r.schedule.n_sweeps
    assert schedules.segment(r.schedule, r.sweeps - 1, 1)[0] == pytest.approx(3.0, rel=1e-6)
    if first_plan == 20:  # too short: lengthened (to what the budget buys, and at least FIT_LEAST sweeps)
        assert r.sweeps >= simulated.FIT_LEAST
    else:  # far too long: compressed, the sweeps done kept as they ran
        assert r.schedule.knots and r.sweeps < first_plan
