"""What the sub-commands share: the multi-host variables, read only by the command line."""
import pytest

from circuits.cli import common, main


def test_distributed_arguments_from_environment():
    env = {"PBITS_COORDINATOR": "host0:1234", "PBITS_NUM_PROCESSES": "2", "PBITS_PROCESS_ID": "1"}
    assert common.distributed_args(env) == {"coordinator_address": "host0:1234", "num_processes": 2,
                                            "process_id": 1}
    assert common.distributed_args({"JAX_NUM_PROCESSES": "4"}) == {"num_processes": 4}
    assert common.distributed_args({}) == {}
    with pytest.raises(ValueError, match="PBITS_PROCESS_ID must be an integer, got 'x'"):
        common.distributed_args({"PBITS_PROCESS_ID": "x"})
    with pytest.raises(ValueError, match=r"process id must be in 0..1, got 2"):
        common.distributed_args({"PBITS_NUM_PROCESSES": "2", "PBITS_PROCESS_ID": "2"})


def test_progress_bar_shows_what_the_summary_reports(monkeypatch, capsys):
    """The maxcut bar reports the best cut (not the Ising energy); numbers print in full."""
    import numpy as np

    from circuits.annealing.driver import ChunkTrace

    W = 100.0
    bar = common.Bar("sweeps", lambda tr: f"best cut {common.number((W - float(tr.best[-1])) / 2)}", enabled=True)
    assert bar(10, 40, ChunkTrace(np.array([-20.0, -30.0]), np.array([0.0, 0.0]))) is None  # never asks to stop
    bar.close()
    err = capsys.readouterr().err
    assert "10/40 sweeps" in err and "best cut 65" in err and err.endswith("\n")
    assert common.number(3290310.0) == "3290310" and common.number(0.5) == "0.5"


def test_readme_command_lines_name_files_that_exist(shared_dir):
    """The README's command examples use paths that exist from the repository root (with shared/ beside it)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    text = (root / "README.md").read_text()
    lines = [ln for block in re.findall(r"```bash\n(.*?)```", text, re.S) for ln in block.splitlines()
             if ln.startswith("pbits ")]
    tokens = [ln.split("#")[0].split() for ln in lines]
    files = [tok for t in tokens for tok in t if tok.endswith(".txt")]
    written = {t[k + 1] for t in tokens for k in range(len(t) - 1) if t[k] in ("-o", "--output")}
    assert files, "README shows no command with a graph file"
    if not (shared_dir / "gset").is_dir():
        pytest.skip("shared data not found")
    for f in files:  # a file the README's own commands write, or the user's own ("my_..."), need not exist
        assert f in written or f.startswith("my_") or (root / f).resolve().is_file() or Path(f).is_file(), f


def test_importing_the_package_leaves_the_device_count_open():
    """No module makes an array at import, so the command line can still give XLA one CPU device per core after
    importing everything (an import that started the backend left the CLI on one device)."""
    import subprocess
    import sys

    code = ("import circuits, circuits.cli.main, circuits.cli.maxcut, circuits.cli.solve, circuits.cli.sample, "
            "circuits.cli.device, circuits.cli.factor, circuits.plotting, pbits\n"
            "from pbits.runtime import sharding\n"
            "import os; os.environ.pop('XLA_FLAGS', None); sharding.use_cpu_cores(cores=2)\n"
            "import jax; print(len(jax.devices('cpu')))")
    env = {k: v for k, v in __import__("os").environ.items() if k != "XLA_FLAGS"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(env, JAX_PLATFORMS="cpu"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "2"


def test_each_command_starts_its_own_clock(capsys):
    """A command's --time-limit counts from its own start, never from an earlier command's in the same process."""
    from circuits.cli import common

    assert main.main(["solve", "--sweeps", "0"]) == 2  # a command that fails
    assert common.START is None and abs(common.started() - __import__("time").perf_counter()) < 1.0
