"""Annealing and tempering find brute-force optima; time limit, target, progress stop, checkpoint/resume."""
import jax
import networkx as nx
import numpy as np
import pytest

from circuits.annealing import schedules, simulated, tempering
from circuits.model import ising
from circuits.problems import gset, maxcut
from circuits.sampling import exact, rules


def _signed_graph(n, seed):
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, 0.5, seed=seed)
    for u, v in G.edges:
        G[u][v]["weight"] = float(rng.choice([-1, 1]))
    return maxcut.from_networkx(G)[0]


@pytest.mark.parametrize("n, seed", [(16, 1), (18, 2), (20, 3)])
def test_annealing_finds_brute_force_maxcut(n, seed):
    g = _signed_graph(n, seed)
    model = maxcut.to_ising(g, layout="dense")
    e_gs, _ = exact.ground_state(model)
    res = simulated.anneal(seed, model, n_sweeps=300, n_replicas=16)
    assert res.best_energy == e_gs
    assert float(maxcut.cut_value(g, res.best_spins)) == float(maxcut.cut_from_energy(g, e_gs))
    pt, info = tempering.anneal(seed, model, n_sweeps=300, n_rungs=8, n_chains=2)
    assert pt.best_energy == e_gs
    assert info.betas[0] < info.betas[-1] and len(info.acceptance) == 7


def test_adaptive_ladder_equalises_acceptance():
    L = 12
    idx = np.arange(L * L).reshape(L, L)
    edges = np.concatenate([np.stack([idx.ravel(), np.roll(idx, -1, a).ravel()], 1) for a in (0, 1)])
    model = ising.from_edges(L * L, edges)
    res, info = tempering.anneal(0, model, np.geomspace(0.1, 1.0, 8), n_sweeps=3000, n_chains=8, adapt=0.8)
    fixed, info0 = tempering.anneal(0, model, np.geomspace(0.1, 1.0, 8), n_sweeps=3000, n_chains=8, adapt=0.0)
    a, a0 = info.acceptance, info0.acceptance
    assert a.min() > 0.05
    assert a.std() < a0.std()  # more uniform than the geometric ladder


def test_time_limit_target_and_interrupt():
    g = gset.random_graph(200, 0.1, seed=1)
    model = maxcut.to_ising(g)
    res = simulated.anneal(0, model, n_sweeps=10 ** 6, n_replicas=8, chunk=64, time_limit=1.0)
    assert res.stopped == "time_limit" and 0 < res.sweeps < 10 ** 6 and res.wall_time < 20
    easy = float(maxcut.energy_from_cut(g, 0.5 * maxcut.total_weight(g)))
    res = simulated.anneal(0, model, n_sweeps=10 ** 5, n_replicas=8, chunk=16, target_energy=easy)
    assert res.stopped == "target" and res.best_energy <= easy and res.sweeps < 10 ** 5
    calls = []
    res = simulated.anneal(0, model, n_sweeps=100, n_replicas=4, chunk=10, progress=lambda *a: len(calls) >= 2 or calls.append(1))
    assert res.stopped == "interrupt" and res.sweeps == 30 and len(res.trace_best) == 30


def test_checkpoint_resume_loses_nothing(tmp_path):
    g = gset.random_graph(100, 0.1, seed=2)
    model = maxcut.to_ising(g)
    betas = schedules.geometric(0.1, 3.0, 120)
    full = simulated.anneal(7, model, betas, n_replicas=8, chunk=20)
    ck = tmp_path / "ck.npz"
    calls = []
    part = simulated.anneal(7, model, betas, n_replicas=8, chunk=20, checkpoint=ck,
                            progress=lambda *a: len(calls) >= 2 or calls.append(1))
    assert part.stopped == "interrupt" and part.sweeps == 60
    rest = simulated.anneal(jax.random.key(9), model, betas, n_replicas=8, chunk=40, resume=ck)  # key from the file
    assert rest.sweeps == 120 and rest.seed == 7
    np.testing.assert_array_equal(rest.final_spins, full.final_spins)
    np.testing.assert_array_equal(rest.replica_best_energy, full.replica_best_energy)
    np.testing.assert_array_equal(rest.trace_best, full.trace_best)
    np.testing.assert_array_equal(rest.best_spins, full.best_spins)
    with pytest.raises(ValueError, match="another schedule"):
        simulated.anneal(7, model, schedules.linear(0.1, 3.0, 120), n_replicas=8, resume=ck)
    with pytest.raises(ValueError, match=r"\(8, 100\) \(R, n\) but this run has \(4, 100\)"):
        simulated.anneal(7, model, betas, n_replicas=4, resume=ck)


