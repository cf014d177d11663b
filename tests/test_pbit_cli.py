"""``pbits device --transfer``: transfer curves, I0, tau_c and energy per random bit from the command line.

Device: Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w.
"""
import argparse
import json

import pytest

from pbits import cli_device


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
    assert "ni_low_barrier" in text and "energy per random bit" in text and "ta without Oersted" in text
    with pytest.raises(ValueError, match="low-barrier"):
        cli_device.run(_parser().parse_args(["--transfer", "--preset", "ni_afmi"]))
    with pytest.raises(ValueError, match="--magnets"):
        cli_device.run(_parser().parse_args(["--transfer", "--magnets", "1"]))
    with pytest.raises(ValueError, match="--duration"):
        cli_device.run(_parser().parse_args(["--transfer", "--duration", "-1"]))
