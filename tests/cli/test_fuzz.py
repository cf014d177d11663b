"""Property-based fuzzing of everything that reads outside input: the G-set and QUBO readers, edge lists, the
checkpoint loader and the command-line options.

Random and mutated inputs must give either a valid result (checked against its own invariants) or one of the
project's one-line ``ValueError``/``FileNotFoundError`` messages naming the input -- never another exception,
a traceback or a silently wrong value. Hypothesis draws the inputs with a fixed seed (``derandomize``), so the
suite is reproducible and fast.
"""
import io
import os
import tempfile
from contextlib import redirect_stderr, redirect_stdout

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from circuits.annealing import checkpoint, simulated  # noqa: E402
from circuits.model import ising, qubo  # noqa: E402
from circuits.problems import gset, maxcut  # noqa: E402

FUZZ = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
VALID_GSET = b"4 4\n1 2 1\n2 3 -1\n3 4 1\n4 1 2.5\n"
VALID_QUBO = b"# a QUBO\n3 3 0.5\n0 0 -1.0\n0 2 2.0\n1 2 -0.5\n"


def _write(data: bytes, suffix=".txt") -> str:
    fd, path = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return path


def _read(reader, data: bytes, suffix=".txt"):
    """``reader(file with data)``, or None after checking that it failed with a one-line error naming the file."""
    path = _write(data, suffix)
    try:
        return reader(path)
    except (ValueError, FileNotFoundError) as err:
        msg = str(err)
        assert "\n" not in msg and (os.path.basename(path) in msg or path in msg), msg
        return None
    finally:
        os.unlink(path)


def _mutations():
    """Valid files with bytes flipped, inserted or deleted, truncated, or with text fragments spliced in."""
    fragments = st.sampled_from([b"nan", b"inf", b"-", b" ", b"\n", b"0", b"99999999999", b"1e400", b"#", b"\xff\xfe",
                                 b"\x00", b"3 3", b"1 1 1", b"\t", b"1.5"])

    def mutate(base):
        return st.lists(st.tuples(st.integers(0, len(base)), st.integers(0, 3), fragments), max_size=4).map(
            lambda ops: _apply(base, ops))

    return mutate


def _apply(base: bytes, ops) -> bytes:
    b = bytearray(base)
    for pos, kind, frag in ops:
        pos = min(pos, len(b))
        if kind == 0:
            b[pos:pos] = frag
        elif kind == 1:
            del b[pos:pos + len(frag)]
        elif kind == 2:
            b[pos:pos + len(frag)] = frag
        else:
            del b[pos:]
    return bytes(b)


@FUZZ
@given(st.one_of(st.binary(max_size=200), _mutations()(VALID_GSET)))
def test_gset_reader(data):
    g = _read(gset.read, data)
    if g is None:
        return
    assert g.n >= 1 and g.edges.shape == (len(g.weights), 2) and np.all(np.isfinite(g.weights))
    assert np.all((g.edges >= 0) & (g.edges < g.n)) and np.all(g.edges[:, 0] != g.edges[:, 1])
    assert len({tuple(sorted(e)) for e in g.edges.tolist()}) == len(g.edges)


@FUZZ
@given(st.one_of(st.binary(max_size=200), _mutations()(VALID_QUBO)))
def test_qubo_reader(data):
    q = _read(qubo.read, data)
    if q is None:
        return
    assert q.Q.ndim == 2 and q.Q.shape[0] == q.Q.shape[1] and np.all(np.isfinite(q.Q)) and np.isfinite(q.offset)
    assert np.all(np.tril(q.Q, -1) == 0)


@FUZZ
@given(st.integers(-2, 8), st.lists(st.tuples(st.integers(-2, 9), st.integers(-2, 9)), max_size=8),
       st.lists(st.floats(allow_nan=True, allow_infinity=True, width=32), max_size=9))
def test_edge_lists(n, edges, weights):
    w = None if not weights else weights[:len(edges)]
    try:
        model = ising.from_edges(n, edges, w)
    except ValueError as err:
        assert "\n" not in str(err) and str(err).startswith("ising.from_edges")
        return
    ising.check(model)  # whatever was accepted is a valid model
    J = np.asarray(ising.to_dense(model).J)
    for k, (i, j) in enumerate(edges):
        assert J[i, j] == J[j, i] == np.float32(1.0 if w is None else w[k])


@pytest.fixture(scope="module")
def good_checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("ck") / "good.npz"
    model = maxcut.to_ising(gset.random_graph(12, 0.4, seed=1))
    simulated.anneal(0, model, n_sweeps=8, n_replicas=4, chunk=4, checkpoint=path, progress=lambda *a: True)
    return path.read_bytes()


@FUZZ
@given(data=st.data())
def test_checkpoint_loader(good_checkpoint, data):
    ck = _read(checkpoint.load, data.draw(st.one_of(st.binary(max_size=300), _mutations()(good_checkpoint))), ".npz")
    if ck is None:
        return
    assert np.all(np.abs(ck["spins"]) == 1) and int(ck["sweeps"]) == ck["trace_best"].shape[0]


OPTIONS = {
    "--sweeps": st.sampled_from(["0", "-3", "5", "x", "1e3", "20"]),
    "--replicas": st.sampled_from(["0", "-1", "3", "4", "x", "20"]),
    "--time-limit": st.sampled_from(["nan", "inf", "-1", "0", "0.5", "abc"]),
    "--target": st.sampled_from(["nan", "3", "-inf", "1e9"]),
    "--seed": st.sampled_from(["0", "-1", str(2**70), "1.5"]),
    "--method": st.sampled_from(["anneal", "tempering", "sa"]),
    "--rule": st.sampled_from(["pbit", "metropolis", "gibbs"]),
    "--torque": st.sampled_from(["self", "pt", "cu"]),
    "--sim-time": st.sampled_from(["0", "nan", "2"]),
    "--device": st.sampled_from(["behavioural", "sllg", "fpga"]),
    "--plot": st.sampled_from(["x.png", "nodir/x.png", "x.xyz"]),
    "--checkpoint": st.sampled_from(["c.npz", "nodir/c.npz", "c.txt"]),
}


class _Solved(Exception):
    """Raised by the stand-in solver: the options passed every check."""


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(OPTIONS)), st.none(), max_size=5).flatmap(
    lambda d: st.fixed_dictionaries({k: OPTIONS[k] for k in d})), st.booleans(), st.booleans())
def test_cli_options(monkeypatch, tmp_path, options, beta, flag):
    from circuits.cli import main

    def solve(*a, **k):
        raise _Solved

    monkeypatch.setattr(maxcut, "solve", solve)
    monkeypatch.chdir(tmp_path)
    graph = tmp_path / "g.txt"
    graph.write_bytes(VALID_GSET)
    argv = ["maxcut", str(graph)] + [x for k, v in options.items() for x in (k, v)]
    argv += ["--beta", "0.5", "0.1"] if beta else []
    argv += ["--json"] if flag else []
    err = io.StringIO()
    try:
        with redirect_stdout(io.StringIO()), redirect_stderr(err):
            code = main.main(argv)
    except SystemExit as exit_:  # argparse: an unknown choice or a malformed number
        assert exit_.code == 2 and "error:" in err.getvalue() and "Traceback" not in err.getvalue()
        return
    except _Solved:
        return
    assert code == 2 and err.getvalue().count("\n") == 1 and err.getvalue().startswith("pbits maxcut: error:")
