"""Boltzmann sampling with diagnostics: the estimators against processes whose answers are known (AR(1) chains),
and the sampler against exact enumeration and Kaufman's exact finite-torus energies, within the error bars the
diagnostics themselves report."""
import numpy as np
import pytest

from circuits.model import hubo, ising
from circuits.sampling import boltzmann, diagnostics, exact, higher


def ar1(phi, T, R, seed):
    rng = np.random.default_rng(seed)
    x = np.zeros((T, R))
    x[0] = rng.normal(size=R) / np.sqrt(1 - phi ** 2)
    for t in range(1, T):
        x[t] = phi * x[t - 1] + rng.normal(size=R)
    return x


@pytest.mark.parametrize("phi", [0.0, 0.5, 0.9])
def test_tau_int_of_an_ar1_chain(phi):
    """tau_int = (1 + phi) / (2 (1 - phi)) for x_t = phi x_{t-1} + noise; Sokal's estimator has a relative
    error of about sqrt(2 (2W + 1) / N) (W the window)."""
    tau = (1 + phi) / (2 * (1 - phi))
    x = ar1(phi, 20000, 8, seed=int(10 * phi))
    W = 6 * tau
    assert diagnostics.integrated_time(x) == pytest.approx(tau, rel=4 * np.sqrt(2 * (2 * W + 1) / x.size) + 0.02)


def test_standard_error_covers_the_mean_at_the_stated_rate():
    """Over 200 independent runs of correlated chains, (mean - 0)/stderr has unit spread (within the sampling
    error of a standard deviation from 200 values, ~5 %, times 3)."""
    z = []
    for k in range(200):
        d = diagnostics.summarise(ar1(0.8, 400, 4, seed=100 + k))
        z.append(d.mean / d.stderr)
    assert np.std(z) == pytest.approx(1.0, abs=3 * 0.05 + 0.05)


def test_split_rhat_flags_chains_that_disagree():
    x = np.random.default_rng(3).normal(size=(2000, 8))
    assert diagnostics.split_rhat(x) < 1.01
    x[:, :4] += 1.0  # half the chains sit elsewhere: between-chain variance 1/4 on a within-chain 1
    assert diagnostics.split_rhat(x) == pytest.approx(np.sqrt(1.25), abs=0.04)
    with pytest.raises(ValueError, match="NaN"):
        diagnostics.summarise(np.array([[0.0], [np.nan]]))


def random_model(n, seed):
    rng = np.random.default_rng(seed)
    J = np.triu(rng.normal(size=(n, n)), 1)
    return ising.from_dense(J + J.T, rng.normal(size=n) * 0.5)


def test_states_follow_the_exact_boltzmann_law():
    """KL(sampled || exact) near the floor that as many perfect samples show; marginals and pair correlations
    within 5 standard errors of the exact ones."""
    model, beta = random_model(10, seed=1), 0.6
    r = boltzmann.run(0, model, beta, n_chains=64, n_records=1500)
    row = boltzmann.report(model, r)[0]
    assert row["kl_exact"] < 2.0 * row["kl_floor"] + 1e-3, row
    p = exact.boltzmann(model, beta)
    S = exact.states(10).astype(np.float64)
    m_exact = p @ S
    c_exact = p @ (S[:, r.edges[:, 0]] * S[:, r.edges[:, 1]])
    se = 1.0 / np.sqrt(row["ess"])  # |s| <= 1: a standard error at most ~ 1/sqrt(ESS)
    assert np.max(np.abs(np.array(row["marginals"]) - m_exact)) < 5 * se
    assert np.max(np.abs(np.array(row["correlations"]) - c_exact)) < 5 * se
    e_exact = float(p @ exact.energies(model))
    assert abs(row["energy"] - e_exact) < 4 * row["energy_stderr"]


@pytest.mark.parametrize("T", [2.0, 3.0])
def test_torus_energy_against_kaufman_within_the_reported_error(kaufman, torus, T):
    """The 8 x 8 ferromagnetic torus at T = 2 and 3: the mean energy per spin within 4 of its own standard errors
    of Kaufman's exact finite-torus value (the error bar is what is tested as much as the sampler)."""
    model = torus(8)
    r = boltzmann.run(1, model, 1.0 / T, n_chains=32, n_records=3000, thin=2)
    row = boltzmann.report(model, r)[0]
    exact_e = kaufman[(8, round(T, 6))]
    assert abs(row["energy_per_spin"] - exact_e) < 4 * row["energy_stderr"] / 64, (row["energy_per_spin"], exact_e)
    assert row["rhat"] < 1.05 and "kl_exact" not in row  # 64 spins: no enumeration


