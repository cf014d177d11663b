"""Calibrated behavioural p-bits against sLLG: low-barrier presets, populations, a circuits network, energy.

Tolerances are k standard errors from the sample size (independent magnets in one vectorised run), plus the
0.02 RMS / 10 % model allowances stated in each test. Device: Choi et al., Nature Communications 2025,
doi:10.1038/s41467-025-61073-w; docs/physics.md §3.4-3.5, §4, §1.6.
"""
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from circuits.model import ising
from circuits.sampling import gibbs, rules
from pbits.analysis import energy, traces
from pbits.device import magnet, stack, torques
from pbits.pbit import calibrate, energy_per_bit, population, telegraph, theory, transfer

K = 4.0


def _preset_device(name):
    mag = magnet.preset(name)
    if name == "pma_low_barrier":  # MTJ write current, spin polarisation along the easy axis z (docs/physics.md §2.3)
        area = float(mag.volume / mag.thickness)
        return stack.Device(mag, torques.drive_stt(mag, polarization=0.6, area=area)), 2.5e-10
    st = stack.preset(name)
    return stack.drives(st)["self"], 4e-13


@pytest.mark.parametrize("name", ["pma_low_barrier", "inplane_low_barrier"])
def test_low_barrier_preset_behavioural_model_reproduces_sllg(name):
    dev, dt = _preset_device(name)
    tau = {"pma_low_barrier": 4e-7, "inplane_low_barrier": 7e-10}[name]  # run lengths: about tau_c [s]
    key = jax.random.key(7)
    p, curve = calibrate.calibrate(key, dev, n_points=9, n_magnets=256, duration=50 * tau, burn_in=4 * tau, dt=dt,
                                   record_dt=tau / 20, return_curve=True)
    i = curve.currents
    model = np.tanh(i / p.i0 + p.offset)
    inside = np.abs(i) <= 3 * p.i0 * (1 + 1e-9)
    rms = float(np.sqrt(np.mean((curve.mean - model)[inside] ** 2)))
    noise = float(np.sqrt(np.mean(curve.stderr[inside] ** 2)))
    excess = math.sqrt(max(rms**2 - noise**2, 0.0))
    print(f"{name}: I0 = {p.i0 * 1e6:.4g} uA (theory {float(theory.i0_theory(dev)) * 1e6:.4g}), offset "
          f"{p.offset:.3f}, tau_c = {p.tau_c * 1e9:.4g} ns (exponent q = {p.tau_exponent:.2f}), "
          f"dwell = {p.dwell * 1e9:.4g} ns; RMS residual over "
          f"+-3 I0 = {rms:.4f} (statistical {noise:.4f}, excess {excess:.4f})")
    assert rms < 0.02 + noise and excess < 0.02
    assert abs(i.max() - 3 * p.i0) < 0.5 * p.i0  # the curve spans about +-3 I0
    # tau_c: an independent sLLG run at I = 0 and I = I0 vs the behavioural telegraph tau_c / cosh(I/I0 + offset)
    check = np.array([0.0, float(p.i0)])
    rec = tau / 20
    tc = transfer.measure(jax.random.key(8), dev, check, n_magnets=384, duration=50 * tau, burn_in=4 * tau, dt=dt,
                          record_dt=rec)
    x = check / p.i0 + p.offset
    beh = p.tau_c / np.cosh(x) ** p.tau_exponent
    tr = telegraph.telegraph(jax.random.key(9), p, check, dt=rec, n_steps=1000, n=256)
    tau_tel = np.array([traces.autocorrelation_time(tr[:, :, q], rec) for q in range(2)])
    print(f"{name}: sLLG tau_c(I = 0, I0) = {np.round(tc.tau_c * 1e9, 4)} ns; behavioural {np.round(beh * 1e9, 4)} ns; "
          f"telegraph measured {np.round(tau_tel * 1e9, 4)} ns; telegraph <s> = {np.round(tr.mean(axis=(0, 1)), 3)} "
          f"vs tanh {np.round(np.tanh(x), 3)}")
    assert abs(tc.tau_c[0] / p.tau_c - 1) < 0.10
    assert np.all(np.abs(beh / tc.tau_c - 1) < 0.10)
    assert np.all(np.abs(tau_tel / tc.tau_c - 1) < 0.10)
    assert np.all(np.abs(tr.mean(axis=(0, 1)) - np.tanh(x)) < 0.03)


