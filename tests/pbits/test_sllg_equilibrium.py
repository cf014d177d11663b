"""Equilibrium oracles O1-O4, O11, O12 of docs/physics.md §7 (Brown 1963 Boltzmann statistics).

Reduced units: H_K = 1e5 A/m, time unit 1/(gamma0 H_K), dt = 0.02 units unless stated. Many magnets in
one vectorised run (per-magnet Delta, alpha, T), samples are per-magnet time averages, so the standard
error (SE) is exact; tolerances are 4 SE (docs/physics.md §7).
"""
import math

import jax
import numpy as np
import pytest

from pbits import constants as C
from pbits.analysis import analytic
from pbits.device import magnet, stack, torques
from pbits.runtime import prng
import pbits.sllg as sllg

HK = 1e5
UNIT = 1 / (C.GAMMA0 * HK)  # time unit [s]


def ks_pvalue(samples, cdf):
    """Two-sided one-sample Kolmogorov-Smirnov p-value (asymptotic Kolmogorov distribution)."""
    x = np.sort(samples)
    n = x.size
    f = cdf(x)
    d = max(np.max(np.arange(1, n + 1) / n - f), np.max(f - np.arange(n) / n))
    lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
    return float(min(1.0, 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))))


def group_stats(x, groups, g):
    per = x[:, groups == g].mean(axis=0)  # per-magnet time averages
    return per.mean(), per.std(ddof=1) / math.sqrt(per.size)


# Groups: (Delta, alpha, temperature factor). The last one is a control at 2T: the equilibrium of a
# (1+alpha^2) = 2 noise-variance bug at alpha = 1, which the O2 assertion must be able to tell apart.
GROUPS = [(0, 0.1, 1), (1, 0.1, 1), (2, 0.1, 1), (5, 0.1, 1), (0, 1, 1), (1, 1, 1), (2, 1, 1), (5, 1, 1), (2, 1, 2)]
M = 1500


