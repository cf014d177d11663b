"""Invertible logic: gate Hamiltonians, composition, free/forward/reverse modes (Camsari et al. PRX 2017)."""
import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from circuits.problems import logic, multiplier
from circuits.sampling import exact, gibbs

BETA = 2.0  # the documented operating point: valid mass >= 0.99 for every gate (exact below)

GATES = {
    "AND": (logic.AND("a", "b", "c"), ("a", "b"), ("c",), lambda a, b: (a & b,)),
    "OR": (logic.OR("a", "b", "c"), ("a", "b"), ("c",), lambda a, b: (a | b,)),
    "XOR": (logic.XOR("a", "b", "c"), ("a", "b"), ("c",), lambda a, b: (a ^ b,)),
    "NOT": (logic.NOT("a", "c"), ("a",), ("c",), lambda a: (1 - a,)),
    "COPY": (logic.COPY("a", "c"), ("a",), ("c",), lambda a: (a,)),
    "HA": (logic.half_adder("a", "b", "s", "c"), ("a", "b"), ("s", "c"), lambda a, b: (a ^ b, a & b)),
}


def _rows(ins, fn):
    return sorted(tuple(x) + tuple(fn(*x)) for x in itertools.product((0, 1), repeat=len(ins)))


@pytest.mark.parametrize("name", GATES)
def test_gate_penalty_is_zero_exactly_on_truth_table(name):
    circuit, ins, outs, fn = GATES[name]
    assert sorted(map(tuple, logic.truth_table(circuit, ins + outs))) == _rows(ins, fn)
    # every other assignment of all nodes (auxiliaries included) costs at least one unit
    n = len(circuit.nodes)
    x = (np.arange(2 ** n)[:, None] >> np.arange(n)) & 1
    pen = logic.penalty(circuit, x)
    assert np.all((np.isclose(pen, 0)) | (pen >= 1 - 1e-12))


def test_and_gate_is_camsari_and_valid_mass_matches_enumeration():
    model, _ = logic.to_ising(logic.AND("A", "B", "C"))
    np.testing.assert_array_equal(np.asarray(model.J), [[0, -1, 2], [-1, 0, 2], [2, 2, 0]])
    np.testing.assert_array_equal(np.asarray(model.h), [1, 1, -2])
    valid = np.isin(exact.state_index(exact.states(3)), [0, 1, 2, 7])  # 000, 100, 010, 111 (bit i = spin i)
    assert exact.boltzmann(model, 1.0)[valid].sum() == pytest.approx(0.9865, abs=1e-4)
    assert exact.boltzmann(model, 2.0)[valid].sum() == pytest.approx(0.99975, abs=1e-5)


def _sample(model, beta, key=0, chains=4096, burn_in=5000):
    n = model.h.shape[0]
    s0 = jnp.where(jax.random.bernoulli(jax.random.key(key + 1), 0.5, (chains, n)), 1.0, -1.0)
    return np.asarray(gibbs.sample(jax.random.key(key), model, s0, beta, n_samples=1, burn_in=burn_in)[0])


@pytest.mark.parametrize("name", ["AND", "OR", "XOR", "NOT"])
def test_free_mode_samples_valid_rows_uniformly(name):
    circuit, ins, outs, fn = GATES[name]
    model, _ = logic.to_ising(circuit)
    n = len(circuit.nodes)
    spins = _sample(model, BETA)
    bits = (spins > 0).astype(int)
    valid = np.isclose(logic.penalty(circuit, bits), 0)
    assert valid.mean() >= 0.99
    cols = logic.index(circuit, ins + outs)
    rows = _rows(ins, fn)
    freq = np.array([np.mean(np.all(bits[:, cols] == r, 1)) for r in rows])
    p_row = valid.mean() / len(rows)
    se = np.sqrt(p_row * (1 - p_row) / len(bits))
    assert np.all(np.abs(freq - p_row) < 3 * se + 1e-12), (freq, p_row, se)
    # and the exact Boltzmann distribution agrees: valid mass >= 0.99 at the documented beta
    p = exact.boltzmann(model, BETA)
    xs = (exact.states(n) > 0).astype(int)
    assert p[np.isclose(logic.penalty(circuit, xs), 0)].sum() >= 0.99


