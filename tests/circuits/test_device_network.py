"""Device-level p-computer (circuits.device_network): sLLG magnets + synapse vs exact Boltzmann and Max-Cut.

Samples come from R independent chips (replicas) run in one vectorised scan, so the standard error of any
probability is estimated exactly from the spread between replicas (correlation within a replica included);
tolerances are k = 4 such standard errors. Device: in-plane low-barrier disk with the magnonic-dissipation
self-torque (Choi et al., Nat. Commun. 2025, doi:10.1038/s41467-025-61073-w); network sampling after
Camsari et al., PRX 7, 031014 (2017); synchronous-update errors after Aadit et al., Nat. Electron. 2022.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from circuits import device_network
from circuits.model import ising
from circuits.problems import logic, maxcut
from circuits.problems.gset import Graph
from circuits.sampling import exact, gibbs
from pbits.pbit import calibrate, population
from pbits.runtime import prng

K = 4.0
BETA = 0.5
BURN = 8  # burn-in in units of the sample spacing (~tau_c): the chips start from random states


@pytest.fixture(scope="module")
def cal():
    # 256 magnets x 40 ns: offset known to +-0.011 and I0 to +-1.3 %; a 64-magnet calibration (offset +-0.03)
    # biases the network enough to fail the KL bound below
    return calibrate.calibrated(jax.random.key(3), "self", n_magnets=256, duration=40e-9)


def _random_model(n=6, seed=0):
    rng = np.random.default_rng(seed)
    J = np.triu(rng.normal(size=(n, n)), 1)
    return ising.from_dense(J + J.T, 0.5 * rng.normal(size=n))


def _net(model, cal):
    return device_network.network(model, cal.device, cal.params.i0, dt=cal.dt, offset=cal.params.offset,
                      resistance=cal.resistance)


def _per_replica(samples, n_samples, n_replicas, n):
    """(R, 2^n) empirical distribution of each replica."""
    idx = exact.state_index(np.asarray(samples).reshape(n_samples, n_replicas, n))  # (S, R)
    return np.stack([np.bincount(idx[:, r], minlength=2 ** n) for r in range(n_replicas)]) / n_samples


def _kl_floor_eff(p_r, q):
    """Expected KL of an unbiased estimate with the measured per-state variance: sum_k Var(p_k) / (2 q_k)."""
    var = p_r.var(0, ddof=1) / p_r.shape[0]
    return float(np.sum(var / (2 * q))), var


def _device_samples(cal, model, interval, *, n_replicas=128, n_samples=20, tau_steps=2000, seed=1):
    every = max(1, tau_steps // interval)  # one sample per ~tau_c of simulated time
    s, st = device_network.sample(prng.key(seed), _net(model, cal), BETA, n_replicas=n_replicas, n_samples=n_samples,
                      every=every, interval=interval, burn_in=BURN * every)
    return s, st


def test_fast_synapse_samples_boltzmann_and_matches_behavioural(cal):
    n, R, S = 6, 128, 20
    model = _random_model(n)
    q = exact.boltzmann(model, BETA)
    s, st = _device_samples(cal, model, interval=2, n_replicas=R, n_samples=S)
    p_r = _per_replica(s, S, R, n)
    p = p_r.mean(0)
    floor, var = _kl_floor_eff(p_r, q)
    n_eff = (2 ** n - 1) / (2 * floor)
    kl_dev = exact.kl(p, q)
    # KL of an unbiased estimate ~ floor * chi2_{K-1}/(K-1): mean floor, sd floor sqrt(2/(K-1))
    bound = floor * (1 + K * math.sqrt(2 / (2 ** n - 1)))
    # behavioural sampler (circuits.sampling.gibbs, heat-bath p-bits) with the same R x S samples
    b = gibbs.sample(jax.random.key(2), model, jnp.ones((R, n)), BETA, n_samples=S, thin=2, burn_in=20)
    b_r = _per_replica(np.transpose(np.asarray(b), (0, 1, 2)), S, R, n)
    kl_beh = exact.kl(b_r.mean(0), q)
    var_b = b_r.var(0, ddof=1) / R
    ok = q * R * S > 20  # states with enough expected counts for a normal z-score
    z = (p - b_r.mean(0))[ok] / np.sqrt(var + var_b)[ok]
    chi2, dof = float(np.sum(z ** 2)), int(ok.sum())
    print(f"n = {n}, beta_eff = {BETA}, T_syn = {2 * cal.dt * 1e12:.2g} ps, tau_c = {cal.params.tau_c * 1e9:.3g} ns: "
          f"KL(device || Boltzmann) = {kl_dev:.4f} (effective floor {floor:.4f}, N_eff = {n_eff:.0f} of {R * S}, "
          f"bound {bound:.4f}); KL(behavioural || Boltzmann) = {kl_beh:.4f}; device vs behavioural chi2 = {chi2:.1f} "
          f"over {dof} states (bound {dof + K * math.sqrt(2 * dof):.1f}); flips/ns/magnet = "
          f"{float(st.flips.mean()) / n / (float(st.t) * 1e9):.3f}")
    assert kl_dev < bound
    assert chi2 < dof + K * math.sqrt(2 * dof)


def test_and_gate_valid_mass_matches_behavioural(cal):
    circ = logic.AND("A", "B", "C")
    model, _ = logic.to_ising(circ)
    n, R, S = 3, 512, 12
    bits = (exact.states(n) + 1) // 2
    valid = logic.penalty(circ, bits) == 0
    beta = 1.0  # the usual operating point of invertible logic (Camsari et al. PRX 2017)
    mass_beh = float(exact.boltzmann(model, beta)[valid].sum())
    every = 2000 // 10
    s, _ = device_network.sample(prng.key(5), _net(model, cal), beta, n_replicas=R, n_samples=S, every=every, interval=10,
                     burn_in=BURN * every)
    v = valid[exact.state_index(np.asarray(s).reshape(S, R, n))]  # (S, R)
    per = v.mean(0)
    mass, se = float(per.mean()), float(per.std(ddof=1) / math.sqrt(R))
    print(f"AND gate at beta_eff = {beta}: valid mass device {mass:.4f} +- {se:.4f} vs behavioural (exact) "
          f"{mass_beh:.4f}; |diff| = {abs(mass - mass_beh):.4f}")
    assert K * se < 0.01  # the test can resolve 0.01
    assert abs(mass - mass_beh) < 0.01


@pytest.fixture(scope="module")
def delay_kl(cal):
    """KL(device || Boltzmann) and its statistical bound for several synapse intervals (in Heun steps)."""
    n, R, S = 6, 128, 20
    model = _random_model(n)
    q = exact.boltzmann(model, BETA)
    out = {}
    for interval in (2, 1500, 6000):
        s, _ = _device_samples(cal, model, interval, n_replicas=R, n_samples=S)
        p_r = _per_replica(s, S, R, n)
        floor, _ = _kl_floor_eff(p_r, q)
        out[interval] = (exact.kl(p_r.mean(0), q), floor * (1 + K * math.sqrt(2 / (2 ** n - 1))))
    return out


def test_slow_synapse_error_grows(cal, delay_kl):
    tau = float(cal.params.tau_c)
    rows = [f"T_syn/tau_c = {i * cal.dt / tau:.3g}: KL = {v[0]:.4f} (statistical bound {v[1]:.4f})"
            for i, v in delay_kl.items()]
    print("synchronous-update error (Aadit et al. 2022):", "; ".join(rows))
    (k_fast, b_fast), (k_mid, b_mid), (k_slow, b_slow) = delay_kl.values()
    assert k_fast < b_fast  # fast synapse: within the statistical bound
    assert k_slow > b_slow and k_slow > 2 * max(k_mid, b_mid)  # T_syn >> tau_c: far outside
    assert k_mid < k_slow and k_fast < k_slow


def test_device_annealing_finds_brute_force_maxcut_optimum(cal):
    rng = np.random.default_rng(11)
    n = 16
    i, j = np.triu_indices(n, 1)
    keep = rng.random(len(i)) < 0.35
    w = rng.integers(1, 4, keep.sum()).astype(float)  # weights 1..3
    g = Graph(n=n, edges=np.stack([i[keep], j[keep]], 1), weights=w, name="w16")
    e0, _ = exact.ground_state(maxcut.to_ising(g, layout="dense"))
    best = float(maxcut.cut_from_energy(g, e0))
    res = maxcut.solve(prng.key(4), g, method="device", calibration=cal, n_replicas=8, sim_time=30e-9,
                       beta=(0.05, 2.0), layout="dense", target_cut=best, stop_at_target=False)
    r = res.run
    print(f"16-node Max-Cut ({len(w)} edges): device cut {res.cut:.0f} vs brute force {best:.0f}; first hit at "
          f"{r.time_to_target * 1e9:.3g} ns of {r.sim_time * 1e9:.3g} ns simulated, energy {r.energy * 1e15:.3g} fJ "
          f"(magnets {r.energy_magnets * 1e15:.3g} fJ) for 8 chips, {r.flips_per_ns:.3g} flips/ns/magnet, "
          f"wall {r.wall_time:.2f} s")
    assert res.cut == best
    assert np.isclose(float(maxcut.cut_value(g, res.spins)), res.cut)
    assert 0 < r.time_to_target <= r.sim_time


def test_input_errors(cal):
    model = _random_model(3)
    with pytest.raises(ValueError, match="i0"):
        device_network.network(model, cal.device, 0.0, dt=cal.dt)
    with pytest.raises(ValueError, match="dt"):
        device_network.network(model, cal.device, 1e-5, dt=-1.0)
    with pytest.raises(ValueError, match="scheme"):
        maxcut.solve(prng.key(0), Graph(2, np.array([[0, 1]]), np.ones(1), "g"), method="device", scheme="stt")
    with pytest.raises(ValueError, match="not a tanh"):  # Pt line with its Oersted field: non-monotonic <s>(I)
        calibrate.calibrated(jax.random.key(0), "pt", n_magnets=32, duration=4e-9)
    net = _net(model, cal)
    with pytest.raises(ValueError, match="interval"):
        device_network.run(prng.key(0), device_network.init(prng.key(1), net), net, [1.0], interval=0)


def test_device_spread_per_magnet_parameters_run(cal):
    """Per-magnet devices (volume and H_K spread) and per-magnet I0 go through the same scan."""
    n = 6
    devs = population.sample_devices(jax.random.key(8), cal.device, n, volume_cv=0.1, hk_cv=0.1)
    i0 = float(cal.params.i0) * np.linspace(0.9, 1.1, n)
    net = device_network.network(_random_model(n), devs, i0, dt=cal.dt, resistance=cal.resistance)
    st, tr, rec = device_network.run(prng.key(2), device_network.init(prng.key(3), net, 4), net, np.full(8, BETA),
                                     interval=5, record_every=4)
    assert rec.shape == (2, 4, n) and np.all(np.abs(rec) == 1)
    assert np.isclose(float(st.t), 8 * 5 * cal.dt, rtol=1e-5) and np.all(np.asarray(st.e_magnet) > 0)


def test_a_ramp_generated_chunk_by_chunk_equals_the_array(cal):
    """device_network.run with betas(start, m) (the lazy ramp of long anneals) equals the same ramp as an array."""
    net = _net(_random_model(5), cal)
    ramp = np.geomspace(0.2, 2.0, 24).astype(np.float32)
    a = device_network.run(prng.key(6), device_network.init(prng.key(7), net, 2), net, ramp, interval=3, chunk=8)
    b = device_network.run(prng.key(6), device_network.init(prng.key(7), net, 2), net,
                           lambda start, m: ramp[start:start + m], n_updates=24, interval=3, chunk=8)
    assert np.array_equal(np.asarray(a[0].spins), np.asarray(b[0].spins)) and np.array_equal(a[1].energy, b[1].energy)
    with pytest.raises(ValueError, match="needs n_updates"):
        device_network.run(prng.key(6), device_network.init(prng.key(7), net, 2), net, lambda s, m: ramp[s:s + m])
