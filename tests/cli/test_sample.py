"""``pbits sample``: the built-in default (exact KL shown), a graph file, JSON, plot and saved results, bad input."""
import argparse
import json

import numpy as np
import pytest

from circuits.cli import main
from circuits.cli import sample as command


def _cli(argv):
    parser = argparse.ArgumentParser()
    command.configure(parser)
    return command.run(parser.parse_args(argv))


def test_default_model_reports_the_exact_kl(capsys, tmp_path):
    """The 4 x 4 torus at three betas: the energy within 4 standard errors of enumeration (the exact 4 x 4 values:
    -1.5656 at beta = 0.4407), the KL to the exact law at its floor, and the figure and the saved file written."""
    png, npz = tmp_path / "s.png", tmp_path / "s.npz"
    assert _cli(["--json", "--records", "1000", "--plot", str(png), "--save", str(npz)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 16 and out["couplings"] == 32 and [r["beta"] for r in out["betas"]] == [0.2, 0.4407, 0.8]
    crit = out["betas"][1]
    assert abs(crit["energy_per_spin"] - (-1.565624)) < 4 * crit["energy_stderr"] / 16
    for row in out["betas"]:
        assert row["kl_exact"] < 2 * row["kl_floor"] + 1e-3 and row["ess"] > 0 and row["tau_int_sweeps"] >= 0.5
    assert png.is_file()
    saved = np.load(npz)
    assert saved["energy"].shape == (1000, 3, 32) and saved["spins"].shape == (3, 32, 16)


def test_graph_file_and_text_report(capsys, tmp_path):
    g = tmp_path / "ring.txt"
    g.write_text("6 6\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 6 1\n6 1 1\n")
    assert _cli([str(g), "--beta", "1.0", "--records", "200", "--chains", "8"]) == 0
    text = capsys.readouterr().out
    assert "6 spins, 6 couplings" in text and "KL exact" in text


@pytest.mark.parametrize("argv, match", [(["--beta", "-1"], "--beta"), (["--records", "1"], "--records"),
                                         (["--chains", "0"], "--chains"), (["--plot", "x.txt"], "--plot"),
                                         (["--time-limit", "0"], "--time-limit")])
def test_bad_options_are_refused_by_name(argv, match, capsys):
    with pytest.raises(ValueError, match=match):
        _cli(argv)
    assert main.main(["sample", *argv]) == 2
    assert match in capsys.readouterr().err