def test_tempering_checkpoint_resume_loses_nothing(tmp_path):
    g = gset.random_graph(100, 0.1, seed=2)
    model = maxcut.to_ising(g)
    kw = dict(n_sweeps=120, n_rungs=4, n_chains=2, chunk=10)  # adapt=0.5: the ladder moves every 7 sweeps
    full, info = tempering.anneal(7, model, **kw)
    ck = tmp_path / "pt.npz"
    calls = []
    part, _ = tempering.anneal(7, model, **kw, checkpoint=ck, progress=lambda *a: len(calls) >= 2 or calls.append(1))
    assert part.stopped == "interrupt" and part.sweeps == 21  # stopped while the ladder still adapts
    rest, rest_info = tempering.anneal(jax.random.key(9), model, **kw, resume=ck)  # the key comes from the file
    assert rest.sweeps == 120 and rest.seed == 7
    np.testing.assert_array_equal(rest.final_spins, full.final_spins)
    np.testing.assert_array_equal(rest.replica_best_energy, full.replica_best_energy)
    np.testing.assert_array_equal(rest.trace_best, full.trace_best)
    np.testing.assert_array_equal(rest_info.betas, info.betas)
    np.testing.assert_array_equal(rest_info.acceptance, info.acceptance)
    with pytest.raises(ValueError, match="another initial_ladder"):
        tempering.anneal(7, model, np.geomspace(0.1, 3.0, 4), n_sweeps=120, n_chains=2, resume=ck)
    with pytest.raises(ValueError, match="another plan; use the same n_sweeps, adapt and cluster"):
        tempering.anneal(7, model, **{**kw, "n_sweeps": 200}, resume=ck)
    with pytest.raises(ValueError, match=r"\(8, 100\) \(R, n\) but this run has \(12, 100\)"):
        tempering.anneal(7, model, **{**kw, "n_chains": 3}, resume=ck)
    annealer_ck = tmp_path / "sa.npz"
    simulated.anneal(7, model, n_sweeps=20, n_replicas=8, checkpoint=annealer_ck)
    with pytest.raises(ValueError, match="its driver is 'anneal', this run's is 'tempering'"):
        tempering.anneal(7, model, **kw, resume=annealer_ck)


def test_compile_time_is_reported_apart():
    g = gset.random_graph(60, 0.1, seed=4)
    model = maxcut.to_ising(g)
    betas = schedules.geometric(0.1, 3.0, 37)  # shapes not compiled by other tests
    first = simulated.anneal(0, model, betas, n_replicas=3)
    again = simulated.anneal(1, model, betas, n_replicas=3)
    assert first.compile_time > 0.02 and again.compile_time < 0.5 * first.compile_time
    for r in (first, again):
        assert r.wall_time == pytest.approx(r.compile_time + r.run_time)
        assert r.spin_updates_per_s == pytest.approx(60 * 3 * 37 / r.run_time)


def test_checkpoint_keeps_a_big_seed(tmp_path):
    """A seed >= 2**63 runs, is stored in the checkpoint as written, and resumes to the uninterrupted run."""
    model = maxcut.to_ising(gset.random_graph(40, 0.2, seed=3))
    seed = 2**70 + 5
    full = simulated.anneal(seed, model, n_sweeps=40, n_replicas=4, chunk=10)
    assert full.seed == seed
    ck = tmp_path / "big.npz"
    part = simulated.anneal(seed, model, n_sweeps=40, n_replicas=4, chunk=10, checkpoint=ck,
                            progress=lambda *a: True)
    assert part.sweeps == 10
    rest = simulated.anneal(seed, model, n_sweeps=40, n_replicas=4, chunk=10, resume=ck)
    assert rest.seed == seed and np.array_equal(rest.final_spins, full.final_spins)


def test_resume_refuses_another_run_by_name(tmp_path):
    """A checkpoint resumed on another model of the same size, with another rule or another seed, is refused
    with the field that differs; the same run resumes."""
    g, other = gset.random_graph(50, 0.2, seed=1), gset.random_graph(50, 0.2, seed=2)  # same n, other edges
    model = maxcut.to_ising(g)
    ck = tmp_path / "a.npz"
    simulated.anneal(3, model, n_sweeps=40, n_replicas=4, chunk=10, checkpoint=ck, progress=lambda *a: True)
    with pytest.raises(ValueError, match=r"belongs to another run: its model is .*same graph"):
        simulated.anneal(3, maxcut.to_ising(other), n_sweeps=40, n_replicas=4, resume=ck)
    with pytest.raises(ValueError, match=r"its rule is '.*behavioural', this run's is '.*metropolis'"):
        simulated.anneal(3, model, n_sweeps=40, n_replicas=4, resume=ck, update=rules.metropolis)
    with pytest.raises(ValueError, match=r"its seed is '3', this run's is '4'"):
        simulated.anneal(4, model, n_sweeps=40, n_replicas=4, resume=ck)
    assert simulated.anneal(3, model, n_sweeps=40, n_replicas=4, resume=ck).sweeps == 40
    pt = tmp_path / "pt.npz"
    tempering.anneal(3, model, n_sweeps=40, n_rungs=4, n_chains=1, checkpoint=pt, progress=lambda *a: True)
    with pytest.raises(ValueError, match="its model is"):
        tempering.anneal(3, maxcut.to_ising(other), n_sweeps=40, n_rungs=4, n_chains=1, resume=pt)


