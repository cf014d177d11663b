"""Higher-order models against brute force: energies, local fields (every single flip), the exact binary <-> spin
expansion on all states, the Ising round trip, the validation of builders, and the plain-text problem format."""
import jax.numpy as jnp
import numpy as np
import pytest

from circuits.model import hubo, ising, qubo
from circuits.sampling import exact


def random_terms(n, counts, seed, *, integer=False):
    """``{index tuple: coefficient}`` with ``counts[k]`` distinct terms of order k (k = 1, 2, ...)."""
    rng = np.random.default_rng(seed)
    terms = {}
    for k, m in counts.items():
        while sum(len(t) == k for t in terms) < m:
            t = tuple(sorted(rng.choice(n, k, replace=False).tolist()))
            terms[t] = float(rng.integers(-3, 4) or 1) if integer else float(rng.uniform(-1, 1))
    return terms


def brute_energy(terms, offset, s):
    """The polynomial evaluated term by term in float64: (S, n) states -> (S,)."""
    s = np.asarray(s, np.float64)
    return offset + sum(c * np.prod(s[:, list(t)], 1) for t, c in terms.items())


@pytest.mark.parametrize("n, counts, seed", [(9, {1: 5, 2: 8, 3: 10}, 1), (10, {1: 4, 2: 6, 3: 6, 4: 9}, 2),
                                             (7, {4: 5, 5: 2}, 3)])
def test_energy_and_local_field_against_brute_force(n, counts, seed):
    terms = random_terms(n, counts, seed)
    model = hubo.from_dict(terms, n, offset=0.75)
    assert hubo.order(model) == max(counts)
    s = exact.states(n).astype(np.float64)
    want = brute_energy(terms, 0.75, s)
    np.testing.assert_allclose(hubo.energy_exact(model, s), want, rtol=0, atol=1e-5)  # float32 coefficients
    np.testing.assert_allclose(np.asarray(hubo.energy(model, jnp.asarray(s))), want, rtol=0, atol=1e-4)
    field = np.asarray(hubo.local_field(model, jnp.asarray(s)), np.float64)
    e = hubo.energy_exact(model, s)
    for i in range(n):  # flipping spin i changes the energy by 2 s_i I_i
        flipped = s.copy()
        flipped[:, i] *= -1
        np.testing.assert_allclose(hubo.energy_exact(model, flipped) - e, 2 * s[:, i] * field[:, i], rtol=0, atol=1e-4)


def test_binary_expansion_is_exact_on_every_state():
    n = 8
    terms = random_terms(n, {1: 3, 2: 5, 3: 5, 4: 4}, 4, integer=True)
    model = hubo.from_binary(terms, n, offset=-2.0)
    s = exact.states(n)
    x = (s + 1) // 2
    assert np.array_equal(hubo.energy_exact(model, s), brute_energy(terms, -2.0, x))  # dyadic: exact in float32
    back = hubo.to_binary(model)
    assert back.pop(()) == -2.0 and back == {t: c for t, c in sorted(terms.items())}


def test_ising_and_qubo_round_trips():
    rng = np.random.default_rng(5)
    J = np.triu(rng.integers(-2, 3, (6, 6)), 1).astype(float)
    J = J + J.T
    h = rng.integers(-2, 3, 6).astype(float)
    model = ising.from_dense(J, h)
    hm = hubo.from_ising(model, offset=1.5)
    s = exact.states(6)
    assert np.array_equal(hubo.energy_exact(hm, s), ising.energy_exact(model, s) + 1.5)
    np.testing.assert_array_equal(np.asarray(hubo.local_field(hm, jnp.asarray(s, jnp.float32))),
                                  np.asarray(ising.local_field(model, jnp.asarray(s, jnp.float32))))
    back, c = hubo.to_ising(hm, layout="dense")
    assert c == 1.5 and np.array_equal(np.asarray(back.J), J) and np.array_equal(np.asarray(back.h), h)
    assert hubo.as_dict(hubo.from_ising(ising.to_sparse(model), 1.5)) == hubo.as_dict(hm)
    Q = np.triu(rng.integers(-3, 4, (5, 5))).astype(float)
    hq = hubo.from_binary({(i, j) if i != j else (i,): Q[i, j] for i, j in zip(*np.nonzero(Q))}, 5)
    bits = (exact.states(5) + 1) // 2
    assert np.array_equal(hubo.energy_exact(hq, exact.states(5)), qubo.value(qubo.Qubo(Q, 0.0, ()), bits))
    with pytest.raises(ValueError, match="terms of order 3"):
        hubo.to_ising(hubo.from_dict({(0, 1, 2): 1.0}))


def test_builders_refuse_bad_terms_by_name():
    with pytest.raises(ValueError, match=r"term \(1, 1, 2\) repeats the index 1"):
        hubo.from_dict({(1, 1, 2): 1.0})
    with pytest.raises(ValueError, match=r"index 5, outside 0..3; pass n > 5"):
        hubo.from_dict({(0, 5): 1.0}, 4)
    with pytest.raises(ValueError, match="negative index -1"):
        hubo.from_binary({(-1, 2): 1.0})
    with pytest.raises(ValueError, match=r"coefficient of term \(0, 1\) is nan"):
        hubo.from_dict({(0, 1): float("nan")})
    with pytest.raises(ValueError, match="'offset' is inf"):
        hubo.from_dict({(0, 1): 1.0}, offset=float("inf"))
    with pytest.raises(ValueError, match="integer indices"):
        hubo.from_dict({(0, 1.5): 1.0})
    m = hubo.from_dict({(0, 1, 2): 1.0})
    with pytest.raises(ValueError, match=r"shape \(\.\.\., 3\), got \(2, 4\)"):
        hubo.energy(m, jnp.ones((2, 4)))
    with pytest.raises(ValueError, match="expected a hubo.Hubo"):
        hubo.check(ising.from_dense([[0.0]]))
    assert hubo.as_dict(hubo.from_dict({(2, 0, 1): 1.0, (1, 2, 0): 0.5})) == {(): 0.0, (0, 1, 2): 1.5}


