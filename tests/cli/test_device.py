"""``pbits device``: the derived-parameter report (JSON and text, a parameter file), switching curves with a plot,
and ``--transfer``: transfer curves, I0, tau_c and energy per random bit.

Device: Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w.
"""
import argparse
import json

import pytest

from circuits.cli import device as cli_device
from pbits.device import stack


def _parser():
    parser = argparse.ArgumentParser()
    cli_device.configure(parser)
    return parser


def test_cli_transfer_json_and_plot(tmp_path, capsys):
    png = tmp_path / "tr.png"
    args = _parser().parse_args(["--transfer", "--preset", "inplane_low_barrier", "--magnets", "8", "--points", "5",
                                 "--duration", "4e-9", "--json", "--plot", str(png)])
    assert cli_device.run(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["schemes"]) == {"self", "pt"}
    for d in out["schemes"].values():
        assert d["i0_A"] > 0 and d["tau_c_s"] > 0 and d["energy_per_bit_J"] > 0 and len(d["current_A"]) == 5
    assert out["energy_ratio_baseline_over_self"] > 0 and out["baseline"].startswith("pt")
    assert png.stat().st_size > 0


def test_cli_transfer_text_and_errors(capsys):
    args = _parser().parse_args(["--transfer", "--magnets", "4", "--points", "3", "--duration", "2e-9",
                                 "--baseline", "ta"])
    assert cli_device.run(args) == 0
    text = capsys.readouterr().out
    assert "ni_low_barrier" in text and "energy per random bit" in text and "damping-like only for both" in text
    with pytest.raises(ValueError, match="low-barrier"):
        cli_device.run(_parser().parse_args(["--transfer", "--preset", "ni_afmi"]))
    with pytest.raises(ValueError, match="--magnets"):
        cli_device.run(_parser().parse_args(["--transfer", "--magnets", "1"]))
    with pytest.raises(ValueError, match="--duration"):
        cli_device.run(_parser().parse_args(["--transfer", "--duration", "-1"]))


def test_cli_device_json_and_text(capsys, tmp_path):
    parser = argparse.ArgumentParser()
    cli_device.configure(parser)
    assert cli_device.run(parser.parse_args(["--preset", "ni_afmi", "--json"])) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["self_torque"]["xi_dl"] == pytest.approx(0.083, rel=1e-4)
    # spin pumping into the AFMI (a = 0.8) raises the self-torque magnet's damping far above Pt's
    assert out["self_torque"]["alpha"] > out["baseline"]["alpha"] > 0.03
    assert out["energy"]["ratio_baseline_over_self"] < 1 and "pt" in out["energy"]["baseline"]
    assert cli_device.run(parser.parse_args(["--preset", "ni_afmi", "--json", "--no-spin-pumping"])) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["self_torque"]["alpha"] == out["baseline"]["alpha"] == 0.03
    assert out["energy"]["ratio_baseline_over_self"] > 1
    params = tmp_path / "dev.json"
    params.write_text(json.dumps({"magnet": {"ms": 4.8e5, "thickness": 3e-9, "area": 5.9e-15, "alpha": 0.03,
                                             "easy_axis": [0, 1, 0], "demag": [0.045, 0.013, 0.942]},
                                  "self_torque": {"preset": "ni", "a_cap": 0.1}}))
    assert cli_device.run(parser.parse_args(["--params", str(params), "--baseline", "ta"])) == 0
    text = capsys.readouterr().out
    assert "delta" in text and "ta (" in text
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"magnet": {"ms": 4.8e5, "thickness": 3e-9, "area": 5.9e-15, "alpha": 0.03,
                                          "temperature": -3}}))
    with pytest.raises(ValueError, match="temperature"):
        cli_device.run(parser.parse_args(["--params", str(bad)]))


