"""``pbits maxcut``: the built-in default run, JSON and plot, best-known ratio, checkpoint/resume, rule and beta,
bad input, and the device-level mode."""
import argparse
import json

import pytest

from circuits.cli import maxcut as command
from circuits.cli import main


def _cli(argv):
    parser = argparse.ArgumentParser()
    command.configure(parser)
    return command.run(parser.parse_args(argv))


def test_cli_default_run(capsys):
    assert _cli([]) == 0
    out = capsys.readouterr().out
    assert "random800-0" in out and "best cut" in out and "spin updates/s" in out


def test_cli_json_plot_and_best_known(capsys, tmp_path, shared_dir):
    shared = shared_dir
    if not (shared / "gset" / "G11.txt").is_file():
        pytest.skip("shared G-set data not found")
    plot = tmp_path / "trace.png"
    assert _cli([str(shared / "gset" / "G11.txt"), "--json", "--sweeps", "300", "--replicas", "16",
                 "--seed", "3", "--plot", str(plot)]) == 0
    out = json.loads(capsys.readouterr().out)
    for k in ("best_cut", "time_s", "compile_s", "run_s", "sweeps", "spin_updates_per_s", "schedule", "seed",
              "best_known", "ratio"):
        assert k in out
    # the command's time holds its parts: reading the file, the bound, compiling and running (and set-up between)
    assert out["time_s"] >= out["read_s"] + out["compile_s"] + out["run_s"] + out["bound_s"] - 1e-3
    assert out["best_known"] == 564 and out["seed"] == 3 and out["sweeps"] == 300
    assert 0.95 < out["ratio"] <= 1.0 and plot.stat().st_size > 0
    assert out["schedule"]["kind"] == "geometric"