def test_file_round_trip(tmp_path):
    terms = random_terms(11, {1: 4, 2: 6, 3: 7, 4: 3}, 6)
    model = hubo.from_dict(terms, 12, offset=0.1)  # spin 11 unused
    p = tmp_path / "p.txt"
    hubo.write(p, model)
    back = hubo.read(p)
    assert hubo.n_spins(back) == 12 and hubo.as_dict(back) == hubo.as_dict(model)
    integral = hubo.from_dict(random_terms(9, {1: 3, 2: 4, 3: 4}, 7, integer=True), offset=3.0)
    hubo.write(p, integral, vartype="binary")
    assert p.read_text().splitlines()[1].startswith("binary 9 ")
    assert hubo.as_dict(hubo.read(p)) == hubo.as_dict(integral)
    p.write_text("# a QUBO: 2 x0 x1 - x0\nbinary 2 3\n0 1 1.0\n1 0 1.0\n0 -1  # repeated terms add\n")
    q, c = hubo.to_ising(hubo.read(p))
    assert (ising.energy_exact(q, exact.states(2)) + c).tolist() == [0.0, -1.0, 0.0, 1.0]


@pytest.mark.parametrize("text, match", [
    ("", "is empty"),
    ("spin 3\n", "line 1 .*expected the header"),
    ("ising 3 1\n0 1 1\n", "line 1 .*expected the header"),
    ("spin 3 1 nan\n0 1 1\n", "line 1 .*finite offset"),
    ("spin 3 2\n0 1 1\n", "line 1 .*announces 2 terms but the file has 1"),
    ("spin 3 1\n0 1 1\n1 2 1\n", "line 3 .*announces 1 terms but the file has 2"),
    ("spin 3 1\n# c\n0 3 1\n", r"line 3 .*index 3 is outside 0..2"),
    ("spin 3 1\n0 -1 1\n", r"line 2 .*index -1 is outside"),
    ("spin 3 1\n0 1.5 1\n", "line 2 .*integer indices"),
    ("spin 3 1\n2.5\n", "line 2 .*expected 'i"),
    ("binary 3 1\n1 1 2\n", "line 2 .*an index repeats"),
    ("spin 3 1\n0 1 nan\n", "line 2 .*coefficient is nan"),
])
def test_malformed_files_name_the_line(tmp_path, text, match):
    p = tmp_path / "bad.txt"
    p.write_text(text)
    with pytest.raises(ValueError, match=match) as err:
        hubo.read(p)
    assert "'bad.txt'" in str(err.value) and "\n" not in str(err.value)


def test_unreadable_files_are_refused_by_name(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        hubo.read(tmp_path)
    p = tmp_path / "bin.txt"
    p.write_bytes(b"spin 2 1\n0 1 \xff\n")
    with pytest.raises(ValueError, match="'bin.txt' is not a text file in UTF-8"):
        hubo.read(p)
    with pytest.raises(FileNotFoundError, match="no such file"):
        hubo.read(tmp_path / "missing.txt")


def test_the_documented_example_reads(tmp_path):
    import re
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[2] / "docs" / "formats.md").read_text()
    block = re.search(r"```text\n(# violated.*?)```", doc, re.S)[1]
    p = tmp_path / "example.txt"
    p.write_text(block)
    model = hubo.read(p)
    s = exact.states(4)
    x = (s + 1) // 2
    want = ((x[:, 0] + x[:, 1] + x[:, 2]) % 2 != 1) + s[:, 2] * s[:, 3]
    assert np.array_equal(hubo.energy_exact(model, s), want)


@pytest.mark.parametrize("N, widths", [(143, (2, 3, 4)), (1763, (6,))])
def test_factoring_cost_as_a_hubo_matches_factor_bits(N, widths):
    from circuits.problems import factor_bits
    rng = np.random.default_rng(N)
    for n_a in widths:
        model = factor_bits.to_hubo(N, n_a)
        assert hubo.order(model) == 4
        net = factor_bits.network(N, 64, n_a=n_a)
        s = np.where(rng.random((64, hubo.n_spins(model))) < 0.5, -1.0, 1.0)
        want = np.asarray(factor_bits.energy(net, jnp.asarray(s.T)), np.float64)
        assert np.array_equal(hubo.energy_exact(model, s), want)
        # the field of the expanded model is the network's -(E(bit = 1) - E(bit = 0)) / 2
        e1, e0 = (hubo.energy_exact(model, np.where(np.arange(s.shape[1]) == 0, v, s)) for v in (1.0, -1.0))
        np.testing.assert_array_equal(np.asarray(hubo.local_field(model, jnp.asarray(s)))[:, 0], -(e1 - e0) / 2)


def test_energies_agree_with_dimod_binary_polynomials():
    dimod = pytest.importorskip("dimod")
    n = 8
    terms = random_terms(n, {1: 3, 2: 5, 3: 5, 4: 3}, 9)
    s = exact.states(n)
    for vartype, build, states in (("SPIN", hubo.from_dict, s), ("BINARY", hubo.from_binary, (s + 1) // 2)):
        poly = dimod.BinaryPolynomial({**terms, (): 0.25}, vartype)
        model = build(terms, n, offset=0.25)
        np.testing.assert_allclose(hubo.energy_exact(model, s), poly.energies((states, range(n))), rtol=0, atol=1e-5)
