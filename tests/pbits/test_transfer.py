"""p-bit transfer curves from sLLG against the oracles O3, O16, O17, O25 of docs/physics.md §7.

Many magnets in one vectorised run; the samples are per-magnet time averages, so the standard error (SE)
is exact and tolerances are k SE (docs/physics.md §7). Reduced units (H_K = 1e5 A/m, alpha = 1) where the
oracle allows it. Device: Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w.
"""
import math

import jax
import numpy as np
import pytest

from pbits import constants as C
from pbits.analysis import analytic, switching
from pbits.device import magnet, stack, torques
from pbits.pbit import theory, transfer

HK = 1e5
UNIT = 1 / (C.GAMMA0 * HK)  # reduced time unit [s]
K = 4.0  # tolerance in standard errors


@pytest.fixture(scope="module")
def pma_run():
    """Groups (Delta, alpha, T): two damping values and two temperatures at Delta = 0, and Delta = 1.

    The drive is a collinear spin current I_s: H_DL = hbar I_s/(2 e mu0 M_s V) (docs/physics.md §3.4), so the
    exact curve is <m_z> = F(I_s/I0, Delta) with I0 = 2 e alpha k_B T/hbar.
    """
    groups = [(0.0, 1.0, 300.0), (0.0, 0.5, 300.0), (0.0, 1.0, 150.0), (1.0, 1.0, 300.0)]
    delta, alpha, temp = (np.array([g[q] for g in groups]) for q in range(3))
    mag = magnet.uniaxial(delta, alpha, hk=HK, temperature=temp)
    per_amp = C.HBAR / (2 * C.E_CHARGE * C.MU0 * mag.ms * mag.volume)
    dev = stack.Device(mag, torques.Drive(per_amp, np.zeros(4), (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
    i_ref = float(theory.i0_spin_pma(1.0, 300.0))
    currents = i_ref * np.array([-4.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0])
    tc = transfer.measure(jax.random.key(3), dev, currents, n_magnets=200, duration=8e-9, burn_in=1e-9,
                          dt=0.02 * UNIT, record_dt=0.2 * UNIT)
    return groups, dev, tc


def test_O3_O16_pma_transfer_curve_is_exact(pma_run):
    groups, _, tc = pma_run
    for q, (delta, alpha, temp) in enumerate(groups):
        i0 = float(theory.i0_spin_pma(alpha, temp))
        xi = tc.currents / i0
        exact_m = np.array([analytic.mean_m(x, delta) for x in xi])
        exact_s = np.array([theory.sign_mean_exact(x, delta) for x in xi])
        z_m = np.abs(tc.mean_m[q] - exact_m) / tc.stderr_m[q]
        z_s = np.abs(tc.mean[q] - exact_s) / tc.stderr[q]
        print(f"Delta={delta} alpha={alpha} T={temp}: <m_z> {np.round(tc.mean_m[q], 3)} vs F {np.round(exact_m, 3)}; "
              f"max z = {z_m.max():.2f}; <sgn m_z> max z = {z_s.max():.2f}")
        assert np.all(z_m < K), (q, tc.mean_m[q], exact_m, tc.stderr_m[q])
        assert np.all(z_s < K), (q, tc.mean[q], exact_s, tc.stderr[q])


def test_I0_linear_in_temperature_and_damping(pma_run):
    # Delta = 0: <sgn m_z> = tanh(xi/2) exactly, so the fitted I0 of the digital read-out is 2 x 2 e alpha k_B T/hbar
    groups, _, tc = pma_run
    ft = transfer.fit(tc)
    for q, (delta, alpha, temp) in enumerate(groups[:3]):
        expected = 2 * float(theory.i0_spin_pma(alpha, temp))
        print(f"alpha={alpha} T={temp}: fitted I0 = {ft.i0[q] * 1e6:.4f} +- {ft.i0_err[q] * 1e6:.4f} uA, "
              f"expected {expected * 1e6:.4f} uA, rms {ft.rms[q]:.4f}")
        assert abs(ft.i0[q] - expected) < K * ft.i0_err[q], (q, ft.i0[q], expected, ft.i0_err[q])
        assert abs(ft.offset[q]) < K * ft.offset_err[q]
    r_alpha = ft.i0[1] / ft.i0[0]
    r_temp = ft.i0[2] / ft.i0[0]
    se_a = r_alpha * math.hypot(ft.i0_err[1] / ft.i0[1], ft.i0_err[0] / ft.i0[0])
    se_t = r_temp * math.hypot(ft.i0_err[2] / ft.i0[2], ft.i0_err[0] / ft.i0[0])
    print(f"I0(alpha=0.5)/I0(alpha=1) = {r_alpha:.4f} +- {se_a:.4f}; I0(150 K)/I0(300 K) = {r_temp:.4f} +- {se_t:.4f}")
    assert abs(r_alpha - 0.5) < K * se_a
    assert abs(r_temp - 0.5) < K * se_t


def test_O17_inplane_sigmoid():
    # Delta = 4, H_D/H_K = 10, alpha = 0.1, DL torque along the easy axis y; drive "1 A" = 1 A/m of H_DL
    vol = magnet.volume_for_delta(4.0, ms=1e6, hk_eff=HK)
    mag = magnet.make(ms=1e6, thickness=1e-9, volume=vol, alpha=0.1, hk=HK, easy_axis=(0, 1, 0), demag=(0, 0, 1))
    dev = stack.Device(mag, torques.Drive(1.0, 0.0, (0.0, 1.0, 0.0), (0.0, 0.0, 0.0)))
    h = np.array([0.03, 0.06, 0.12, 0.24])
    tc = transfer.measure(jax.random.key(17), dev, h * HK, n_magnets=400, duration=300 * UNIT, burn_in=120 * UNIT,
                          dt=0.0085 * UNIT, record_dt=UNIT)
    norm = analytic.inplane_moments(4.0, 10.0)[0]  # <|m_y|> = 0.9035
    sim = tc.mean_m / norm
    se = tc.stderr_m / norm
    oracle = np.tanh(4.0 * h / (0.1 * (1 + 10.0 / 2)))
    print(f"O17: sLLG {np.round(sim, 3)} +- {np.round(se, 3)}; tanh(Delta h/h_c) {np.round(oracle, 3)}; "
          f"docs/physics.md table 0.197 0.356 0.642 0.931")
    # +-0.04 is the oracle's systematic allowance; the statistical error (k SE) is added to it
    assert np.all(np.abs(sim - oracle) < 0.04 + 2 * se), (sim, oracle, se)
    # the theoretical I0 (tanh(I/I0)) is the same formula
    assert abs(float(theory.i0_theory(dev)) - 0.1 * 6 * HK / 4.0) < 1e-6 * HK


def test_O25_inplane_tau_c_fast_and_nearly_alpha_independent():
    base = magnet.preset("inplane_low_barrier")
    alphas = np.array([0.005, 0.01, 0.02])
    mag = base._replace(alpha=alphas, volume=np.full(3, float(base.volume)))
    dev = stack.Device(mag)
    tc = transfer.measure(jax.random.key(25), dev, [0.0], n_magnets=128, duration=24e-9, burn_in=3e-9, dt=4e-13,
                          record_dt=4e-12)
    tau = np.asarray(tc.tau_m)[:, 0]
    d = magnet.derived(base._replace(alpha=alphas))
    tau_pma = d.tau_n * analytic.tau_int(0.0)  # PMA disk of the same V, alpha at Delta ~ 0: tau_c = tau_N
    ratio_alpha = tau[0] / tau[2]
    print(f"O25: in-plane tau_c = {np.round(tau * 1e9, 3)} ns for alpha = {alphas}; PMA tau_N = "
          f"{np.round(tau_pma * 1e9, 1)} ns; tau(0.005)/tau(0.02) = {ratio_alpha:.2f} (PMA: 4.0, alpha^-1/3: 1.59)")
    assert np.all(tau <= 0.01 * tau_pma)
    assert ratio_alpha < 2.5  # nearly alpha-independent; a uniaxial magnet would give (1+a^2)/a: 4.0


def test_theory_values_and_errors():
    assert abs(float(theory.i0_spin_pma(0.01, 300.0)) - 0.1259e-6) < 1e-10  # docs/physics.md §3.4: 0.126 uA
    assert abs(float(theory.i0_spin_pma(0.02, 300.0)) / float(theory.i0_spin_pma(0.01, 150.0)) - 4.0) < 1e-12
    assert abs(theory.sign_mean_exact(2.0, 0.0) - math.tanh(1.0)) < 1e-6
    assert abs(theory.sign_mean_exact(1.0, 400.0) - math.tanh(1.0)) < 2e-3
    dev = stack.Device(magnet.uniaxial(1.0, 1.0), torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
    with pytest.raises(ValueError, match="non-empty"):
        transfer.measure(jax.random.key(0), dev, [])
    with pytest.raises(ValueError, match="finite"):
        transfer.measure(jax.random.key(0), dev, [0.0, float("nan")])
    with pytest.raises(ValueError, match="n_magnets"):
        transfer.measure(jax.random.key(0), dev, [0.0], n_magnets=1)
    with pytest.raises(ValueError, match="temperature"):
        theory.i0_spin_pma(0.01, -3.0)
    with pytest.raises(ValueError, match="readout"):
        transfer.fit(transfer.TransferCurve(np.zeros(2), *([np.zeros(2)] * 8), 2, 1.0), readout="bits")


def test_stable_magnet_switching_probability_is_thermally_activated():
    # Mode (b): a stable magnet (Delta = 10) reset, then written by a pulse of width t_p. Collinear DL torque on a
    # PMA magnet is an axial field H_DL/alpha (docs/physics.md §3.3), so the escape time is the exact mean first-passage
    # time T(I) out of the -1 well (analytic.mfpt) and P_sw = 1 - exp(-t_p/T(I)); barriers Delta (1 - I/I_c0)^2.
    delta = 10.0
    mag = magnet.uniaxial(delta, 1.0, hk=HK)
    dev = stack.Device(mag, torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))  # "1 A" = 1 A/m of H_DL
    tau_n = float(magnet.derived(mag).tau_n)
    h = np.array([0.2, 0.3, 0.4, 0.5])  # I/I_c0, I_c0 = alpha H_K
    t_p = 10 * tau_n
    from pbits.analysis import switching, traces

    n_trials = 200
    c = switching.switching_probability(jax.random.key(33), dev, h * HK, width=t_p, dt=0.02 * UNIT,
                                          n_trials=n_trials, reset_current=float(h.max() * HK), reset_width=t_p)
    t_esc = np.array([analytic.mfpt(delta, -1.0, 0.0, 2 * delta * x) for x in h]) * tau_n
    p_th = 1 - np.exp(-t_p / t_esc)
    se = np.sqrt(p_th * (1 - p_th) / n_trials)
    # the beta = 2 law tau0 exp[Delta (1 - I/I_c0)^2] with one fitted prefactor, for the record
    tau0 = np.exp(np.mean(np.log(t_esc) - delta * (1 - h) ** 2))
    print(f"P_sw sLLG {c.probability} vs exact 1 - exp(-t_p/T) {np.round(p_th, 3)} (SE {np.round(se, 3)}); "
          f"T/tau_N = {np.round(t_esc / tau_n, 2)}; beta = 2 law with tau0 = {tau0 / tau_n:.3g} tau_N: "
          f"{np.round(1 - np.exp(-t_p / (tau0 * np.exp(delta * (1 - h) ** 2))), 3)}")
    # k SE plus 0.02 for the discrete monitoring of the crossing and the finite settle time (docs/physics.md §2.5)
    assert np.all(np.abs(c.probability - p_th) < K * se + 0.02), (c.probability, p_th, se)


def test_mean_dwell_is_unbiased_with_few_dwells_per_magnet():
    """Uniaxial Delta = 3, alpha = 1, I = 0, hysteresis +-0.5: the mean dwell is the exact mean first-passage time
    T(0.5 -> -0.5) (docs/physics.md §3.2), also when each magnet is recorded for only ~3 dwells (the mean of the
    completed dwells alone would be ~30 % short). Tolerance 4 SE + 3 % (the O(dt) weak error), SE = dwell/sqrt(switches)."""
    mag = magnet.uniaxial(3.0, 1.0, hk=HK)
    tau_n = 6 * UNIT  # (1 + alpha^2) Delta/(alpha gamma0 H_K)
    exact = analytic.mfpt(3.0, 0.5, -0.5) * tau_n
    dev = stack.Device(mag, torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
    tc = transfer.measure(jax.random.key(12), dev, [0.0], n_magnets=600, duration=3 * exact, burn_in=exact,
                          dt=0.02 * UNIT, record_dt=0.5 * UNIT)
    switches = 600 * tc.duration / float(tc.dwell[0])
    se = float(tc.dwell[0]) / math.sqrt(switches)
    print(f"mean dwell {tc.dwell[0] / tau_n:.3f} +- {se / tau_n:.3f} tau_N, exact T(0.5->-0.5) = {exact / tau_n:.3f}; "
          f"tau_c = {tc.tau_c[0] / tau_n:.3f} +- {tc.tau_c_err[0] / tau_n:.3f} tau_N")
    assert abs(float(tc.dwell[0]) - exact) < 0.03 * exact + K * se
    assert np.isfinite(tc.tau_c_err[0]) and 0 < tc.tau_c_err[0] < 0.2 * tc.tau_c[0]


# sLLG transfer curve of the Delta = 0.5, 40 nm Ni disk (stack.ni_disk(delta=0.5, diameter=40e-9), spin pumping off,
# damping-like self-torque), recorded with calibrate.calibrate(jax.random.key(7), dev, n_points=13, n_magnets=256,
# duration=60e-9, burn_in=3e-9, dt=4e-13, record_dt=4e-11): currents [uA], <s>, standard errors.
_D05_I = [-134.5528, -112.1273, -89.7018, -67.2764, -44.8509, -22.4255, 0.0, 22.4255, 44.8509, 67.2764, 89.7018,
          112.1273, 134.5528]
_D05_S = [-0.9992, -0.9943, -0.9718, -0.8918, -0.7197, -0.4066, 0.0023, 0.3946, 0.7094, 0.8978, 0.972, 0.9939, 0.9987]
_D05_SE = [0.0002, 0.0006, 0.0015, 0.003, 0.0049, 0.0069, 0.0071, 0.0066, 0.0045, 0.0026, 0.0014, 0.0006, 0.0002]


def test_cubic_shape_fits_the_lowest_barrier_inplane_disk():
    """tanh misfits the Delta = 0.5 in-plane disk (RMS excess over the statistical floor 0.021, chi^2/dof ~ 26);
    the one-parameter shape tanh(z + c z^3) fits it within the noise (excess < 0.02, chi^2/dof < 2)."""
    i = np.array(_D05_I) * 1e-6
    tc = transfer.TransferCurve(i, np.array(_D05_S), np.array(_D05_SE), *([None] * 6), 256, 60e-9)
    out = {}
    for shape in ("tanh", "cubic"):
        f = transfer.fit(tc, shape=shape)
        inside = np.abs(i) <= 3 * abs(float(f.i0)) * (1 + 1e-9)
        res = tc.mean - transfer.evaluate(f, i)
        rms, noise = math.sqrt(np.mean(res[inside] ** 2)), math.sqrt(np.mean(tc.stderr[inside] ** 2))
        out[shape] = (math.sqrt(max(rms * rms - noise * noise, 0.0)), float(f.chi2), float(f.cubic))
    print(f"RMS excess / chi2 / c: tanh {out['tanh']}, cubic {out['cubic']}")
    assert out["tanh"][0] > 0.02 and out["tanh"][1] > 10
    assert out["cubic"][0] < 0.02 and out["cubic"][1] < 2 and out["cubic"][2] > 0
    with pytest.raises(ValueError, match="shape"):
        transfer.fit(tc, shape="erf")
