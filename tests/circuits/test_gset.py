"""The G-set reader: the fast whole-file parse gives what the line-by-line reader gives, and a bad line deep in a
large file is still named."""
import numpy as np
import pytest

from circuits.problems import gset, instances


def test_fast_and_line_by_line_readers_agree(tmp_path):
    g = instances.complete(60, seed=1)._replace(weights=np.random.default_rng(0).normal(size=1770))
    path = instances.write(g, tmp_path / "k60.txt")
    fast = gset.read(path)
    lines = path.read_text().splitlines()
    n, m = 60, 1770
    body = [(k + 1, ln) for k, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")][1:]
    slow_e = np.array([[int(ln.split()[0]) - 1, int(ln.split()[1]) - 1] for _, ln in body])
    slow_w = np.array([float(ln.split()[2]) for _, ln in body])
    assert fast.n == n and np.array_equal(fast.edges, slow_e) and np.array_equal(fast.weights, slow_w)
    assert np.array_equal(fast.weights, g.weights) and len(fast.edges) == m


@pytest.mark.parametrize("bad, match", [("5 5 1", "duplicate edge"), ("7 7 1", "7 7"), ("3 99 1", "3 99"),
                                        ("3 4", "missing weight"), ("3 x 1", "3 x 1")])
def test_a_bad_line_deep_in_a_file_is_named(tmp_path, bad, match):
    edges = [f"{i} {i + 1} 1" for i in range(1, 60)]
    edges[40] = bad if bad != "5 5 1" else "5 6 1"  # a duplicate of line 6 (edge 5-6)
    path = tmp_path / "g.txt"
    path.write_text("60 59\n" + "\n".join(edges) + "\n")
    with pytest.raises(ValueError, match=f"line 42 of 'g.txt'.*{match}" if bad != "5 5 1" else "line 42.*duplicate"):
        gset.read(path)
