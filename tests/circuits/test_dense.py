"""The blocked dense sweep: Boltzmann sampling against enumeration (KL vs the finite-sample floor), equality with a
plain sequential sweep given the same random numbers, energies from the fields, and the annealer's dense path
(reproducible under chunking and resume, refused by name where it cannot run)."""
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from circuits.annealing import schedules, simulated
from circuits.model import ising
from circuits.problems import gset, instances, maxcut
from circuits.sampling import dense, exact, rules

R = 4096          # independent chains
N_REC = 48        # records per chain
THIN = 3          # sweeps between records
N = R * N_REC     # samples; KL floor (K-1)/(2N)


def _model(n, seed, integer=False):
    """Random symmetric couplings (uniform in [-1, 1], or integers in -3..3) and fields in [-0.5, 0.5]."""
    rng = np.random.default_rng(seed)
    A = rng.integers(-3, 4, (n, n)) if integer else rng.uniform(-1, 1, (n, n))
    J = np.triu(A, 1)
    return ising.from_dense(J + J.T, rng.uniform(-0.5, 0.5, n))


@partial(jax.jit, static_argnames=("n_rec", "thin", "burn_in"))
def _samples(key, tables, st, beta, update, n_rec, thin, burn_in):
    """(n_rec, R, n_pad) records of R chains of dense sweeps (fields recomputed per sweep when float)."""
    def one(carry, k):
        s, g = carry
        g = dense.fields(tables, s) if dense.fresh(tables) else g
        return dense.sweep(k, tables, s, g, beta, update), None

    s = dense.pad(tables, st)
    carry, _ = lax.scan(one, (s, dense.fields(tables, s)), jax.random.split(jax.random.fold_in(key, 1), burn_in))

    def rec(carry, k):
        carry, _ = lax.scan(one, carry, jax.random.split(k, thin))
        return carry, carry[0].T.astype(jnp.int8)

    return lax.scan(rec, carry, jax.random.split(key, n_rec))[1]


@pytest.mark.parametrize("update", [rules.behavioural, rules.metropolis])
def test_dense_sweep_samples_the_exact_boltzmann_distribution(update):
    n, beta = 12, 0.8
    model = _model(n, seed=3)
    tables = dense.build(model, R)
    assert dense.block_sizes(n, R) == (16, 16) and dense.n_padded(tables) == 16  # the block size does not divide n
    st = jnp.where(jax.random.bernoulli(jax.random.key(2), 0.5, (n, R)), 1.0, -1.0)
    samples = np.asarray(_samples(jax.random.key(1), tables, st, jnp.float32(beta), rules.as_rule(update),
                                  N_REC, THIN, 30))[..., :n]
    p_emp = exact.empirical(samples, n)
    floor = exact.kl_floor(2 ** n, N)
    # perfect independent samples give KL <= floor +- sqrt(2(K-1))/(2N) (about 1-2 % of the floor here; below the
    # floor when many states have N p << 1, as here: 0.6x); thinning leaves weak correlations, so allow 1.5x the
    # floor (as tests/circuits/test_gibbs.py); a 10 % error in beta gives 2.7x.
    assert exact.kl(p_emp, exact.boltzmann(model, beta)) < 1.5 * floor
    assert exact.kl(p_emp, exact.boltzmann(model, 1.1 * beta)) > 2 * floor


def _reference_sweep(key, model, n_pad, st, beta, update):
    """Spins 0..n-1 one at a time with fields ``J_i . s + h_i`` in float64 and the rules' own formulas
    (``v (1 + exp(-2x)) < 1``, ``v exp(2 beta s I) < 1``), from the dense sweep's uniforms."""
    v = np.asarray(dense._uniforms(key, (n_pad, st.shape[1])), np.float64)
    J, h = np.asarray(model.J, np.float64), np.asarray(model.h, np.float64)
    s = np.array(st, np.float64)
    func = getattr(update, "func", update)
    for i in range(s.shape[0]):
        f = J[i] @ s + h[i]
        if func is rules.metropolis:
            s[i] = np.where(v[i] * np.exp(2 * beta * s[i] * f) < 1, -s[i], s[i])
        else:
            g, o = (1.0, 0.0) if func is rules.behavioural else (float(update.args[0][i]), float(update.args[1][i]))
            s[i] = np.where(v[i] * (1 + np.exp(-2 * (beta * g * f + o))) < 1, 1.0, -1.0)
    return s


@pytest.mark.parametrize("integer, block, inner", [(True, 8, 4), (False, 12, 3), (False, 16, 16)])
def test_blocked_sweep_equals_the_plain_sequential_sweep(integer, block, inner):
    """Same uniforms, same decisions, spin for spin, over several sweeps: blocks and sub-blocks that do not divide
    n = 13 (padding), several sub-blocks per block (2 and 4) and one; the carried fields stay J s (exactly for
    integers)."""
    n, Rr = 13, 32
    model = _model(n, seed=7 + integer, integer=integer)
    tables = dense.build(model, Rr, block=block, inner=inner)
    assert (tables.cols.dtype == jnp.int8) == integer
    rng = np.random.default_rng(1)
    st = np.where(rng.random((n, Rr)) < 0.5, 1.0, -1.0)
    beta = np.linspace(0.2, 1.5, Rr).astype(np.float32)  # one beta per replica
    device = rules.device_pbit(jnp.asarray(rng.uniform(0.5, 2.0, n)), jnp.asarray(rng.uniform(-0.3, 0.3, n)))
    step = jax.jit(dense.sweep)
    for update in (rules.behavioural, rules.metropolis, device):
        s = dense.pad(tables, jnp.asarray(st))
        g, ref = dense.fields(tables, s), st
        for t in range(4):
            k = jax.random.fold_in(jax.random.key(5), t)
            s, g = step(k, tables, s, g, beta, rules.as_rule(update))
            ref = _reference_sweep(k, model, dense.n_padded(tables), ref, beta, update)
            np.testing.assert_array_equal(np.asarray(s)[:n], ref)
            want = np.asarray(model.J, np.float64) @ np.asarray(s, np.float64)[:n]
            if integer:
                np.testing.assert_array_equal(np.asarray(g)[:n], want)
            else:
                np.testing.assert_allclose(np.asarray(g)[:n], want, atol=1e-5)
            # (c) the energy from the fields is the model's energy
            e = np.asarray(dense.energy(tables, s, g))
            np.testing.assert_allclose(e, ising.energy_exact(model, np.asarray(s)[:n].T), atol=1e-5, rtol=1e-6)


