"""``pbits solve``: the built-in QUBO, a QUBO file and a G-set file (format detection), JSON, bad input."""
import argparse
import json

import numpy as np
import pytest

from circuits.cli import main
from circuits.cli import solve as command
from circuits.model import qubo


def _cli(argv):
    parser = argparse.ArgumentParser()
    command.configure(parser)
    return command.run(parser.parse_args(argv))


def test_default_problem_spends_its_budget(capsys):
    assert _cli(["--json", "--time-limit", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["problem"] == "qubo40" and out["n"] == 40 and len(out["x"]) == 40
    assert out["lower_bound"] <= out["objective"] and out["bound_certified"]
    x = np.array(out["x"], np.float64)
    Q = command._example()[0].Q
    assert float(x @ Q @ x) == pytest.approx(out["objective"])
    assert out["stopped"] in ("done", "target") and out["schedule"]["planned"]


def test_qubo_and_gset_files(capsys, tmp_path):
    q = tmp_path / "q.txt"
    Q = np.triu(np.random.default_rng(1).integers(-3, 4, (8, 8))).astype(np.float64)
    qubo.write(q, qubo.Qubo(Q, 1.5, tuple(range(8))))
    assert _cli([str(q), "--json", "--sweeps", "300"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["format"] == "qubo"
    best = min(float(b @ Q @ b) for b in ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(np.float64))
    assert out["objective"] == pytest.approx(best + 1.5)
    g = tmp_path / "ring.txt"
    g.write_text("6 6\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 6 1\n6 1 1\n")
    assert _cli([str(g), "--sweeps", "200"]) == 0
    text = capsys.readouterr().out
    assert "[gset, 6 variables]" in text and "cut 6 of total weight 6" in text and "proven optimal" in text


@pytest.mark.parametrize("argv, match", [(["--sweeps", "0"], "--sweeps"), (["--time-limit", "-1"], "--time-limit"),
                                         (["--bound-time", "nan"], "--bound-time"), (["--target", "inf"], "--target")])
def test_bad_options(argv, match, capsys):
    with pytest.raises(ValueError, match=match):
        _cli(argv)
    assert main.main(["solve", *argv]) == 2 and match in capsys.readouterr().err


def test_problem_files_quadratic_and_higher_order(capsys, tmp_path):
    """The problem format: a planted 3-regular 3-XORSAT instance (3-body, energy = violated clauses) is solved to 0;
    a quadratic problem file goes through the Ising path with its bound."""
    from circuits.model import hubo
    from circuits.problems import xorsat

    p = tmp_path / "xor.txt"
    hubo.write(p, xorsat.to_hubo(xorsat.planted(24, seed=3)))
    assert command.detect(p) == "problem"
    assert _cli([str(p), "--json", "--sweeps", "4096", "--replicas", "32", "--target", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["order"] == 3 and out["objective"] == pytest.approx(0.0, abs=1e-6) and out["lower_bound"] is None
    assert out["stopped"] == "target" and len(out["x"]) == 24  # --target 0: a planted solution stops the run
    assert _cli([str(p), "--json", "--time-limit", "2"]) == 0  # without --sweeps: sized from a pilot
    assert json.loads(capsys.readouterr().out)["schedule"]["planned"]
    q = tmp_path / "ising.txt"
    q.write_text("# a frustrated triangle in a field\nspin 3 4\n0 1 1.0\n1 2 1.0\n0 2 1.0\n0 0.5\n")
    assert _cli([str(q), "--json", "--sweeps", "200"]) == 0
    out = json.loads(capsys.readouterr().out)
    states = ((np.arange(8)[:, None] >> np.arange(3)) & 1) * 2 - 1
    e = [s[0] * s[1] + s[1] * s[2] + s[0] * s[2] + 0.5 * s[0] for s in states]
    assert out["order"] == 2 and out["objective"] == pytest.approx(min(e)) and out["lower_bound"] <= min(e) + 1e-9
    assert _cli([str(q), "--json", "--sweeps", "100", "--method", "icm", "--replicas", "4", "--bound-time", "0"]) == 0
    out = json.loads(capsys.readouterr().out)  # tempering with cluster moves: a field in the model is fine
    assert out["method"] == "icm" and out["objective"] == pytest.approx(min(e))
    with pytest.raises(ValueError, match="--method icm applies to problems of order <= 2"):
        _cli([str(p), "--method", "icm"])


@pytest.mark.parametrize("vartype", ["SPIN", "BINARY"])
def test_dimod_bqm_files(vartype, capsys, tmp_path):
    """A 10-variable BQM written by dimod (string labels): detected by its magic bytes, solved to the ground energy
    of dimod.ExactSolver, the labels reported in the variables' order; pbits sample reads it too (SPIN)."""
    dimod = pytest.importorskip("dimod")
    rng = np.random.default_rng(4 if vartype == "SPIN" else 5)
    labels = [f"v{k}" for k in range(10)]
    bqm = dimod.BinaryQuadraticModel({v: float(rng.integers(-2, 3)) for v in labels},
                                     {(labels[i], labels[j]): float(rng.integers(-3, 4))
                                      for i in range(10) for j in range(i + 1, 10) if rng.random() < 0.4},
                                     1.25, vartype)
    p = tmp_path / "model.bqm"
    with open(p, "wb") as f:
        f.write(bqm.to_file().read())
    assert command.detect(p) == "bqm"
    assert _cli([str(p), "--json", "--sweeps", "400", "--bound-time", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    ground = dimod.ExactSolver().sample(bqm).first.energy
    assert out["format"] == "bqm" and out["labels"] == list(bqm.variables)
    assert out["objective"] == pytest.approx(ground, abs=1e-6)
    state = dict(zip(out["labels"], out["spins"] if vartype == "SPIN" else out["x"]))
    assert bqm.energy(state) == pytest.approx(ground, abs=1e-6)
    if vartype == "BINARY":
        return
    from circuits.cli import sample

    parser = argparse.ArgumentParser()
    sample.configure(parser)
    assert sample.run(parser.parse_args([str(p), "--format", "bqm", "--json", "--records", "20", "--chains", "2"])) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["n"] == 10 and got["labels"] == out["labels"]


def test_bqm_without_dimod_says_how_to_install(capsys, tmp_path, monkeypatch):
    p = tmp_path / "model.bqm"
    p.write_bytes(b"DIMODBQM\x02\x00")
    monkeypatch.setitem(__import__("sys").modules, "dimod", None)  # as if not installed
    assert main.main(["solve", str(p)]) == 2
    assert 'pip install "pbits[dwave]"' in capsys.readouterr().err
