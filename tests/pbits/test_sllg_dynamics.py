"""Dynamics oracles O5-O10 and O13 of docs/physics.md §7 (Neel-Brown relaxation, first passage, precession).

Reduced units: H_K = 1e5 A/m, time unit 1/(gamma0 H_K); alpha = 1 makes tau_N = 2 Delta units, the
cheapest choice. Tolerances: the stated systematic allowance plus 4 standard errors (docs/physics.md §7).
"""
import math

import jax
import numpy as np
import pytest

from pbits import constants as C
from pbits.analysis import analytic, traces
from pbits.device import magnet, stack
import pbits.sllg as sllg

HK = 1e5
UNIT = 1 / (C.GAMMA0 * HK)


def unit_sphere(rng, n):
    v = rng.normal(size=(3, n))
    return v / np.linalg.norm(v, axis=0)


def test_O5_rotational_diffusion_autocorrelation():
    """Delta = 0: C(t)/C(0) = exp(-t/tau_N), tau_N = (1+alpha^2) mu0 M_s V/(2 alpha gamma0 k_B T); fit within 3 %."""
    rng = np.random.default_rng(0)
    n = 3000
    alphas = np.repeat([1.0, 0.1], n)
    mag = magnet.uniaxial(np.zeros(2 * n), alphas, hk=HK)
    tau_n = magnet.derived(mag).tau_n
    r = sllg.simulate(jax.random.key(3), stack.Device(mag), unit_sphere(rng, 2 * n), dt=0.02 * UNIT, n_steps=10000,
                      record=("mz",), record_every=5)
    h = 5 * 0.02 * UNIT
    for k, a in enumerate((1.0, 0.1)):
        cols = slice(k * n, (k + 1) * n)
        tn = float(tau_n[k * n])
        c = traces.autocorrelation(r.trace["mz"][:, cols], mean=0.0)
        t = h * np.arange(c.size)
        sel = t <= 1.5 * tn
        slope = np.sum(t[sel] * np.log(c[sel])) / np.sum(t[sel] ** 2)  # least squares through C(0) = 1
        tau_fit = -1 / slope
        print(f"O5 alpha={a}: fitted tau / tau_N = {tau_fit / tn:.4f}")
        assert tau_fit == pytest.approx(tn, rel=0.03), (a, tau_fit / tn)


O6_DELTAS = (1.0, 2.0, 3.0, 5.0)
O6_M = (400, 400, 400, 1200)


def test_O6_integrated_autocorrelation_time():
    """tau_int/tau_N = 1.528, 2.460, 4.198, 14.59 at Delta = 1, 2, 3, 5 (exact integral, §3.2); 5 % + 4 SE."""
    rng = np.random.default_rng(6)
    delta = np.concatenate([np.full(m, d) for d, m in zip(O6_DELTAS, O6_M)])
    mag = magnet.uniaxial(delta, 1.0, hk=HK)
    m0 = np.concatenate([analytic.sample(rng, m, d) for d, m in zip(O6_DELTAS, O6_M)], axis=1)
    rec = 25
    r = sllg.simulate(jax.random.key(8), stack.Device(mag), m0, dt=0.02 * UNIT, n_steps=87500, record=("mz",),
                      record_every=rec)
    h = rec * 0.02 * UNIT
    start = 0
    for d, m in zip(O6_DELTAS, O6_M):
        x = r.trace["mz"][:, start:start + m]
        start += m
        tau_n = 2 * d * UNIT
        batches = [traces.autocorrelation_time(b, h, mean=0.0) / tau_n for b in np.array_split(x, 8, axis=1)]
        est = traces.autocorrelation_time(x, h, mean=0.0) / tau_n
        se = np.std(batches, ddof=1) / math.sqrt(len(batches))
        exact = analytic.tau_int(d)
        print(f"O6 Delta={d}: tau_int/tau_N = {est:.3f} +- {se:.3f} (exact {exact:.3f})")
        assert abs(est - exact) < 0.05 * exact + 4 * se, (d, est, exact, se)