@pytest.fixture(scope="module")
def equilibrium_run():
    rng = np.random.default_rng(1)
    delta = np.repeat([g[0] for g in GROUPS], M).astype(float)
    alpha = np.repeat([g[1] for g in GROUPS], M).astype(float)
    temp = 300.0 * np.repeat([g[2] for g in GROUPS], M)
    groups = np.repeat(np.arange(len(GROUPS)), M)
    mag = magnet.uniaxial(delta, alpha, hk=HK, temperature=temp)
    m0 = np.concatenate([analytic.sample(rng, M, d) for d, _, _ in GROUPS], axis=1)
    burn, steps = 1000, 5000
    r = sllg.simulate(jax.random.key(11), stack.Device(mag), m0, dt=0.02 * UNIT, n_steps=steps,
                      record=("mz",), record_every=20)
    return r.trace["mz"][burn // 20:], r.m, groups


@pytest.mark.parametrize("gi", range(8), ids=[f"delta{g[0]}-alpha{g[1]}" for g in GROUPS[:8]])
def test_O1_uniaxial_equilibrium(equilibrium_run, gi):
    mz, m_final, groups = equilibrium_run
    delta = GROUPS[gi][0]
    mean, se = group_stats(mz**2, groups, gi)
    exact = analytic.equilibrium_moments(delta)[1]
    p = ks_pvalue(m_final[2, groups == gi], lambda x: analytic.cdf(x, delta))
    print(f"O1 Delta={delta} alpha={GROUPS[gi][1]}: <mz^2> = {mean:.5f} +- {se:.5f} (exact {exact:.5f}), KS p = {p:.3f}")
    assert abs(mean - exact) < 4 * se, (delta, mean, exact, se)
    assert p > 0.01, (delta, p)


def test_O2_alpha_one_catches_wrong_noise_factor(equilibrium_run):
    mz, _, groups = equilibrium_run
    mean, se = group_stats(mz**2, groups, 6)  # Delta = 2, alpha = 1
    print(f"O2 alpha=1 Delta=2: <mz^2> = {mean:.5f} +- {se:.5f} (exact 0.53126)")
    assert abs(mean - 0.53126) < 4 * se, (mean, se)
    assert se < 0.005
    # The control group runs at 2T, which is what a spurious (1+alpha^2) factor would produce:
    ctrl, se_c = group_stats(mz**2, groups, 8)
    print(f"O2 control at 2T: <mz^2> = {ctrl:.5f} +- {se_c:.5f} (exact 0.42923)")
    assert abs(ctrl - 0.42923) < 4 * se_c, (ctrl, se_c)
    assert abs(ctrl - mean) > 10 * math.hypot(se, se_c)


O3_CASES = [(0, 1.0, "field"), (0, 4.0, "field"), (3, 1.0, "field"), (3, 4.0, "field"), (3, 1.0, "torque"),
            (10, 1.0, "field"), (10, 4.0, "field"), (10, 1.0, "torque")]


@pytest.fixture(scope="module")
def field_run():
    """Axial field xi = mu0 M_s V H/(k_B T), or a collinear DL torque with H_DL = alpha xi k_B T/(mu0 M_s V)."""
    rng = np.random.default_rng(3)
    m3 = 1000
    delta = np.repeat([c[0] for c in O3_CASES], m3).astype(float)
    xi = np.repeat([c[1] for c in O3_CASES], m3)
    torque = np.repeat([c[2] == "torque" for c in O3_CASES], m3)
    mag = magnet.uniaxial(delta, 1.0, hk=HK)
    h = xi * C.KB * 300.0 / (C.MU0 * np.asarray(mag.ms) * np.asarray(mag.volume))
    h_ext = np.stack([0 * h, 0 * h, np.where(torque, 0.0, h)])
    drive = torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0))  # 1 A/m of H_DL per "ampere"
    current = np.where(torque, 1.0 * h, 0.0)  # alpha = 1
    # Delta = 0 and 3 start all up and burn in >= 10 tau_int; Delta = 10 (tau_int ~ 1e4 units) starts
    # from the exact distribution, i.e. tests stationarity.
    m0 = np.concatenate([analytic.sample(rng, m3, d, x) if d == 10 else np.tile([[0.0], [0.0], [1.0]], (1, m3))
                         for d, x, _ in O3_CASES], axis=1)
    burn, steps = 10000, 15000
    r = sllg.simulate(jax.random.key(5), stack.Device(mag, drive, h_ext), m0, dt=0.02 * UNIT, n_steps=steps,
                      current=current, record=("mz",), record_every=25)
    return r.trace["mz"][burn // 25:], np.repeat(np.arange(len(O3_CASES)), m3)


@pytest.mark.parametrize("ci", range(len(O3_CASES)), ids=[f"delta{c[0]}-xi{c[1]}-{c[2]}" for c in O3_CASES])
def test_O3_axial_field_and_collinear_torque(field_run, ci):
    mz, groups = field_run
    delta, xi, _ = O3_CASES[ci]
    mean, se = group_stats(mz, groups, ci)
    exact = analytic.mean_m(xi, delta)
    print(f"O3 {O3_CASES[ci]}: <mz> = {mean:.5f} +- {se:.5f} (exact {exact:.5f})")
    assert abs(mean - exact) < 4 * se, (O3_CASES[ci], mean, exact, se)


def test_O3_table_limits():
    # Langevin at Delta = 0, tanh(xi) in the Ising limit (docs/physics.md §3.1 table)
    assert analytic.mean_m(1.0, 0.0) == pytest.approx(1 / math.tanh(1.0) - 1.0, abs=1e-6)
    assert analytic.mean_m(1.0, 40.0) == pytest.approx(0.74661, abs=2e-5)
    assert analytic.mean_m(2.0, 10.0) == pytest.approx(0.90711, abs=2e-5)


def test_O4_easy_plane_magnet():
    """Easy y, hard z: Delta = 4, H_D/H_K = 10: <|m_y|> = 0.9035, <m_z^2> = 0.01153."""
    m4 = 2000
    ms = 1e6
    v = magnet.volume_for_delta(4.0, ms=ms, hk_eff=HK)
    mag = magnet.make(ms=ms, thickness=1e-9, volume=v, alpha=1.0, hk=HK, easy_axis=(0, 1, 0),
                      demag=(0.0, 0.0, 10 * HK / ms))
    sign = np.where(np.arange(m4) % 2 == 0, 1.0, -1.0)
    m0 = np.stack([0 * sign, sign, 0 * sign])
    dt = 0.02 / (C.GAMMA0 * 11 * HK)
    burn, steps = 6000, 20000
    r = sllg.simulate(jax.random.key(7), stack.Device(mag), m0, dt=dt, n_steps=steps, record=("my", "mz"),
                      record_every=20)
    my, mz = np.abs(r.trace["my"][burn // 20:]), r.trace["mz"][burn // 20:] ** 2
    exact_my, exact_mz2 = analytic.inplane_moments(4.0, 10.0)
    for x, exact in ((my, exact_my), (mz, exact_mz2)):
        per = x.mean(axis=0)
        se = per.std(ddof=1) / math.sqrt(m4)
        print(f"O4: {per.mean():.5f} +- {se:.5f} (exact {exact:.5f})")
        assert abs(per.mean() - exact) < 4 * se, (per.mean(), exact, se)


def test_O11_time_step_convergence():
    """<m_z^2> at Delta = 2, alpha = 1 for dt and dt/2 agree (3 SE of the difference) and match the exact value."""
    rng = np.random.default_rng(2)
    n = 4000
    mag = magnet.uniaxial(2.0, 1.0, hk=HK)
    out = []
    for dt_units, key in ((0.04, 21), (0.02, 22)):
        steps = int(round(100 / dt_units))
        rec = int(round(0.4 / dt_units))
        r = sllg.simulate(jax.random.key(key), stack.Device(mag), analytic.sample(rng, n, 2.0), dt=dt_units * UNIT,
                          n_steps=steps, record=("mz",), record_every=rec)
        per = (r.trace["mz"][25:] ** 2).mean(axis=0)
        out.append((per.mean(), per.std(ddof=1) / math.sqrt(n)))
    (a, sa), (b, sb) = out
    print(f"O11: <mz^2> dt=0.04: {a:.5f} +- {sa:.5f}, dt=0.02: {b:.5f} +- {sb:.5f} (exact 0.53126)")
    assert abs(a - b) < 3 * math.hypot(sa, sb), out
    for mean, se in out:
        assert abs(mean - 0.53126) < 4 * se, out


def test_O12_norm_preserved():
    dev = stack.Device(magnet.preset("inplane_low_barrier"))
    m0 = sllg.initial(64, (0.0, 1.0, 0.0))
    r = sllg.simulate(jax.random.key(0), dev, m0, dt=1e-13, n_steps=10000, record=("m",), record_every=100)
    norm = np.sqrt(np.sum(r.trace["m"].astype(np.float64) ** 2, axis=1))
    print(f"O12: max ||m| - 1| with renormalisation: {np.max(np.abs(norm - 1)):.3g}")
    assert np.max(np.abs(norm - 1)) < 1e-6
    raw = sllg.simulate(jax.random.key(0), dev, m0, dt=1e-13, n_steps=10000, record=("m",), record_every=100,
                        renormalize=False)
    drift = np.max(np.abs(np.sqrt(np.sum(raw.trace["m"].astype(np.float64) ** 2, axis=1)) - 1))
    print(f"O12: |m| drift without renormalisation after 1 ns at dt = 0.1 ps: {drift:.3g}")
    assert np.isfinite(drift) and drift > np.max(np.abs(norm - 1))


# The fast generator (pbits.runtime.prng: Box-Muller normals on a counter hash) and the weak "uniform" noise,
# sqrt(3) U(-1, 1) (first three moments of N(0, 1), same weak order; Kloeden & Platen sec. 14.1), must
# give the same Boltzmann equilibrium: O1 on <m_z^2> and the KS distance of the final states, and O2's
# alpha = 1 case against its 2T control.
FAST_GROUPS = [(0, 1, 1), (2, 1, 1), (5, 0.1, 1), (2, 1, 2)]


@pytest.fixture(scope="module", params=["gaussian", "uniform"])
def fast_run(request):
    rng = np.random.default_rng(4)
    g = FAST_GROUPS
    mag = magnet.uniaxial(np.repeat([x[0] for x in g], M).astype(float), np.repeat([x[1] for x in g], M).astype(float),
                          hk=HK, temperature=300.0 * np.repeat([x[2] for x in g], M))
    m0 = np.concatenate([analytic.sample(rng, M, d) for d, _, _ in g], axis=1)
    r = sllg.simulate(prng.key(12), stack.Device(mag), m0, dt=0.02 * UNIT, n_steps=5000, record=("mz",),
                      record_every=20, noise=request.param)
    return request.param, r.trace["mz"][1000 // 20:], r.m, np.repeat(np.arange(len(g)), M)


def test_O1_O2_fast_generator_and_uniform_noise(fast_run):
    noise, mz, m_final, groups = fast_run
    stats = []
    for gi, (delta, alpha, tf) in enumerate(FAST_GROUPS):
        mean, se = group_stats(mz**2, groups, gi)
        exact = analytic.equilibrium_moments(delta / tf)[1]  # Delta scales as 1/T
        p = ks_pvalue(m_final[2, groups == gi], lambda x: analytic.cdf(x, delta / tf))
        print(f"{noise} Delta={delta} alpha={alpha} T={tf}x: <mz^2> = {mean:.5f} +- {se:.5f} (exact {exact:.5f}), "
              f"KS p = {p:.3f}")
        assert abs(mean - exact) < 4 * se, (noise, delta, alpha, tf, mean, exact, se)
        assert p > 0.01, (noise, delta, p)
        stats.append((mean, se))
    (a, sa), (b, sb) = stats[1], stats[3]  # O2: alpha = 1 at T and at 2T are told apart
    assert abs(a - b) > 10 * math.hypot(sa, sb)