def test_cli_switching_plot(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    cli_device.configure(parser)
    png = tmp_path / "sw.png"
    args = parser.parse_args(["--switching", "--points", "3", "--trials", "4", "--width", "1e-9", "--json",
                              "--plot", str(png)])
    assert cli_device.run(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out["switching"]) == {"self", "pt", "energy_ratio_at_p50"}
    assert png.stat().st_size > 0


def test_device_presets_and_summary():
    for name in stack.PRESETS:
        s = cli_device.summary(stack.preset(name))
        assert s["magnet"]["delta"] > 0
    assert cli_device.summary(stack.preset("pma"))["magnet"]["delta"] == pytest.approx(40.0, rel=1e-6)
    with pytest.raises(ValueError, match="unknown device"):
        stack.preset("nio")


@pytest.mark.parametrize("extra, message", [
    ({"self_torque": {"preset": "ni", "width": -1e-7}}, r"self_torque.width must be > 0 \[m\]"),
    ({"self_torque": {"preset": "ni", "rho_fm": -1.0}}, r"self_torque.rho_fm must be > 0 \[Ohm m\]"),
    ({"self_torque": {"preset": "ni", "a_par": 1.5}}, r"a_par is a spin-loss fraction in \[0, 1\]"),
    ({"heavy_metal": {"thickness": float("nan")}}, r"heavy_metal.thickness must be finite \[m\]"),
])
def test_every_params_field_is_validated(tmp_path, capsys, extra, message):
    from circuits.cli import main

    params = tmp_path / "p.json"
    params.write_text(json.dumps({"magnet": {"ms": 4.8e5, "thickness": 3e-9, "area": 5.9e-15, "alpha": 0.03,
                                             "easy_axis": [0, 1, 0], "demag": [0.045, 0.013, 0.942]}, **extra}))
    assert main.main(["device", "--params", str(params), "--json"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    import re
    assert re.search(message, err), err


def test_zero_damping_is_reported_not_a_crash(tmp_path, capsys):
    """alpha = 0 is allowed: no damping, no thermal noise, I_c0 = 0 in both schemes and no energy ratio."""
    params = tmp_path / "p.json"
    params.write_text(json.dumps({"magnet": {"ms": 4.8e5, "thickness": 3e-9, "area": 5.9e-15, "alpha": 0.0,
                                             "easy_axis": [0, 1, 0], "demag": [0.045, 0.013, 0.942]}}))
    assert cli_device.run(_parser().parse_args(["--params", str(params), "--json", "--no-spin-pumping"])) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["self_torque"]["i_c0_A"] == 0.0 and out["energy"]["ratio_baseline_over_self"] != \
        out["energy"]["ratio_baseline_over_self"]  # NaN: no ratio of two zero energies


@pytest.mark.parametrize("argv, message", [(["--magnets", "8"], "--magnets do.* not apply"),
                                           (["--switching", "--oersted", "1"], "--oersted do.* not apply"),
                                           (["--transfer", "--oersted", "-1"], "--oersted .without --torques all"),
                                           (["--switching", "--sweep"], "one at a time"),
                                           (["--transfer", "--trials", "3"], "--trials do.* not apply"),
                                           (["--points", "3"], "--points do.* not apply"),
                                           (["--switching", "--transfer"], "one at a time")])
def test_device_options_that_do_not_apply_are_refused(argv, message):
    with pytest.raises(ValueError, match=message):
        cli_device.run(_parser().parse_args(argv))


def test_cli_sweep_reports_the_optimum(capsys):
    """``--sweep``: with spin pumping the critical current has a minimum inside (0, 1); with alpha fixed it falls
    all the way (docs/physics.md §1.4; Tserkovnyak, Brataas & Bauer 2002)."""
    assert cli_device.run(_parser().parse_args(["--sweep", "0.1:0.9:9", "--json"])) == 0
    out = json.loads(capsys.readouterr().out)
    a_with, a_without = out["optimum_a_afmi"]["i_c"]["with_spin_pumping"], out["optimum_a_afmi"]["i_c"]["without"]
    assert 0.2 < a_with < 0.6 and a_without > 0.9
    ic = out["with_spin_pumping"]["i_c_A"]
    assert min(ic) < ic[0] and min(ic) < ic[-1]
    assert all(x > y for x, y in zip(out["without_spin_pumping"]["i_c_A"], out["without_spin_pumping"]["i_c_A"][1:]))
    assert cli_device.run(_parser().parse_args(["--sweep"])) == 0
    assert "optimum a_AFMI" in capsys.readouterr().out
    with pytest.raises(ValueError, match="LO:HI:N"):
        cli_device.run(_parser().parse_args(["--sweep", "0.1-0.9"]))