def test_O7_mean_first_passage_time():
    """Delta = 4: T(1 -> -0.9) = 17.25 tau_N (5 % + 4 SE) and T(1 -> 0) = 8.08 tau_N (8 % + 4 SE), dt = 0.01."""
    m_a, m_b = 1500, 1000
    levels = np.concatenate([np.full(m_a, -0.9), np.full(m_b, 0.0)])
    mag = magnet.uniaxial(4.0, 1.0, hk=HK)
    tau_n = 8 * UNIT
    t_run = 4.5 * 17.25 * tau_n
    dt = 0.01 * UNIT
    r = sllg.simulate(jax.random.key(9), stack.Device(mag), sllg.initial(m_a + m_b), dt=dt,
                      n_steps=int(t_run / dt), record=(), record_every=1, events=sllg.Events((0, 0, 1), levels, 2.0),
                      chunk_steps=20000)
    t = r.events.first_time
    for sl, target, sys_tol in ((slice(0, m_a), -0.9, 0.05), (slice(m_a, None), 0.0, 0.08)):
        ti = t[sl]
        passed = np.isfinite(ti)
        capped = np.where(passed, ti, t_run)
        # censored tail: exponential with the decay time of the mean (memoryless), a < 2 % correction
        mean = capped.mean() + (~passed).mean() * capped.mean()
        se = capped.std(ddof=1) / math.sqrt(ti.size)
        exact = analytic.mfpt(4.0, 1.0, target) * tau_n
        print(f"O7 T(1->{target}) = {mean / tau_n:.3f} +- {se / tau_n:.3f} tau_N (exact {exact / tau_n:.3f})")
        assert abs(mean - exact) < sys_tol * exact + 4 * se, (target, mean / tau_n, exact / tau_n, se / tau_n)


def test_O8_mean_dwell_time():
    """Delta = 10, alpha = 1, thresholds +-0.5: mean dwell = exact T(0.5 -> -0.5) ~ 2 tau_int; 10 % + 4 SE."""
    rng = np.random.default_rng(8)
    n = 6000
    mag = magnet.uniaxial(10.0, 1.0, hk=HK)
    r = sllg.simulate(jax.random.key(10), stack.Device(mag), analytic.sample(rng, n, 10.0), dt=0.02 * UNIT,
                      n_steps=40000, record=(), record_every=1, events=sllg.Events((0, 0, 1), -0.5, 0.5))
    rates = traces.escape_rates(r.events)
    tau_n = 20 * UNIT
    rate = rates.rate.mean()
    dwell = 1 / rate
    se = dwell / math.sqrt(rates.exits.sum())
    exact = analytic.mfpt(10.0, 0.5, -0.5) * tau_n
    print(f"O8 mean dwell = {dwell / tau_n:.1f} +- {se / tau_n:.1f} tau_N (exact T(0.5->-0.5) = {exact / tau_n:.1f}, "
          f"2 tau_int = {2 * analytic.tau_int(10.0):.1f}), {rates.exits.sum()} switches")
    assert abs(dwell - exact) < 0.10 * exact + 4 * se, (dwell / tau_n, exact / tau_n, se / tau_n, rates.exits)
    assert exact / (2 * analytic.tau_int(10.0) * tau_n) == pytest.approx(1.0, rel=0.05)  # "~ 2 tau_int" (§7)


def test_O9_brown_formula_sanity():
    """Delta = 20: tau_int/tau_B = 1.054, and tau_B (1 + 1/Delta) within 1 % of tau_int (analytic)."""
    ti, tb = analytic.tau_int(20.0), analytic.brown_tau(20.0)
    assert ti / tb == pytest.approx(1.054, abs=0.001)
    assert tb * (1 + 1 / 20) == pytest.approx(ti, rel=0.01)
    table = {1: 1.5280, 2: 2.4603, 3: 4.1983, 5: 14.589, 8: 134.89, 10: 691.02}
    for d, v in table.items():
        assert analytic.tau_int(float(d)) == pytest.approx(v, rel=2e-4)


def test_O10_escape_rate_in_field():
    """Delta = 10, h = H/H_K = 0.2 against the magnet: escape rate vs exact lambda_1 tau_N = 0.019170; 8 % + 4 SE."""
    n = 5000
    mag = magnet.uniaxial(10.0, 1.0, hk=HK)
    dev = stack.Device(mag, h_ext=(0.0, 0.0, 0.2 * HK))
    r = sllg.simulate(jax.random.key(12), dev, sllg.initial(n, (0, 0, -1)), dt=0.02 * UNIT, n_steps=30000,
                      record=(), record_every=1, events=sllg.Events((0, 0, 1), -0.5, 0.5))
    rates = traces.escape_rates(r.events)
    tau_n = 20 * UNIT
    gamma = rates.rate[1] * tau_n  # out of the metastable (-) state
    se = rates.stderr[1] * tau_n
    print(f"O10 escape rate = {gamma:.5f} +- {se:.5f} /tau_N (exact lambda_1 = 0.019170, "
          f"1/T(-1->0.5) = {1 / analytic.mfpt(10.0, -1.0, 0.5, xi=4.0):.5f}), {rates.exits[1]} escapes")
    assert abs(gamma - 0.019170) < 0.08 * 0.019170 + 4 * se, (gamma, se, rates.exits)
    # all magnets start at the bottom of the metastable well and back-escapes are rare (barrier 12.1 vs 8.1)
    exact_mfpt = analytic.mfpt(10.0, -1.0, 0.5, xi=2 * 10.0 * 0.2)
    assert abs(gamma - 1 / exact_mfpt) < 0.08 / exact_mfpt + 4 * se, (gamma, 1 / exact_mfpt)


