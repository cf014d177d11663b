"""Limits before allocation: runs that would not fit in memory, or count past 2^31 - 1 steps, are refused with
the estimate and the knob to turn, before anything large is allocated."""
import pytest

from circuits.cli import main
from pbits.runtime import memory


@pytest.fixture
def small_machine(monkeypatch):
    monkeypatch.setattr(memory, "available", lambda: 2.0**30)  # 1 GiB free, whatever the test machine has


@pytest.mark.parametrize("argv, message", [
    (["factor", "1003", "--replicas", "100000000"], r"factor: this run needs about .* GiB .*lower --replicas"),
    (["maxcut", "--sweeps", "100000000000"], r"needs about .* 100000000000 sweeps.*lower the replica count or"),
    (["maxcut", "--replicas", "10000000"], r"800 spins x 10000000 replicas"),
    (["maxcut", "--device", "sllg", "--sim-time", "1e9"], r"more than one run counts \(2\^31 - 1\)"),
    (["device", "--switching", "--width", "1"], r"exceeds the 2\^31 - 1 steps"),
])
def test_oversized_runs_are_refused_with_the_estimate(small_machine, capsys, argv, message):
    import re

    assert main.main(argv) == 2
    err = capsys.readouterr().err
    assert re.search(message, err) and "Traceback" not in err, err


def test_a_huge_graph_header_is_refused_before_allocation(small_machine, tmp_path, capsys):
    g = tmp_path / "huge.txt"
    g.write_text("2000000000 1\n1 2 1\n")
    assert main.main(["maxcut", str(g)]) == 2
    assert "2000000000 spins" in capsys.readouterr().err


def test_long_runs_use_a_lazy_schedule(small_machine):
    """3e8 sweeps of a 3-spin graph fit: the geometric schedule is generated a chunk at a time."""
    from circuits.annealing import driver, schedules
    from circuits.model import ising

    sched = schedules.lazy_geometric(0.1, 3.0, 300_000_000)
    assert schedules.length(sched) == 300_000_000 and schedules.segment(sched, 299_999_999, 10).shape == (1,)
    driver.check_memory(ising.from_edges(3, [(0, 1), (1, 2)]), 4, 1024, 30_000_000, "test")  # fits in 1 GiB
