"""QUBO builders (Lucas 2014), decoders, the QUBO file format and the optional dimod adapter."""
import itertools

import networkx as nx
import numpy as np
import pytest

from circuits.annealing import simulated
from circuits.model import qubo
from circuits.problems import graph_coloring, independent_set, partitioning
from circuits.sampling import exact


def _brute(q):
    n = q.Q.shape[0]
    x = np.array(list(itertools.product((0, 1), repeat=n)))
    v = qubo.value(q, x)
    return x, v


def _anneal(q, seed=0):
    model, off = qubo.to_ising(q.Q)
    res = simulated.anneal(seed, model, n_sweeps=400, n_replicas=32)
    x = qubo.bits(res.best_spins)
    assert qubo.value(q, x) == pytest.approx(res.best_energy + off + q.offset, abs=1e-3)
    return x


def test_qubo_ising_energies_agree_with_value():
    q = partitioning.number_partitioning([3, 1, 1, 2, 2, 1])
    model, off = qubo.to_ising(q.Q)
    xs = (exact.states(6) > 0).astype(int)
    np.testing.assert_allclose(exact.energies(model) + off + q.offset, qubo.value(q, xs), atol=1e-4)


def test_number_partitioning_optimum():
    nums = [4, 5, 6, 7, 8]  # perfect split exists: 4+5+6 = 7+8
    q = partitioning.number_partitioning(nums)
    x, v = _brute(q)
    assert v.min() == 0
    d = partitioning.decode_partition(nums, x[v.argmin()])
    assert d.feasible and d.objective == 0
    assert partitioning.decode_partition(nums, _anneal(q)).objective == 0


def test_max_independent_set_optimum_and_violations():
    G = nx.petersen_graph()  # independence number 4
    q = independent_set.max_independent_set(G)
    x, v = _brute(q)
    assert v.min() == -4
    assert all(independent_set.decode_independent_set(G, xi).feasible for xi in x[v == v.min()])
    d = independent_set.decode_independent_set(G, _anneal(q))
    assert d.feasible and d.objective == 4
    bad = independent_set.decode_independent_set(G, np.ones(10, int))
    assert not bad.feasible and len(bad.violations) == G.number_of_edges()


def test_graph_coloring_optimum_and_violations():
    G = nx.cycle_graph(5)  # odd cycle: chromatic number 3
    q3, q2 = graph_coloring.graph_coloring(G, 3), graph_coloring.graph_coloring(G, 2)
    x, v = _brute(q3)
    assert v.min() == 0 and (v == 0).sum() == 30  # 3! * 5 proper 3-colourings of C5
    d = graph_coloring.decode_coloring(G, 3, _anneal(q3))
    assert d.feasible and len(d.solution) == 5
    x2, v2 = _brute(q2)
    assert v2.min() >= 1  # no proper 2-colouring of an odd cycle
    d2 = graph_coloring.decode_coloring(G, 2, x2[v2.argmin()])
    assert not d2.feasible and any("colour" in s for s in d2.violations)


def test_qubo_file_round_trip_and_errors(tmp_path):
    q = graph_coloring.graph_coloring(nx.path_graph(3), 2)
    p = tmp_path / "q.txt"
    qubo.write(p, q)
    r = qubo.read(p)
    np.testing.assert_array_equal(r.Q, q.Q)
    assert r.offset == q.offset
    bad = tmp_path / "bad.txt"
    bad.write_text("3 2\n0 1 1.5\n0 x 2\n")
    with pytest.raises(ValueError, match=r"line 3 of .*expected 'i j value'"):
        qubo.read(bad)
    bad.write_text("3 1\n0 5 1.0\n")
    with pytest.raises(ValueError, match=r"line 2 .*0 <= i, j < 3"):
        qubo.read(bad)
    bad.write_text("3\n")
    with pytest.raises(ValueError, match="header"):
        qubo.read(bad)
    bad.write_text("3 4\n0 1 1\n")
    with pytest.raises(ValueError, match="announces 4 entries"):
        qubo.read(bad)


def test_dimod_adapter_matches_exact_solver():
    dimod = pytest.importorskip("dimod")  # the optional `dwave` extra
    from circuits.dimod_sampler import PbitSampler

    bqm = dimod.generators.ran_r(1, 10, seed=3)
    ss = PbitSampler().sample(bqm, num_reads=16, num_sweeps=300, seed=1)
    assert ss.first.energy == pytest.approx(dimod.ExactSolver().sample(bqm).first.energy)
    ssq = PbitSampler().sample_qubo({(0, 0): -1.0, (0, 1): 2.0, (1, 1): -1.0}, num_reads=4, num_sweeps=50)
    assert ssq.first.energy == -1.0 and ssq.vartype is dimod.BINARY
    with pytest.raises(ValueError, match="unknown parameter"):
        PbitSampler().sample_ising({}, {(0, 1): 1.0}, num_sweep=10)
