"""Boltzmann learning with p-bit sampling, judged by the exact KL(data || model)."""
import jax
import numpy as np
import pytest

from circuits.problems import learning


def test_data_sets():
    bas = learning.bars_and_stripes(3)
    assert bas.shape == (14, 9) and len({tuple(r) for r in bas}) == 14
    par = learning.parity(4)
    assert par.shape == (8, 4) and np.all(np.prod(par, 1) == 1)


def test_exact_kl_of_uniform_model():
    data = learning.bars_and_stripes(3)
    assert learning.kl(learning.init_fvbm(9), data) == pytest.approx(np.log(512 / 14))
    # RBM with zero weights is uniform too; log_prob sums to 1 over all states
    rbm = learning.RBM(np.zeros((9, 4)), np.zeros(9), np.zeros(4))
    assert learning.kl(rbm, data) == pytest.approx(np.log(512 / 14))


def test_rbm_pcd_learns_bars_and_stripes():
    data = learning.bars_and_stripes(3)
    params = learning.init_rbm(jax.random.key(1), 9, 16)
    params, hist = learning.train(jax.random.key(0), params, data, n_epochs=1000, eval_every=250)
    assert hist.kl[-1] <= hist.kl[0] / 5, hist.kl
    samples = learning.sample_visible(jax.random.key(2), params, 2000)
    in_data = np.mean([tuple(s) in {tuple(r) for r in data} for s in samples])
    assert in_data > 0.5  # the learned model puts most of its mass on the 14 of 512 patterns


def test_rbm_cd_k_and_fvbm_learn():
    data = learning.bars_and_stripes(3)
    p, hist = learning.train(jax.random.key(0), learning.init_rbm(jax.random.key(1), 9, 16), data,
                             n_epochs=1000, k=3, persistent=False, eval_every=500)
    assert hist.kl[-1] <= hist.kl[0] / 5
    p, hist = learning.train(jax.random.key(0), learning.init_fvbm(9), data, n_epochs=500, eval_every=500)
    assert hist.kl[-1] <= hist.kl[0] / 5


def test_fvbm_cannot_learn_parity():
    # even parity has zero means and zero pair correlations: the best pairwise model is uniform,
    # so KL(data || FVBM) >= ln 2 whatever training does, and training ends close to it
    p, hist = learning.train(jax.random.key(0), learning.init_fvbm(4), learning.parity(4), n_epochs=300,
                             eval_every=300)
    assert np.all(hist.kl >= np.log(2) - 1e-9)
    assert hist.kl[-1] < np.log(2) + 0.05


def test_bad_input():
    with pytest.raises(ValueError, match="columns"):
        learning.train(jax.random.key(0), learning.init_fvbm(3), learning.parity(4))
    with pytest.raises(ValueError, match=r"\+/-1"):
        learning.train(jax.random.key(0), learning.init_fvbm(4), np.zeros((3, 4)))