def test_several_betas_in_one_run_and_bad_input():
    model = random_model(6, seed=2)
    r = boltzmann.run(0, model, [0.0, 1.0], n_chains=8, n_records=400)
    rows = boltzmann.report(model, r)
    assert [row["beta"] for row in rows] == [0.0, 1.0]
    assert rows[0]["energy"] == pytest.approx(0.0, abs=4 * rows[0]["energy_stderr"])  # beta 0: <E> = 0
    with pytest.raises(ValueError, match="betas"):
        boltzmann.run(0, model, [-1.0], n_chains=2, n_records=10)
    with pytest.raises(ValueError, match="n_records"):
        boltzmann.run(0, model, 1.0, n_chains=2, n_records=1)


@pytest.mark.parametrize("order, tempering", [(3, False), (4, True)])
def test_higher_order_models_follow_the_exact_boltzmann_law(order, tempering, random_hubo):
    """A random 3-body model of 10 spins (and a 4-body one, tempered on the ladder 0.35, 0.7): at each beta the KL
    to enumeration within the floor of as many perfect samples, the mean energy (offset included) within 4
    standard errors, correlations on the pairs that share a term."""
    model = random_hubo(10, order, seed=order)
    betas = [0.35, 0.7] if tempering else [0.7]
    r = boltzmann.run(0, model, betas, n_chains=32 // len(betas), n_records=800, tempering=tempering)
    for beta, row in zip(betas, boltzmann.report(model, r)):
        assert row["kl_exact"] < 2.0 * row["kl_floor"] + 1e-3, row
        p = exact.boltzmann(model, beta)
        assert abs(row["energy"] - float(p @ exact.energies(model))) < 4 * row["energy_stderr"]
        assert len(row["correlations"]) == len(higher.primal_edges(model)) > 0
    assert (r.swap_acceptance is not None) == tempering


def test_tempering_follows_the_exact_law_at_every_rung(random_hubo):
    """Parallel tempering on a ladder of 3 betas (a frustrated 10-spin model with fields; the shapes of the CLI's
    tempering test, so one compilation serves both): at each rung the energy and the magnetisation within 4
    standard errors of enumeration (from their own autocorrelation), KL within the floor, and a swap acceptance
    per neighbouring pair in (0, 1]."""
    model, ladder = hubo.to_ising(random_hubo(10, 2, seed=5))[0], [0.4, 0.8, 1.5]
    r = boltzmann.run(2, model, ladder, n_chains=12, n_records=600, tempering=True)
    rows = boltzmann.report(model, r)
    S = exact.states(10).astype(np.float64)
    assert r.swap_acceptance.shape == (2,) and np.all((r.swap_acceptance > 0) & (r.swap_acceptance <= 1))
    for j, (beta, row) in enumerate(zip(ladder, rows)):
        p = exact.boltzmann(model, beta)
        assert row["kl_exact"] < 2.0 * row["kl_floor"] + 1e-3, row
        assert abs(row["energy"] - float(p @ exact.energies(model))) < 4 * row["energy_stderr"]
        dm = diagnostics.summarise(r.magnetisation[:, j, :])
        assert abs(dm.mean - float(p @ S.mean(1))) < 4 * dm.stderr
        assert ("swap_acceptance" in row) == (j < 2)
    with pytest.raises(ValueError, match="increasing"):
        boltzmann.run(0, model, [1.0, 0.5], n_chains=2, n_records=10, tempering=True)
    with pytest.raises(ValueError, match="increasing"):
        boltzmann.run(0, model, [1.0], n_chains=2, n_records=10, tempering=True)


def test_burn_in_full_and_short_chunks_share_one_program(monkeypatch):
    """Burn-in, two full chunks and a shorter last one (20 records in chunks of 7) compile one program; every
    record is kept."""
    from circuits.sampling import chains

    model = random_model(5, seed=4)
    monkeypatch.setattr(boltzmann, "CHUNK_BYTES", 7 * 3 * 2 * 5)  # 7 records of 3 chains x 2 betas x 5 spins
    before = chains.chunk._cache_size()
    r = boltzmann.run(0, model, [0.5, 1.0], n_chains=3, n_records=20, burn_in=5)
    assert chains.chunk._cache_size() == before + 1
    assert r.energy.shape == (20, 2, 3) and r.counts.sum() == 20 * 2 * 3 and r.sweeps == 20