def test_energy_from_fields_is_exact_for_integer_couplings():
    model = maxcut.to_ising(instances.complete(50, seed=2), layout="dense")
    tables = dense.build(model)
    st = jnp.where(jax.random.bernoulli(jax.random.key(0), 0.5, (50, 6)), 1.0, -1.0)
    s = dense.pad(tables, st)
    e = np.asarray(dense.energy(tables, s, dense.fields(tables, s)))
    np.testing.assert_array_equal(e, ising.energy_exact(model, np.asarray(st).T))


def test_anneal_dense_path_is_reproducible_under_chunking_and_resume(tmp_path):
    model = maxcut.to_ising(instances.complete(40, seed=1), layout="dense")
    betas = schedules.geometric(0.05, 2.0, 60)
    big = maxcut.to_ising(instances.complete(simulated.DENSE_MIN_SPINS, seed=1), layout="dense")
    assert simulated.dense_path(big, 8, rules.metropolis) and not simulated.dense_path(model, 8, rules.metropolis)
    sparse_graph = maxcut.to_ising(gset.random_graph(100, 0.05, seed=0), layout="dense")  # 5 % of couplings
    assert not simulated.dense_path(sparse_graph, 8, rules.metropolis)
    run = partial(simulated.anneal, 3, model, betas, n_replicas=8, update=rules.metropolis)
    full = run(chunk=20, dense=True)
    assert full.dense and not full.packed
    other = run(chunk=30, dense=True)
    for a, b in ((full.final_spins, other.final_spins), (full.trace_best, other.trace_best),
                 (full.trace_mean, other.trace_mean), (full.replica_best_energy, other.replica_best_energy)):
        np.testing.assert_array_equal(a, b)
    ck = tmp_path / "dense.npz"
    part = run(chunk=20, dense=True, checkpoint=ck, progress=lambda *a: True)
    assert part.sweeps == 20
    with pytest.raises(ValueError, match="written with dense=True"):
        run(resume=ck, dense=False)
    rest = run(chunk=30, resume=ck)  # dense=None: the checkpoint's choice
    assert rest.dense and rest.sweeps == 60
    np.testing.assert_array_equal(rest.final_spins, full.final_spins)
    np.testing.assert_array_equal(rest.trace_best, full.trace_best)
    # the reported energy is the float64 energy of the reported state
    assert full.best_energy == ising.energy_exact(model, full.best_spins)
    assert full.best_energy == full.replica_best_energy.min()


def test_anneal_dense_path_with_float_couplings_is_chunk_invariant_and_finds_the_ground_state():
    model = _model(16, seed=11)
    e_gs, _ = exact.ground_state(model)
    a = simulated.anneal(4, model, n_sweeps=200, n_replicas=8, chunk=32, dense=True)
    b = simulated.anneal(4, model, n_sweeps=200, n_replicas=8, chunk=50, dense=True)
    assert a.dense and not simulated.dense_path(model, 8, rules.behavioural)  # 16 spins: chromatic by default
    np.testing.assert_array_equal(a.final_spins, b.final_spins)
    np.testing.assert_array_equal(a.trace_best, b.trace_best)
    assert a.best_energy == pytest.approx(e_gs, abs=1e-9)


def test_bad_input_is_named():
    sparse = maxcut.to_ising(instances.complete(8, seed=0))
    with pytest.raises(ValueError, match="dense.build: argument 'model' must be a dense.*ising.to_dense"):
        dense.build(sparse)
    with pytest.raises(ValueError, match="multiple of 'inner'"):
        dense.build(ising.to_dense(sparse), block=6, inner=4)
    with pytest.raises(ValueError, match="argument 'inner' must be a positive integer"):
        dense.build(ising.to_dense(sparse), inner=0)
    with pytest.raises(ValueError, match="dense=True needs a model with the dense layout.*ising.to_dense"):
        simulated.anneal(0, sparse, n_sweeps=4, n_replicas=4, dense=True)
    custom = lambda key, field, beta, spins: rules.behavioural(key, field, beta)  # noqa: E731
    with pytest.raises(ValueError, match="dense=True supports the rules"):
        simulated.anneal(0, ising.to_dense(sparse), n_sweeps=4, n_replicas=4, dense=True, update=custom)
    big = maxcut.to_ising(instances.complete(64, seed=0), layout="dense")
    assert not simulated.dense_path(big, 4, custom)  # another rule: the chromatic sweep
    assert simulated.anneal(0, big, n_sweeps=4, n_replicas=4, update=custom).dense is False