@pytest.mark.parametrize("content, message", [
    (b"", "not a pbits checkpoint"), (b"PK\x03\x04 truncated", "not a pbits checkpoint"),
    (b"n m\n1 2 1\n", "not a pbits checkpoint")])
def test_broken_checkpoint_files_get_one_line_errors(tmp_path, content, message):
    model = maxcut.to_ising(gset.random_graph(20, 0.3, seed=1))
    bad = tmp_path / "bad.npz"
    bad.write_bytes(content)
    with pytest.raises(ValueError, match=message) as err:
        simulated.anneal(0, model, n_sweeps=10, n_replicas=4, resume=bad)
    assert "bad.npz" in str(err.value) and "\n" not in str(err.value)


def test_foreign_and_edited_checkpoints_are_refused(tmp_path):
    model = maxcut.to_ising(gset.random_graph(20, 0.3, seed=1))
    ck = tmp_path / "ck.npz"
    simulated.anneal(0, model, n_sweeps=20, n_replicas=4, chunk=10, checkpoint=ck, progress=lambda *a: True)
    good = dict(np.load(ck))
    cases = [({"x": np.zeros(3)}, "lacks spins"), ({**good, "spins": np.zeros_like(good["spins"])}, r"\+/-1 spins"),
             ({**good, "sweeps": np.array(-7)}, "'sweeps' = "), ({k: v for k, v in good.items() if k != "id_model"},
                                                               "does not record its model")]
    for arrays, message in cases:
        np.savez(tmp_path / "edited.npz", **arrays)
        with pytest.raises(ValueError, match=message):
            simulated.anneal(0, model, n_sweeps=20, n_replicas=4, resume=tmp_path / "edited.npz")


@pytest.mark.parametrize("method", ["anneal", "tempering"])
def test_ctrl_c_while_compiling_leaves_a_checkpoint_that_resumes(tmp_path, monkeypatch, method):
    """Ctrl-C before the first chunk (during compilation) returns a result with no sweeps and writes a checkpoint
    from which the resumed run equals the uninterrupted one."""
    from circuits.annealing import driver

    model = maxcut.to_ising(gset.random_graph(30, 0.3, seed=4))
    run = (lambda **kw: simulated.anneal(6, model, n_sweeps=30, n_replicas=4, chunk=10, **kw)) if method == "anneal" \
        else (lambda **kw: tempering.anneal(6, model, n_sweeps=30, n_rungs=2, n_chains=2, chunk=10, **kw)[0])
    full = run()
    real = driver.compile_seconds

    def interrupt_chunk(fn, *a, **k):
        if fn is not simulated.initial_energy:
            raise KeyboardInterrupt
        return real(fn, *a, **k)

    monkeypatch.setattr(driver, "compile_seconds", interrupt_chunk)
    ck = tmp_path / f"{method}.npz"
    part = run(checkpoint=ck)
    assert part.stopped == "keyboard" and part.sweeps == 0 and ck.is_file()
    monkeypatch.setattr(driver, "compile_seconds", real)
    rest = run(resume=ck)
    assert rest.sweeps == 30 and np.array_equal(rest.final_spins, full.final_spins)


def test_ctrl_c_while_the_initial_state_is_made(tmp_path, monkeypatch):
    """Even during the first compilation (the initial energies) Ctrl-C leaves a state and a checkpoint."""
    from circuits.annealing import driver

    model = maxcut.to_ising(gset.random_graph(30, 0.3, seed=4))
    full = simulated.anneal(8, model, n_sweeps=20, n_replicas=4, chunk=10)
    real = driver.compile_seconds

    def interrupt_all(fn, *a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(driver, "compile_seconds", interrupt_all)
    ck = tmp_path / "early.npz"
    part = simulated.anneal(8, model, n_sweeps=20, n_replicas=4, chunk=10, checkpoint=ck)
    assert part.stopped == "keyboard" and part.sweeps == 0 and ck.is_file()
    monkeypatch.setattr(driver, "compile_seconds", real)
    rest = simulated.anneal(8, model, n_sweeps=20, n_replicas=4, chunk=10, resume=ck)
    assert np.array_equal(rest.final_spins, full.final_spins)  # integer couplings: the numpy energies are exact