UNIAXIAL = stack.Device(magnet.uniaxial(1.0, 1.0), torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
CURRENTS = 1.5e5 * np.linspace(-1.0, 1.0, 7)  # about +-2 I0 for the Delta = 1, alpha = 1 reference magnet [A]
RUN = dict(n_magnets=96, duration=4e-9, burn_in=5e-10, dt=1e-12, record_dt=1e-11)


@pytest.fixture(scope="module")
def wafer():
    return population.calibrate_population(jax.random.key(4), UNIAXIAL, 8, volume_cv=0.15, hk_cv=0.1,
                                          bias_field_std=1e4, currents=CURRENTS, **RUN)


def test_zero_spread_gives_identical_pbits():
    pop = population.calibrate_population(jax.random.key(5), UNIAXIAL, 6, currents=CURRENTS, **RUN)
    for name in ("gain", "offset", "tau_c"):
        v = np.asarray(getattr(pop.params, name))
        assert v.shape == (6,) and np.ptp(v) == 0.0, name
    assert pop.gain_cv == 0.0 and pop.offset_std == 0.0


def test_population_spread_matches_direct_sllg(wafer):
    pop = wafer
    print(f"population: gain CV = {pop.gain_cv:.3f}, offset std = {pop.offset_std:.3f}, tau_c CV = {pop.tau_cv:.3f}")
    assert pop.gain_cv > 0.05 and pop.offset_std > 0.05
    for q in (0, 3, 6):  # a few sampled devices, calibrated one at a time by sLLG (independent keys)
        dev = stack.Device(
            UNIAXIAL.magnet._replace(volume=pop.devices.magnet.volume[q], hk=pop.devices.magnet.hk[q]),
            UNIAXIAL.drive, pop.devices.h_ext[:, q])
        d = calibrate.calibrate(jax.random.key(100 + q), dev, currents=CURRENTS, **RUN)
        z_i0 = abs(d.i0 - pop.params.i0[q]) / math.hypot(d.i0_err, pop.params.i0_err[q])
        z_off = abs(d.offset - pop.params.offset[q]) / math.hypot(d.offset_err, pop.params.offset_err[q])
        print(f"device {q}: I0 {pop.params.i0[q]:.4g} (population) vs {d.i0:.4g} (direct), z = {z_i0:.2f}; "
              f"offset {pop.params.offset[q]:.3f} vs {d.offset:.3f}, z = {z_off:.2f}")
        assert z_i0 < K and z_off < K


def test_network_of_calibrated_pbits_with_spread(wafer):
    circuits = pytest.importorskip("circuits")
    from circuits.sampling import gibbs
    from circuits.model import ising
    from circuits.sampling import rules

    params = wafer.params
    n = params.i0.size
    unit = 1e4  # network field unit [A]: I = unit * h
    gain, offset = calibrate.rule_args(params, current_unit=unit)
    h = np.linspace(-8.0, 8.0, n)  # fixed input currents -8e4 .. 8e4 A, inside the calibrated range
    model = ising.from_dense(np.zeros((n, n)), h)
    samples = gibbs.sample(jax.random.key(6), model, jnp.ones((512, n)), 1.0, n_samples=64,
                           update=rules.device_pbit(gain, offset))
    s = np.asarray(samples, dtype=float)
    mean = s.mean(axis=(0, 1))
    se = s.mean(axis=0).std(axis=0, ddof=1) / math.sqrt(s.shape[1])
    own = np.tanh(unit * h / params.i0 + params.offset)
    z = np.abs(mean - own) / se
    print(f"network of {n} calibrated p-bits: <s> {np.round(mean, 3)} vs own tanh {np.round(own, 3)}; "
          f"max z = {z.max():.2f}")
    assert np.all(z < K)
    # and the spread matters: the nominal p-bit (first device's parameters for all) would not match
    nominal = np.tanh(unit * h / params.i0[0] + params.offset[0])
    assert np.any(np.abs(mean - nominal) > 10 * se)


def test_dissipation_asymmetry_lowers_i0_and_energy_and_symmetric_stack_is_flat():
    # at a fixed damping (spin pumping off: with it the damping rises with a_AFMI too, see
    # energy_per_bit.dissipation_sweep) more spin loss means more torque, a smaller I0 and less energy
    st = stack.without_spin_pumping(stack.preset("inplane_low_barrier"))
    a = [0.0, 0.3, 0.8]  # a_cap = 0: a_AFMI = 0 is the symmetric stack
    xi, e = energy_per_bit.vs_dissipation(jax.random.key(10), st, a, n_magnets=64, duration=12e-9, burn_in=2e-9,
                                      dt=4e-13, record_dt=4e-11)
    print("a_AFMI, xi_DL, I0 [uA], tau_c [ns], E_bit [aJ]:")
    for q in range(3):
        print(f"  {a[q]:.2f} {xi[q]:.4f} " + ("flat (no torque)" if e[q] is None else
                                               f"{e[q].i0 * 1e6:.4g} {e[q].tau_c * 1e9:.4g} {e[q].energy * 1e18:.4g}"))
    assert xi[0] == 0.0 and e[0] is None and 0 < xi[1] < xi[2]
    assert e[2].i0 < e[1].i0 and e[2].energy < e[1].energy
    # symmetric stack: a current up to 3 I0 of the a = 0.3 stack gives no bias at all
    sym = st.self_torque._replace(a_par=0.0, neel=st.self_torque.sigma)
    dev = stack.Device(st.magnet, torques.drive_self(sym, st.magnet))
    cur = 3 * e[1].i0 * np.array([-1.0, 0.0, 1.0])
    tc = transfer.measure(jax.random.key(11), dev, cur, n_magnets=64, duration=10e-9, burn_in=1e-9, dt=4e-13,
                          record_dt=4e-11)
    print(f"symmetric stack: <s> = {np.round(tc.mean, 3)} +- {np.round(tc.stderr, 3)}")
    assert np.all(np.abs(tc.mean) < K * tc.stderr)
    with pytest.raises(ValueError, match="no finite I0"):
        energy_per_bit.energy_per_bit(st, "self", calibrate.PbitParams(*(np.asarray(v) for v in
                                                                        (np.inf, 0.0, 0.0, 1e-9, 1.0, 1e-9, 0, 0, 0))))


def test_input_errors():
    with pytest.raises(ValueError, match="n_devices"):
        population.sample_devices(jax.random.key(0), UNIAXIAL, 0)
    with pytest.raises(ValueError, match="volume_cv"):
        population.sample_devices(jax.random.key(0), UNIAXIAL, 3, volume_cv=float("nan"))
    with pytest.raises(ValueError, match="non-empty"):
        calibrate.calibrate(jax.random.key(0), UNIAXIAL, currents=[])
    with pytest.raises(ValueError, match="current_unit"):
        calibrate.rule_args(calibrate.PbitParams(*([np.ones(2)] * 9)), current_unit=-1.0)
    with pytest.raises(ValueError, match="a_afmi"):
        energy_per_bit.vs_dissipation(jax.random.key(0), stack.preset("inplane_low_barrier"), [])
