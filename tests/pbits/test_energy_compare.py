"""Like-for-like energy comparison of the self-torque and heavy-metal p-bits (pbits.pbit.energy_per_bit.compare,
pbits.pbit.energy_range). Device: Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w; docs/physics.md
§1.6, §3.4."""
import math

import jax
import numpy as np
import pytest

from pbits.device import stack, torques
from pbits.pbit import energy_per_bit, energy_range

K = 4.0
RUN = dict(n_points=5, n_magnets=16, duration=8e-9, burn_in=1e-9, dt=4e-13, record_dt=4e-11)


def test_like_for_like_ratio_is_symmetric_under_swapping_the_field_like_torques():
    """A field-like torque along the easy axis is a Zeeman bias; the comparison must treat it alike in both schemes.
    With the self-torque's beta_FL = 0.16 on one scheme and none on the other, the ratio moves far from the
    damping-like-only ratio R_DL (the old 17x was this), but swapping the two field-like torques moves it back the
    same factor: R(0.16, 0) R(0, 0.16) = R_DL^2, within 4 propagated standard errors (one sLLG run, shared tau_c)."""
    st = stack.without_spin_pumping(stack.ni_disk("pt"))
    b = float(st.self_torque.beta_fl)
    d = {}
    for bs, bh in ((0.0, 0.0), (b, 0.0), (0.0, b)):
        s = st._replace(self_torque=st.self_torque._replace(beta_fl=bs), heavy_metal=st.heavy_metal._replace(beta_fl=bh))
        dev = stack.drives(s)
        d[("self", bs)] = dev["self"]
        d[("pt", bh)] = dev["pt"]._replace(drive=dev["pt"].drive._replace(oe=np.zeros(3)))
    keys = list(d)
    ps, _, _ = energy_per_bit.calibrate_drives(jax.random.key(21), [d[k] for k in keys], **RUN)
    p = dict(zip(keys, ps))
    r_s = energy_per_bit.energy.write_resistance(st, "self")
    r_h = energy_per_bit.energy.write_resistance(st, "pt")

    def log_ratio(bs, bh):  # log E_bit(pt)/E_bit(self) with a shared tau_c, and its variance
        a, c = p[("self", bs)], p[("pt", bh)]
        u_s, u_h = math.atanh(0.9) + abs(float(a.offset)), math.atanh(0.9) + abs(float(c.offset))
        val = math.log(r_h / r_s) + 2 * math.log(abs(float(c.i0)) * u_h / (abs(float(a.i0)) * u_s))
        var = 4 * ((float(a.i0_err) / float(a.i0)) ** 2 + (float(c.i0_err) / float(c.i0)) ** 2)
        return val, var

    l_dl, v_dl = log_ratio(0.0, 0.0)
    l_12, v_12 = log_ratio(b, 0.0)
    l_21, v_21 = log_ratio(0.0, b)
    print(f"R_DL = {math.exp(l_dl):.3f}, R(beta_self = {b}, 0) = {math.exp(l_12):.3f}, R(0, {b}) = {math.exp(l_21):.3f}")
    assert abs(l_12 + l_21 - 2 * l_dl) < K * math.sqrt(v_12 + v_21 + 4 * v_dl)
    assert l_12 - l_dl > math.log(2.0) and l_dl - l_21 > math.log(2.0)  # the bookkeeping effect is large


def test_compare_reports_which_torques_and_ranges():
    st = stack.without_spin_pumping(stack.ni_disk("pt"))
    g = energy_range.Gains(1.4e-4, 0.0, 6.2e-4, 0.0, 0.03)  # the measured gains of this magnet (about)
    r = energy_range.ratio_range(st, g, torques_on="dl")
    assert r.low.ratio < r.high.ratio
    assert all(cs.beta_hm == 0 and cs.oersted == 0 for cs in r.cases)  # dl mode: no field-like, no Oersted
    r_all = energy_range.ratio_range(st, g, torques_on="all")
    assert {cs.oersted for cs in r_all.cases} == {-1.0, 0.0, 1.0}
    assert {cs.beta_hm for cs in r_all.cases} == set(energy_range.FIELD_LIKE["pt"])
    # the default case of the dl range is R_DL = (R_HM/R_self)(g_DL dl_self/(g_DL dl_HM))^2 (the tau_c cancels)
    d_s, d_h, what = energy_per_bit.scheme_devices(st, torques_on="dl")
    assert what.startswith("damping-like only for both")
    base = [c for c in r.cases if c.shunt and c.shunt_torque == 0 and c.rho_hm == float(st.heavy_metal.rho_hm)
            and c.rho_fm == float(st.self_torque.rho_fm)][0]
    expected = (energy_per_bit.energy.write_resistance(st, "pt") / energy_per_bit.energy.write_resistance(st, "self")
                * (float(d_s.drive.dl) / float(d_h.drive.dl)) ** 2)
    assert base.ratio == pytest.approx(expected, rel=1e-9)
    # with all torques the heavy metal gets a field-like ratio and the Oersted field, and the report says so
    _, d_h, what = energy_per_bit.scheme_devices(st, torques_on="all", oersted=-1)
    assert "Oersted field sign -1" in what and float(d_h.drive.fl) != 0 and np.any(np.asarray(d_h.drive.oe) != 0)
    with pytest.raises(ValueError, match="torques must be one of"):
        energy_per_bit.scheme_devices(st, torques_on="some")
    with pytest.raises(ValueError, match="Oersted field's sign"):
        energy_per_bit.scheme_devices(st, torques_on="all", oersted=0.5)


def test_energy_switch_ratio_at_critical_current_like_for_like():
    """At T = 0 the field-like torque enters the critical current only as 1/(1 + alpha beta) (docs/physics.md §3.3), so
    the like-for-like per-switch ratio with the same beta_FL on both schemes equals the damping-like-only one."""
    st = stack.without_spin_pumping(stack.ni_disk("pt"))
    g = energy_range.Gains(1.0, 0.0, 5.0, 0.0, 0.03)
    r_dl = energy_range.ratio_range(st, g, torques_on="dl")
    base = [c for c in r_dl.cases if c.shunt and c.shunt_torque == 0 and c.rho_hm == float(st.heavy_metal.rho_hm)
            and c.rho_fm == float(st.self_torque.rho_fm)][0]
    d_s, d_h, _ = energy_per_bit.scheme_devices(st, torques_on="dl")
    i_s = float(energy_per_bit.switching.critical_current(d_s))
    i_h = float(energy_per_bit.switching.critical_current(d_h))
    expected = (energy_per_bit.energy.write_resistance(st, "pt") * i_h**2
                / (energy_per_bit.energy.write_resistance(st, "self") * i_s**2))
    assert base.ratio_switch == pytest.approx(expected, rel=1e-9)
    same = st._replace(heavy_metal=st.heavy_metal._replace(beta_fl=st.self_torque.beta_fl))
    d_s2, d_h2, _ = energy_per_bit.scheme_devices(same, torques_on="all", oersted=0)
    ratio2 = (energy_per_bit.energy.write_resistance(st, "pt") * float(energy_per_bit.switching.critical_current(d_h2)) ** 2
              / (energy_per_bit.energy.write_resistance(st, "self")
                 * float(energy_per_bit.switching.critical_current(d_s2)) ** 2))
    assert ratio2 == pytest.approx(expected, rel=1e-9)
