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
    -1.5656 at beta = 0.4407), the KL to the exact law at its floor where R-hat says the chains mixed, and the
    figure and the saved file written."""
    png, npz = tmp_path / "s.png", tmp_path / "s.npz"
    assert _cli(["--json", "--records", "1000", "--plot", str(png), "--save", str(npz)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 16 and out["couplings"] == 32 and [r["beta"] for r in out["betas"]] == [0.2, 0.4407, 0.8]
    crit = out["betas"][1]
    assert abs(crit["energy_per_spin"] - (-1.565624)) < 4 * crit["energy_stderr"] / 16
    for row in out["betas"]:  # at the floor, or flagged: at beta 0.8 each chain sits in one ordered state, so the
        # KL measures how the 32 chains split between the two (a binomial draw), and R-hat says so
        assert row["kl_exact"] < 2 * row["kl_floor"] + 1e-3 or command._rhat(row) > 1.05, row
        assert row["ess"] > 0 and row["tau_int_sweeps"] >= 0.5
    assert out["betas"][0]["kl_exact"] < 2 * out["betas"][0]["kl_floor"] + 1e-3  # hot: mixed, so at the floor
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
                                         (["--time-limit", "0"], "--time-limit"),
                                         (["--tempering", "--beta", "1.0"], "--tempering"),
                                         (["--tempering", "--beta", "1.0", "0.5"], "increasing")])
def test_bad_options_are_refused_by_name(argv, match, capsys):
    with pytest.raises(ValueError, match=match):
        _cli(argv)
    assert main.main(["sample", *argv]) == 2
    assert match in capsys.readouterr().err


def _exact_energy(model, beta):
    from circuits.sampling import exact

    return float(exact.boltzmann(model, beta) @ exact.energies(model))


@pytest.mark.parametrize("vartype", ["spin", "binary"])
def test_higher_order_problem_file_round_trip(vartype, capsys, tmp_path, random_hubo):
    """A random 3-body model of 10 spins written by hubo.write (over spins, or over bits) and sampled from the file:
    KL to enumeration within the floor, the file's mean energy (offset included) within 4 standard errors."""
    from circuits.model import hubo

    model, p = random_hubo(10, 3, seed=3), tmp_path / "h3.txt"  # the library test's model and shapes: one compilation
    hubo.write(p, model, vartype=vartype)
    fmt = ["--format", "problem"] if vartype == "binary" else []
    assert _cli([str(p), *fmt, "--json", "--beta", "0.7", "--chains", "32", "--records", "800"]) == 0
    out = json.loads(capsys.readouterr().out)
    row = out["betas"][0]
    assert out["order"] == 3 and out["n"] == 10 and not out["tempering"]
    assert row["kl_exact"] < 2.0 * row["kl_floor"] + 1e-3, row
    assert abs(row["energy"] - _exact_energy(model, 0.7)) < 4 * row["energy_stderr"]


def test_tempering_on_a_pairwise_problem_file(capsys, tmp_path, random_hubo):
    """--tempering on a 10-spin frustrated problem file with a constant: per beta the energy within 4 standard
    errors of enumeration and the KL within its floor; the swap acceptance per neighbouring pair in the JSON, in
    the rows and in the table."""
    from circuits.model import hubo

    model, p = random_hubo(10, 2, seed=5), tmp_path / "ising.txt"
    hubo.write(p, model)
    ladder = ["0.4", "0.8", "1.5"]
    assert _cli([str(p), "--json", "--tempering", "--beta", *ladder, "--chains", "12", "--records", "600"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["tempering"] and out["offset"] == pytest.approx(0.5) and len(out["swap_acceptance"]) == 2
    assert all(0 < a <= 1 for a in out["swap_acceptance"])
    for beta, row in zip(ladder, out["betas"]):
        assert row["kl_exact"] < 2.0 * row["kl_floor"] + 1e-3, row
        assert abs(row["energy"] - _exact_energy(model, float(beta))) < 4 * row["energy_stderr"]
    assert [r.get("swap_acceptance") for r in out["betas"]] == [*out["swap_acceptance"], None]
    assert _cli([str(p), "--tempering", "--beta", *ladder, "--chains", "12", "--records", "600"]) == 0  # compiled
    text = capsys.readouterr().out
    assert "with tempering" in text and "swap" in text
