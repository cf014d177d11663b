"""Factoring: the factor-bit network E = (N - p q)^2 (Borders et al., Nature 2019), the reversed multiplier
(Camsari et al., PRX 2017), and the `pbits factor` CLI."""

import jax
import numpy as np
import pytest

from circuits.problems import factor_bits, factoring
from circuits.sampling import exact
from pbits.runtime import prng


def test_semiprime_list():
    assert factoring.semiprimes(4, 4) == [9, 15]
    assert factoring.semiprimes(4, 4, odd=False) == [9, 10, 14, 15]
    assert {143, 221, 323, 899, 1003} <= set(factoring.semiprimes(8, 10))


def _factored(res, N):
    return res.found and res.factors[0] * res.factors[1] == N and 1 not in res.factors


def test_semiprimes_up_to_10_bits_are_factored_by_the_multiplier():
    """Every semiprime up to 8 bits and a fixed random third of the 9- and 10-bit ones (the product network below
    is checked on every one up to 10 bits; the multiplier, a larger network, costs more per number)."""
    rng = np.random.default_rng(1)
    wide = factoring.semiprimes(9, 10, odd=False)
    ns = factoring.semiprimes(2, 8, odd=False) + sorted(rng.choice(wide, len(wide) // 3, replace=False).tolist())
    failed = [N for N in ns
              if not _factored(factoring.factor(0, N, method="multiplier", n_replicas=64, max_restarts=200), N)]
    assert failed == []


def test_every_semiprime_up_to_10_bits_is_factored_by_the_product_network():
    results = {N: factoring.factor(0, N, method="product", n_replicas=64)
               for N in factoring.semiprimes(2, 10, odd=False)}
    assert [N for N, r in results.items() if not _factored(r, N)] == []
    assert all(r.method == "product" and r.n_pbits == N.bit_length() - 2 * (N % 2) for N, r in results.items())


def test_the_expanded_cost_on_the_generic_higher_order_engine_factors():
    """method="hubo": the 4-body cost of one width at a time (pins substituted) annealed by higher_order.anneal;
    every width's ground states are exactly its factorisations, and the run finds them."""
    for N in (35, 202, 899):
        res = factoring.factor(0, N, method="hubo")
        assert _factored(res, N) and res.method == "hubo", N
    for N, n_a in ((221, 4), (202, 2)):
        model, free, wp, wq = factor_bits.pinned_hubo(N, n_a)
        e, gs = exact.ground_state(model)
        x = np.ones((len(gs), len(wp)))
        x[:, free] = (np.asarray(gs) + 1) / 2
        assert e == 0.0 and all(p * q == N for p, q in zip(x @ wp, x @ wq)), N
    with pytest.raises(ValueError, match="method 'hubo'.*11 bits"):
        factoring.factor(0, 2 ** 11 + 1, method="hubo")


BALANCED_16 = [251 * 257, 241 * 269, 239 * 271, 233 * 281, 227 * 283, 211 * 307, 193 * 337]


def test_16_bit_semiprimes_are_factored_by_the_product_network():
    rng = np.random.default_rng(0)
    ns = BALANCED_16 + rng.choice(factoring.semiprimes(16, 16), 23, replace=False).tolist() + [2 * 32749]
    assert all(N < 2 ** 16 and N.bit_length() == 16 for N in ns)
    failed = [N for N in ns if not _factored(factoring.factor(1, N, n_replicas=256), N)]
    assert failed == []


def _enumerate(N, n_a, beta):
    """Free positions, and exact Boltzmann weights exp(-beta (N - p q)^2)/Z of one width, by enumeration."""
    wp, wq, pinned = factor_bits.layout(N, n_a)
    free = np.flatnonzero(~pinned)
    idx = np.arange(2 ** free.size)
    x = np.ones((idx.size, pinned.size))
    x[:, free] = (idx[:, None] >> np.arange(free.size)) & 1
    e = (N - (x @ wp) * (x @ wq)) ** 2
    w = np.exp(-beta * (e - e.min()))
    return free, w / w.sum()


def test_product_sampler_matches_exact_boltzmann():
    """At fixed beta the sequential p-bit sweeps sample exp(-beta (N - p q)^2) within each width."""
    N, beta, R = 143, 3e-4, 3 * 32768           # widths 2, 3, 4: 64 states each, ~29 effective states
    net = factor_bits.network(N, R)
    # 100 sweeps from random states: 20 leave a KL of ~5x the floor here, 50 reach it
    out = factor_bits.anneal(prng.key(0), net, np.full(100, beta, np.float32), stop=False)
    spins, n_a = np.asarray(out.spins), np.asarray(net.n_a)
    for w in factor_bits.widths(N):
        free, p_exact = _enumerate(N, w, beta)
        bits = spins[np.ix_(free, n_a == w)] > 0
        emp = np.bincount((bits << np.arange(free.size)[:, None]).sum(0), minlength=p_exact.size) / bits.shape[1]
        floor = exact.kl_floor(p_exact.size, bits.shape[1])
        # independent chains: KL = floor +- sqrt(2(K-1))/(2 n) (18 % of the floor); 20 % off in beta gives ~10x
        assert exact.kl(emp, p_exact) < 1.5 * floor, (w, exact.kl(emp, p_exact), floor)
        assert exact.kl(emp, _enumerate(N, w, 1.2 * beta)[1]) > 3 * floor
        assert np.all(spins[factor_bits.layout(N, w)[2]][:, n_a == w] == 1)  # pins held


def test_product_local_field_is_the_energy_difference():
    N = 899
    net = factor_bits.network(N, 4)
    s = factor_bits.init(jax.random.key(0), net)
    for t in range(s.shape[0]):
        e1, e0 = (factor_bits.energy(net, s.at[t].set(v)) for v in (1.0, -1.0))
        x = (s[t] + 1) / 2
        p, q = factor_bits.factors(net, s)
        p0, q0 = p - x * net.wp[t], q - x * net.wq[t]
        (_, _), new = factor_bits._visit(net.n, 1e9, lambda k, f, b, s: f, (p, q),
                                (s[t], net.wp[t], net.wq[t], np.zeros(4, bool), jax.random.key(1)))
        np.testing.assert_allclose(new, -(e1 - e0) / 2, rtol=1e-6)


def test_product_widths_cover_every_factorisation_and_exclude_trivial_ones():
    for N in range(4, 1 << 12):
        bits = N.bit_length()
        for n_a in factor_bits.widths(N):
            assert 2 <= 2 ** (n_a - 1) and 2 ** n_a - 1 < N       # p >= 2, and p = N (q = 1) cannot occur
            assert (bits - n_a + 1) + n_a == bits + 1
        divisors = [d for d in range(2, int(N ** 0.5) + 1) if N % d == 0]
        assert (factor_bits.n_solutions(N) >= 1) == bool(divisors), N
        for d in divisors:  # the smaller factor fits a width, the larger one fits the rest
            assert d.bit_length() in factor_bits.widths(N) and (N // d) < 2 ** (bits - d.bit_length() + 1)


def test_product_same_bit_length_does_not_recompile():
    betas = factor_bits.default_betas(40000, 10)
    factor_bits.anneal(prng.key(0), factor_bits.network(40001, 8), betas)
    size = factor_bits.anneal._cache_size()
    factor_bits.anneal(prng.key(1), factor_bits.network(64507, 8), factor_bits.default_betas(64507, 10))
    assert factor_bits.anneal._cache_size() == size


@pytest.mark.parametrize("method", ["product", "multiplier"])
def test_prime_has_no_ground_state(method):
    res = factoring.factor(0, 13, method=method, n_replicas=32, n_sweeps=200, max_restarts=2)
    assert not res.found and res.factors is None and res.restarts == 2 and res.method == method


def test_product_limit_is_2_to_the_24():
    assert factoring.check_n(2 ** 24 - 1) == 2 ** 24 - 1
    with pytest.raises(ValueError, match="method='multiplier'"):
        factoring.factor(0, 2 ** 24 + 1)
    assert factoring.check_n(2 ** 24 + 1, "multiplier") == 2 ** 24 + 1
    with pytest.raises(ValueError, match="method must be one of"):
        factoring.factor(0, 15, method="shor")