def test_O13_larmor_precession_and_damping():
    """No noise: omega = gamma0 H_K/(1+alpha^2), cone-angle decay rate alpha gamma0 H_K/(1+alpha^2), within 0.5 %."""
    alpha = 0.05
    mag = magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=alpha, hk=HK, temperature=0.0)
    theta0 = 0.05
    m0 = np.array([[math.sin(theta0)], [0.0], [math.cos(theta0)]])
    dt = 0.01 * UNIT
    r = sllg.simulate(jax.random.key(0), stack.Device(mag), m0, dt=dt, n_steps=3000, record=("mx", "my"),
                      record_every=1)
    mx, my = r.trace["mx"][:, 0].astype(float), r.trace["my"][:, 0].astype(float)
    phase = np.unwrap(np.arctan2(my, mx))
    omega = abs(np.polyfit(r.t, phase, 1)[0])
    decay = -np.polyfit(r.t, np.log(np.hypot(mx, my)), 1)[0]
    k = C.GAMMA0 * HK / (1 + alpha**2)
    print(f"O13: omega/expected = {omega / k:.5f}, decay/expected = {decay / (alpha * k):.5f}")
    assert omega == pytest.approx(k, rel=0.005)
    assert decay == pytest.approx(alpha * k, rel=0.005)


def test_first_passage_detection_is_unbiased_at_two_time_steps():
    """Delta = 4, alpha = 1: T(1 -> 0) = 8.08 tau_N exactly (docs/physics.md §3.2). Checking the threshold once per
    step reads it long by O(sqrt(dt)) (+4 % at gamma0 H_K dt = 0.01, +13 % at 0.1); the continuous-time detector
    (Broadie-Glasserman-Kou continuity correction, interpolated crossing) must agree with the exact value at
    gamma0 H_K dt = 0.025 and 0.1 within 4 SE + 2 % (the O(dt) weak error); the uncorrected detector, on the same
    noise, must be late by more than that."""
    n = 3000
    mag = magnet.uniaxial(4.0, 1.0, hk=HK)
    tau_n = 8 * UNIT
    exact = analytic.mfpt(4.0, 1.0, 0.0) * tau_n
    t_run = 4.0 * exact

    def mean_fpt(dt, continuity, seed):
        r = sllg.simulate(jax.random.key(seed), stack.Device(mag), sllg.initial(n), dt=dt, n_steps=int(t_run / dt),
                          record=(), record_every=1, events=sllg.Events((0, 0, 1), 0.0, 2.0, continuity),
                          chunk_steps=20000)
        t = r.events.first_time
        passed = np.isfinite(t)
        capped = np.where(passed, t, t_run)
        # censored tail (~2 %): exponential with the mean as its decay time (memoryless escape)
        return capped.mean() + (~passed).mean() * capped.mean(), capped.std(ddof=1) / math.sqrt(n), capped

    for step, seed in ((0.025, 41), (0.1, 42)):
        mean, se, _ = mean_fpt(step * UNIT, True, seed)
        print(f"T(1->0) at gamma0 H_K dt = {step}: {mean / tau_n:.3f} +- {se / tau_n:.3f} tau_N "
              f"(exact {exact / tau_n:.3f})")
        assert abs(mean - exact) < 0.02 * exact + 4 * se, (step, mean / tau_n, exact / tau_n, se / tau_n)
    _, _, on = mean_fpt(0.1 * UNIT, True, 43)
    _, _, off = mean_fpt(0.1 * UNIT, False, 43)
    d = off - on  # same noise, paired
    print(f"uncorrected detector late by {d.mean() / exact:.3%} +- {d.std(ddof=1) / math.sqrt(n) / exact:.3%}")
    assert d.mean() > 0.05 * exact + 4 * d.std(ddof=1) / math.sqrt(n)
