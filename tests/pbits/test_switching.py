"""Spin-torque switching oracles O14-O16 of docs/physics.md §7 (zero-temperature thresholds, thermal activation)."""
import math

import jax
import numpy as np
import pytest

from pbits import constants as C
from pbits.analysis import analytic, switching, traces
from pbits.device import magnet, stack, torques
import pbits.sllg as sllg

HK = 1e5
UNIT = 1 / (C.GAMMA0 * HK)


def test_O14_inplane_type_y_threshold():
    """alpha = 0.01, H_K/H_D = 0.02, sigma || easy axis y, T = 0: no switching below alpha (H_K + H_D/2),
    switching at 1.35x (docs/physics.md §3.3: long-pulse threshold ~1.25-1.3 J_c0)."""
    hd = 1e6
    mag = magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.01, hk=0.02 * hd, easy_axis=(0, 1, 0),
                      demag=(0.0, 0.0, 1.0), temperature=0.0)
    dev = stack.Device(mag, torques.Drive(1.0, 0.0, (0.0, 1.0, 0.0), (0.0, 0.0, 0.0)))
    h_c = float(switching.critical_field(mag))
    assert h_c == pytest.approx(0.0052 * hd)
    assert float(switching.critical_current(dev)) == pytest.approx(h_c)  # 1 A/m per A
    t_unit = 1 / (C.GAMMA0 * hd)
    _, switched = switching.threshold_current(dev, [0.95 * h_c, 1.35 * h_c], width=4000 * t_unit,
                                                settle=500 * t_unit, dt=0.05 * t_unit)
    print(f"O14: switched at 0.95 / 1.35 x alpha(H_K + H_D/2): {switched.tolist()}")
    assert switched.tolist() == [False, True]


@pytest.mark.parametrize("hx", [0.1, 0.3])
def test_O15_pma_sot_threshold_with_inplane_field(hx):
    """PMA, alpha = 0.1, sigma || y, H_x || current: threshold ~ H_K/2 - H_x/sqrt 2 (Lee et al. APL 2013), +-20 %."""
    mag = magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=HK, temperature=0.0)
    formula = HK * (0.5 - hx / math.sqrt(2))
    currents = np.array([0.8, -0.8, 1.2, -1.2]) * formula
    dev = stack.Device(mag, torques.Drive(1.0, 0.0, (0.0, 1.0, 0.0), (0.0, 0.0, 0.0)), h_ext=(hx * HK, 0.0, 0.0))
    m0 = np.tile(np.array([[hx], [0.0], [math.sqrt(1 - hx * hx)]]), (1, 4))  # equilibrium tilt
    wf = sllg.pulses(np.stack([currents, 0 * currents]), [100 * UNIT, 200 * UNIT])
    r = sllg.simulate(jax.random.key(0), dev, m0, dt=0.01 * UNIT, n_steps=30000, current=wf, record=(),
                      record_every=30000)
    switched = r.m[2] < 0
    print(f"O15 H_x={hx}: switched at (+0.8, -0.8, +1.2, -1.2) x formula: {switched.tolist()}")
    assert not switched[:2].any(), r.m[2]
    assert switched[2:].any(), r.m[2]


def test_O16_thermally_activated_switching_collinear_torque():
    """PMA, Delta = 8, alpha = 1, collinear DL torque I/I_c0 = 0.05 (xi = 2 Delta I/I_c0 = 0.8):
    dwell+/dwell- = P(m_z > 0)/P(m_z < 0) and <m_z> = F(xi, Delta) (docs/physics.md §3.3), 4 SE."""
    rng = np.random.default_rng(16)
    n, delta, frac = 6000, 8.0, 0.05
    xi = 2 * delta * frac
    mag = magnet.uniaxial(delta, 1.0, hk=HK)
    dev = stack.Device(mag, torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
    i_c0 = float(switching.critical_current(dev))  # alpha H_K with 1 A/m per A
    assert i_c0 == pytest.approx(HK)
    r = sllg.simulate(jax.random.key(16), dev, analytic.sample(rng, n, delta, xi), dt=0.02 * UNIT, n_steps=30000,
                      current=frac * i_c0, record=("mz",), record_every=100, events=sllg.Events((0, 0, 1), -0.5, 0.5))
    rates = traces.escape_rates(r.events)
    p_minus = float(analytic.cdf(np.array([0.0]), delta, xi)[0])
    expected = (1 - p_minus) / p_minus  # dwell+/dwell- = Gamma-/Gamma+
    ratio = rates.rate[1] / rates.rate[0]
    se_log = math.sqrt(1 / rates.exits[0] + 1 / rates.exits[1])
    print(f"O16: dwell+/dwell- = {ratio:.3f} (x exp(+-{se_log:.3f})), expected {expected:.3f}; exits {rates.exits}")
    assert abs(math.log(ratio / expected)) < 4 * se_log, (ratio, expected, se_log, rates.exits)
    per = r.trace["mz"].mean(axis=0)
    mean, se = per.mean(), per.std(ddof=1) / math.sqrt(n)
    print(f"O16: <mz> = {mean:.4f} +- {se:.4f} (exact F = {analytic.mean_m(xi, delta):.4f})")
    assert abs(mean - analytic.mean_m(xi, delta)) < 4 * se, (mean, analytic.mean_m(xi, delta), se)
    # beta = 2 barrier picture: Delta (1 -+ I/I_c0)^2 gives a ratio ~ exp(4 Delta I/I_c0) (within 25 % here)
    assert ratio == pytest.approx(math.exp(4 * delta * frac), rel=0.25)


@pytest.mark.parametrize("beta", [0.0, 3.0])
def test_critical_current_with_field_like_torque(beta):
    """Uniaxial (PMA) magnet, collinear DL + FL torque, T = 0: the DL torque acts as an axial field H_DL/alpha and the
    FL as H_FL, so the switching threshold is exactly I_c0/(1 + alpha beta) (docs/physics.md §3.3). The analytic
    critical current must say so, and a T = 0 run must switch at 1.02x and not at 0.98x of it."""
    mag = magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=HK, temperature=0.0)
    dev = stack.Device(mag, torques.Drive(1.0, beta, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
    i_c = float(switching.critical_current(dev))
    assert i_c == pytest.approx(0.1 * HK / (1 + 0.1 * beta), rel=1e-12)
    _, switched = switching.threshold_current(dev, [0.98 * i_c, 1.02 * i_c], width=3000 * UNIT, dt=0.02 * UNIT)
    assert switched.tolist() == [False, True]