@pytest.mark.parametrize("name", ["AND", "OR", "XOR"])
def test_forward_and_reverse_modes(name):
    circuit, ins, outs, fn = GATES[name]
    for a, b in itertools.product((0, 1), repeat=2):  # forward: inputs pinned -> output follows
        model, _ = logic.to_ising(circuit, {ins[0]: a, ins[1]: b})
        bits = (_sample(model, BETA, chains=1024, burn_in=200) > 0).astype(int)
        assert np.mean(bits[:, logic.index(circuit, outs)[0]] == fn(a, b)[0]) >= 0.99
    for c in (0, 1):  # reverse: output pinned -> inputs are a valid pre-image
        model, _ = logic.to_ising(circuit, {outs[0]: c})
        bits = (_sample(model, BETA, chains=2048, burn_in=5000) > 0).astype(int)
        a, b = bits[:, logic.index(circuit, ins)].T
        assert np.mean(np.array(fn(a, b)[0]) == c) >= 0.99


def test_full_adder_ground_states_are_its_truth_table():
    fa = logic.full_adder("a", "b", "ci", "s", "co")
    expect = sorted((a, b, c, (a + b + c) % 2, (a + b + c) // 2) for a, b, c in itertools.product((0, 1), repeat=3))
    assert sorted(map(tuple, logic.truth_table(fa, fa.nodes))) == expect
    model, e0 = logic.to_ising(fa)
    e_gs, gs = exact.ground_state(model)
    assert e_gs == pytest.approx(e0)
    assert sorted(map(tuple, (gs > 0).astype(int))) == expect


def test_composition_and_ising_energy_scale():
    c = logic.compose(logic.AND("a", "b", "t"), logic.OR("t", "c", "y"))
    rows = logic.truth_table(c, ["a", "b", "c", "y"])
    assert sorted(map(tuple, rows)) == sorted((a, b, cc, (a & b) | cc)
                                              for a, b, cc in itertools.product((0, 1), repeat=3))
    model, e0 = logic.to_ising(c)
    xs = (exact.states(5) > 0).astype(int)
    np.testing.assert_allclose(exact.energies(model), logic.SCALE * logic.penalty(c, xs) + e0, atol=1e-5)


def test_4x4_multiplier_ground_states_are_all_products():
    circuit, a, b, p = multiplier.multiplier(4, 4)
    A, B = np.meshgrid(np.arange(16), np.arange(16), indexing="ij")
    inputs = {f"a{i}": (A.ravel() >> i) & 1 for i in range(4)} | {f"b{j}": (B.ravel() >> j) & 1 for j in range(4)}
    x = logic.evaluate(circuit, inputs)  # the forward assignment of every node, for all 256 inputs
    assert np.all(np.isclose(logic.penalty(circuit, x), 0))  # each one is a ground state (penalty 0) ...
    prod = sum(x[:, logic.index(circuit, node)[0]] << k for k, node in enumerate(p) if node is not None)
    np.testing.assert_array_equal(prod, A.ravel() * B.ravel())  # ... with the right product
    # ... and any other assignment is excited: every gate is >= 1 off its truth table (tested above),
    # so a state with penalty 0 satisfies all gates, i.e. it is the forward evaluation of its inputs.
    rng = np.random.default_rng(0)
    flips = x[rng.integers(0, 256, 2000)].copy()
    pos = rng.integers(0, x.shape[1], 2000)
    flips[np.arange(2000), pos] ^= 1
    driven = ~np.isin(np.arange(x.shape[1]), logic.index(circuit, a + b))
    assert np.all(logic.penalty(circuit, flips)[driven[pos]] >= 1)


def test_bad_input():
    with pytest.raises(ValueError, match="distinct"):
        logic.AND("a", "a", "c")
    with pytest.raises(ValueError, match="unknown node"):
        logic.to_ising(logic.AND("a", "b", "c"), {"z": 1})
    with pytest.raises(ValueError, match="0 or 1"):
        logic.to_ising(logic.AND("a", "b", "c"), {"a": 2})
    with pytest.raises(ValueError, match="strength"):
        logic.to_ising(logic.AND("a", "b", "c"), {"a": 1}, strength=-1.0)


@pytest.mark.parametrize("clamp", [None, {"A": 1, "B": 0}, {"C": 1}])
def test_pinned_circuit_samples_match_exact_boltzmann(clamp):
    """logic.sample of the AND gate (free, forward, reverse) against enumeration of the pinned network."""
    gate = logic.AND("A", "B", "C")
    n = 8192
    bits = logic.sample(jax.random.key(3), gate, clamp, beta=1.0, n_chains=n, burn_in=200)
    model, _ = logic.to_ising(gate, clamp)
    p = exact.boltzmann(model, 1.0)
    kl = exact.kl(exact.empirical(2 * bits - 1), p)
    assert kl < 3 * exact.kl_floor(8, n), kl
