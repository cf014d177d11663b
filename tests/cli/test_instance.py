"""``pbits instance``: every kind writes a file that gset.read reads back with the generator's weights, the
comment header remakes it, the summary and JSON, the planted state, bad options as one-line errors, and a
planted optimum found by ``pbits maxcut``."""
import json
import shlex

import numpy as np
import pytest

from circuits.cli import main
from circuits.problems import gset, instances, planted, topologies

KINDS = [
    (["torus2d", "--L", "5"], lambda: instances.torus2d(5)),
    (["ea3d", "--L", "3", "--couplings", "gauss", "--seed", "2"], lambda: instances.ea3d(3, seed=2, couplings="gauss")),
    (["complete", "--n", "12"], lambda: instances.complete(12)),
    (["regular", "--n", "20", "--degree", "4", "--couplings", "unit"],
     lambda: instances.regular(20, 4, couplings="unit")),
    (["chimera", "--m", "2", "--t", "3"], lambda: topologies.chimera(2, t=3)),
    (["pegasus", "--m", "3", "--couplings", "gauss"], lambda: topologies.pegasus(3, couplings="gauss")),
    (["zephyr", "--m", "1"], lambda: topologies.zephyr(1)),
    (["tile", "--L", "6", "--tile-probs", "0.5", "0.2", "0.1"],
     lambda: planted.tile(6, probabilities=(0.5, 0.2, 0.1)).graph),
    (["wishart", "--n", "10", "--alpha", "0.3", "--no-gauge"],
     lambda: planted.wishart(10, alpha=0.3, gauge=False).graph),
    (["loops3d", "--L", "4", "--alpha", "0.4", "--seed", "1"], lambda: planted.loops3d(4, alpha=0.4, seed=1).graph),
]


@pytest.mark.parametrize("argv, make", KINDS, ids=[k[0][0] for k in KINDS])
def test_every_kind_writes_what_the_generator_makes(argv, make, tmp_path, capsys):
    path = tmp_path / "g.txt"
    assert main.main(["instance", *argv, "-o", str(path)]) == 0
    expected, back = make(), gset.read(path)
    assert back.n == expected.n and np.array_equal(back.edges, expected.edges)
    assert np.array_equal(back.weights, expected.weights)
    out = capsys.readouterr().out
    assert f"(n = {expected.n}, m = {len(expected.edges)})" in out and f"pbits maxcut {path}" in out
    # the first comment line is a command that remakes the same file
    command = path.read_text().splitlines()[0]
    assert command.startswith("# pbits instance ")
    again = tmp_path / "again.txt"
    assert main.main([*shlex.split(command[len("# pbits "):]), "-o", str(again)]) == 0
    assert again.read_text() == path.read_text()


def test_json_summary_and_planted_state(tmp_path, capsys):
    path, spins = tmp_path / "t.txt", tmp_path / "t.npy"
    assert main.main(["instance", "tile", "--L", "4", "--seed", "3", "-o", str(path), "--planted-out", str(spins),
                      "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    ref = planted.tile(4, seed=3)
    assert (out["kind"], out["n"], out["m"], out["seed"], out["params"]) == ("tile", 16, 32, 3,
                                                                              {"L": 4, "tile_probs": [0.25] * 3})
    assert out["ground_energy"] == ref.ground_energy and out["optimal_cut"] == ref.optimal_cut and out["gauge"]
    assert out["planted_spins"] == ref.planted_spins.tolist() and out["planted_out"] == str(spins)
    s = np.load(spins)
    assert s.dtype == np.int8 and np.array_equal(s, ref.planted_spins)
    g = gset.read(path)
    assert float(instances.energy(g, s)) == out["ground_energy"]
    assert f"ground_energy {ref.ground_energy!r} optimal_cut {ref.optimal_cut!r}" in path.read_text()
    text = tmp_path / "w.txt"
    assert main.main(["instance", "wishart", "--n", "8", "-o", str(tmp_path / "w.rudy"), "--planted-out",
                      str(text)]) == 0
    assert "maximum cut" in capsys.readouterr().out
    assert np.array_equal(np.loadtxt(text), planted.wishart(8).planted_spins)


def test_plain_json(tmp_path, capsys):
    assert main.main(["instance", "pegasus", "--m", "2", "-o", str(tmp_path / "p.txt"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["n"], out["m"], out["couplings"], out["instance"]) == (40, 164, "pm", "pegasus2_s0")
    assert "ground_energy" not in out


@pytest.mark.parametrize("argv, message", [
    (["torus2d", "--L", "2"], "--L must be an integer >= 3 for torus2d, got 2"),
    (["pegasus", "--m", "1"], "--m must be an integer >= 2 for pegasus, got 1"),
    (["complete", "--L", "4"], "--L do(es) not apply to complete (it takes --n)"),
    (["tile", "--L", "5"], "L must be even"),
    (["regular", "--n", "5", "--degree", "3"], "n d even"),
    (["torus2d", "--couplings", "unit"], "--couplings unit does not apply to torus2d"),
    (["tile", "--couplings", "gauss"], "its couplings are planted"),
    (["tile", "--alpha", "0.5"], "--alpha only applies to wishart"),
    (["wishart", "--alpha", "0"], "--alpha must be a finite number > 0"),
    (["tile", "--tile-probs", "0.5", "0.5", "0.5"], "--tile-probs must be three numbers >= 0 with a sum <= 1"),
    (["torus2d", "--planted-out", "x.npy"], "--planted-out only applies to tile, wishart and loops3d"),
    (["tile", "--planted-out", "x.csv"], "--planted-out: 'x.csv' has the extension '.csv'"),
    (["complete", "--n", "100000"], "--n 100000 gives about 5e+09 edges for complete; this command writes at most"),
    (["pegasus", "--m", "1000"], "choose a smaller size"),
    (["zephyr", "--seed", "-1"], "--seed must be an integer >= 0"),
])
def test_bad_options_are_one_line_errors(argv, message, tmp_path, capsys):
    assert main.main(["instance", *argv, "-o", str(tmp_path / "x.txt")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.txt").exists()


def test_unknown_kind_and_unwritable_output(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main.main(["instance", "cubic", "-o", str(tmp_path / "x.txt")])
    assert stop.value.code == 2 and "invalid choice: 'cubic'" in capsys.readouterr().err
    assert main.main(["instance", "torus2d", "-o", str(tmp_path / "no" / "x.txt")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_maxcut_finds_the_planted_optimum(tmp_path, capsys):
    """The written file runs through ``pbits maxcut`` (the comment header skipped) to the planted maximum cut."""
    path = tmp_path / "tile.txt"
    assert main.main(["instance", "tile", "--L", "4", "--seed", "1", "-o", str(path), "--json"]) == 0
    cut = json.loads(capsys.readouterr().out)["optimal_cut"]
    assert main.main(["maxcut", str(path), "--json", "--sweeps", "300", "--replicas", "8",
                      "--target", str(cut)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["best_cut"] == cut and out["n"] == 16