def test_cli_checkpoint_resume_and_errors(capsys, tmp_path):
    g = tmp_path / "tiny.txt"
    g.write_text("4 4\n1 2 1\n2 3 1\n3 4 1\n4 1 1\n")
    ck = tmp_path / "ck.npz"
    assert _cli([str(g), "--json", "--sweeps", "50", "--replicas", "4", "--checkpoint", str(ck)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["best_cut"] == 4 and ck.is_file()
    assert _cli([str(g), "--json", "--sweeps", "50", "--replicas", "4", "--resume", str(ck)]) == 0
    assert json.loads(capsys.readouterr().out)["best_cut"] == 4
    pt = tmp_path / "pt.npz"
    # no bound: a proven optimum would stop the run before its first sweep, and this checks the resumed count
    argv = [str(g), "--json", "--sweeps", "40", "--replicas", "4", "--method", "tempering", "--bound-time", "0"]
    assert _cli(argv + ["--checkpoint", str(pt)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["method"] == "tempering" and first["best_cut"] == 4 and pt.is_file()
    assert _cli(argv + ["--resume", str(pt)]) == 0
    assert json.loads(capsys.readouterr().out)["sweeps"] == 40
    bad = tmp_path / "bad.txt"
    bad.write_text("4 1\n1 9 1\n")
    with pytest.raises(ValueError, match="line 2 of 'bad.txt'"):
        _cli([str(bad)])
    with pytest.raises(FileNotFoundError):
        _cli([str(tmp_path / "missing.txt")])
    with pytest.raises(ValueError, match="--sweeps"):
        _cli(["--sweeps", "0"])


def test_cli_rule_and_beta(capsys, tmp_path):
    """--rule and --beta reach the driver and the JSON record; a reversed schedule is refused."""
    g = tmp_path / "ring.txt"
    g.write_text("6 6\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 6 1\n6 1 1\n")
    assert _cli([str(g), "--json", "--sweeps", "60", "--replicas", "4", "--rule", "metropolis",
                 "--beta", "0.2", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["best_cut"] == 6  # the even ring is bipartite: every edge is cut
    assert out["schedule"] == {"kind": "geometric", "beta0": 0.2, "beta1": 3.0, "n_sweeps": 60, "rule": "metropolis",
                               "planned": False, "cut_short": False}
    assert _cli([str(g), "--json", "--sweeps", "40", "--replicas", "4", "--method", "tempering",
                 "--beta", "0.2", "3"]) == 0
    ladder = json.loads(capsys.readouterr().out)["schedule"]["ladder"]
    assert ladder[0] >= 0.2 - 1e-9 and ladder[-1] <= 3.0 + 1e-9
    with pytest.raises(ValueError, match="--beta"):
        _cli([str(g), "--beta", "3", "0.2"])


def test_cli_maxcut_device_sllg_json(tmp_path, capsys):
    g = tmp_path / "ring16.txt"
    g.write_text("16 16\n" + "".join(f"{i + 1} {(i + 1) % 16 + 1} 1\n" for i in range(16)))
    assert main.main(["maxcut", str(g), "--device", "sllg", "--sim-time", "3", "--replicas", "2", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "sllg-self" and 0 < out["best_cut"] <= 16 and out["energy_J"] > 0
    assert out["sim_time_s"] > 0 and out["replicas"] == 2


def test_output_paths_are_checked_before_the_run_and_the_result_survives_a_bad_plot(tmp_path, capsys,
                                                                                     monkeypatch):
    g = tmp_path / "ring.txt"
    g.write_text("6 6\n1 2 1\n2 3 1\n3 4 1\n4 5 1\n5 6 1\n6 1 1\n")
    base = [str(g), "--sweeps", "20", "--replicas", "4"]
    with pytest.raises(ValueError, match="--plot: the folder .* does not exist"):
        _cli(base + ["--plot", str(tmp_path / "nodir" / "t.png")])
    with pytest.raises(ValueError, match=r"--plot: .* has the extension '.xyz'"):
        _cli(base + ["--plot", str(tmp_path / "t.xyz")])
    with pytest.raises(ValueError, match="--checkpoint: the folder .* does not exist"):
        _cli(base + ["--checkpoint", str(tmp_path / "nodir" / "c.npz")])
    assert capsys.readouterr().out == ""  # refused before any sweep

    from circuits import plotting

    def broken(*a, **k):
        raise RuntimeError("no display")

    assert _cli(base + ["--plot", str(tmp_path / "good.png")]) == 0
    assert f"plot          saved to {tmp_path / 'good.png'}" in capsys.readouterr().out
    monkeypatch.setattr(plotting, "cut_trace", broken)
    assert _cli(base + ["--plot", str(tmp_path / "t.png")]) == 0
    out, err = capsys.readouterr()
    assert "best cut      6" in out and "warning: the cut trace was not drawn" in err


def test_version_and_unreadable_graph_files(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main.main(["--version"])
    assert capsys.readouterr().out.strip().startswith("pbits 0.")
    utf16 = tmp_path / "g16.txt"
    utf16.write_bytes("3 1\n1 2 1\n".encode("utf-16"))
    assert main.main(["maxcut", str(utf16)]) == 2
    assert "g16.txt' is not a text file" in capsys.readouterr().err
    assert main.main(["maxcut", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--device", "sllg", "--plot", "x.png"], "--plot do.* not apply to --device sllg"),
    (["--device", "sllg", "--checkpoint", "c.npz", "--method", "tempering"], "--method, --checkpoint"),
    (["--torque", "pt"], "--torque only apply to --device sllg"),
    (["--beta", "0", "3"], "0 < BETA0 < BETA1"),
    (["--time-limit", "nan"], "--time-limit must be a finite"),
    (["--time-limit", "inf"], "--time-limit must be a finite"),
    (["--method", "tempering", "--replicas", "20"], "not a multiple of 16 .use 16 or 32"),
    (["--method", "icm", "--replicas", "48"], "cluster moves pair two chains.*use 32 or 64"),
])
def test_options_that_do_not_apply_or_are_out_of_range_are_refused(argv, message, capsys):
    with pytest.raises(ValueError, match=message):
        _cli(argv)
    assert capsys.readouterr().out == ""


def test_cluster_moves_reach_the_brute_force_optimum(capsys, tmp_path):
    """--method icm (tempering with Houdayer moves) on a 16-node glass: the best cut is the exact maximum."""
    import itertools

    import numpy as np

    rng = np.random.default_rng(4)
    edges = [(i, j, int(rng.choice([-1, 1]))) for i, j in itertools.combinations(range(16), 2) if rng.random() < 0.3]
    g = tmp_path / "glass16.txt"
    g.write_text(f"16 {len(edges)}\n" + "".join(f"{i + 1} {j + 1} {w}\n" for i, j, w in edges))
    s = 1 - 2 * ((np.arange(2 ** 15)[:, None] >> np.arange(15)) & 1)  # vertex 15 fixed at +1
    s = np.concatenate([s, np.ones((len(s), 1), int)], 1)
    i, j, w = (np.array(c) for c in zip(*edges))
    best = float(((s[:, i] != s[:, j]) * w).sum(1).max())
    assert _cli([str(g), "--json", "--sweeps", "200", "--method", "icm", "--bound-time", "0"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["method"] == "icm" and out["schedule"]["cluster_moves"] and out["best_cut"] == best


def test_distributed_without_a_cluster_is_our_error(capsys, monkeypatch):
    from circuits.cli import common

    def fail(**kw):
        raise ValueError("coordinator_address should be defined.")

    monkeypatch.setattr("jax.distributed.initialize", fail)
    monkeypatch.setattr("jax.config.update", lambda *a: None)  # leave this process's collectives alone
    with pytest.raises(ValueError, match="--distributed: could not join a multi-host job .*PBITS_COORDINATOR"):
        common.join_distributed({})


def test_cli_time_limit_plans_the_anneal(capsys, tmp_path):
    """``--time-limit 3`` on a 2000-node graph plans one anneal for the budget (re-timed between chunks so its cold
    end is reached): more sweeps than the fixed 1000-sweep schedule, a best cut at least as good with the same
    seed, the rule that ran and a certified upper bound above the cut in the JSON. With --sweeps the schedule is
    fixed, and a limit that cuts it says so. (How close the run lands to its budget is measured by
    benchmarks/maxcut.py, not asserted here.)"""
    from circuits.problems import gset, instances

    path = instances.write(gset.random_graph(2000, 0.003, seed=4), tmp_path / "g2000.txt")
    assert _cli([str(path), "--json", "--sweeps", "1000", "--seed", "1"]) == 0
    fixed = json.loads(capsys.readouterr().out)
    assert _cli([str(path), "--json", "--time-limit", "3", "--seed", "1"]) == 0
    planned = json.loads(capsys.readouterr().out)
    assert planned["schedule"]["planned"] and planned["stopped"] == "done" and not planned["schedule_cut"]
    assert planned["sweeps"] == planned["planned_sweeps"] > 1000
    assert planned["best_cut"] >= fixed["best_cut"]
    assert planned["rule"] == fixed["rule"] == "metropolis"
    for out in (fixed, planned):
        assert out["bound_certified"] and out["upper_bound"] >= out["best_cut"]
        assert out["gap_to_bound"] == pytest.approx(1 - out["best_cut"] / out["upper_bound"])
    assert _cli([str(path), "--json", "--sweeps", "10000000", "--time-limit", "1", "--bound-time", "0"]) == 0
    cut = json.loads(capsys.readouterr().out)
    assert cut["schedule_cut"] and cut["stopped"] == "time_limit" and cut["sweeps"] < 10**7
    assert cut["upper_bound"] is None


def test_a_cut_that_reaches_the_certified_bound_is_proven_optimal_and_stops_the_run(capsys, tmp_path):
    """On an even cycle the eigenvalue bound is tight (n), so the anneal stops as soon as a replica cuts every edge
    and the summary says the cut is optimal."""
    import numpy as np

    from circuits.problems import instances
    from circuits.problems.gset import Graph

    n = 40
    ring = Graph(n, np.array([[i, (i + 1) % n] for i in range(n)]), np.ones(n), "C40")
    path = instances.write(ring, tmp_path / "c40.txt")
    assert _cli([str(path), "--json", "--sweeps", "100000", "--replicas", "8"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["upper_bound"] == pytest.approx(n) and out["bound_certified"]
    assert out["best_cut"] == n and out["proven_optimal"] and out["stopped"] == "target"
    assert out["sweeps"] < 100000
