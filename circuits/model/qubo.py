"""QUBO problems ``min_x x^T Q x + offset`` over x in {0, 1}^n: the problem type, its exact round trip to an
Ising model (x = (1 + s)/2, docs/methods.md §1) and its plain-text file format.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import numpy as np

from circuits.model import ising, textfile
from pbits.runtime import memory


class Qubo(NamedTuple):
    """A QUBO ``min x^T Q x + offset``.

    Attributes:
        Q: (n, n) float64 upper-triangular matrix (linear terms on the diagonal).
        offset: constant.
        labels: what each variable means (node, (node, colour), ...).
    """

    Q: np.ndarray
    offset: float
    labels: tuple


class Decoded(NamedTuple):
    """A decoded sample.

    Attributes:
        feasible: True when no constraint is violated.
        objective: the problem's own objective (difference, set size, colours used).
        solution: the decoded answer (partition, set, colouring).
        violations: human-readable list of violated constraints (empty when feasible).
    """

    feasible: bool
    objective: float
    solution: object
    violations: list


def value(qubo: Qubo, x) -> np.ndarray:
    """QUBO objective ``x^T Q x + offset`` of bits (..., n)."""
    x = np.asarray(x, np.float64)
    return np.einsum("...i,ij,...j->...", x, qubo.Q, x) + qubo.offset


def bits(spins) -> np.ndarray:
    """+/-1 spins -> 0/1 bits (x = (1 + s)/2)."""
    return (np.asarray(spins) > 0).astype(np.int64)


def upper(M) -> np.ndarray:
    """Fold a symmetric coefficient matrix into upper-triangular QUBO form (same ``x^T Q x``)."""
    return np.triu(M) + np.triu(M.T, 1)


def to_ising(Q, n: int | None = None, *, layout: str = "dense"):
    """Convert a QUBO ``min_x x^T Q x`` (x in {0,1}^n) to an Ising model with ``x = (1 + s)/2``.

    ``x^T Q x = E(s) + offset`` exactly, with ``Qs = (Q + Q^T)/2``, ``J_ij = -Qs_ij / 2`` (i != j),
    ``h_i = -sum_j Qs_ij / 2`` and ``offset = (sum_ij Qs_ij + trace Qs) / 4``.

    Args:
        Q: (n, n) matrix (any triangle convention) or dict ``{(i, j): value}`` with 0-based integer keys.
        n: number of variables for a dict (default: 1 + largest index).
        layout: "dense" (default) or "sparse".

    Returns:
        ``(model, offset)``.

    Example:
        >>> model, offset = to_ising({(0, 0): -1.0, (0, 1): 2.0})
        >>> float(ising.energy(model, jnp.array([1., -1.]))) + offset   # x = (1, 0)
        -1.0
    """
    if isinstance(Q, dict):
        if not Q:
            raise ValueError("qubo.to_ising: argument 'Q' is an empty dict")
        keys = np.array(list(Q.keys()))
        if keys.ndim != 2 or keys.shape[1] != 2 or keys.min() < 0:
            raise ValueError("qubo.to_ising: dict keys of 'Q' must be pairs (i, j) of 0-based integers")
        size = int(keys.max()) + 1 if n is None else int(n)
        M = np.zeros((size, size))
        for (i, j), v in Q.items():
            M[i, j] += v
        Q = M
    Q = np.asarray(Q, dtype=np.float64)
    if Q.ndim != 2 or Q.shape[0] != Q.shape[1]:
        raise ValueError(f"qubo.to_ising: argument 'Q' must be square, got shape {Q.shape}")
    if not np.all(np.isfinite(Q)):
        raise ValueError("qubo.to_ising: argument 'Q' has NaN/inf entries")
    Qs = (Q + Q.T) / 2
    J = -Qs / 2
    np.fill_diagonal(J, 0.0)
    h = -Qs.sum(1) / 2
    offset = (Qs.sum() + np.trace(Qs)) / 4
    return ising.from_dense(J, h, layout=layout), float(offset)


def from_ising(model: ising.IsingModel, offset: float = 0.0):
    """Convert an Ising model to a symmetric QUBO with ``s = 2x - 1``: ``E(s) + offset = x^T Q x + c``.

    Args:
        model: the IsingModel.
        offset: constant added to the Ising energy (e.g. from :func:`to_ising`).

    Returns:
        ``(Q, c)``: (n, n) float64 symmetric matrix and the constant.

    Example:
        >>> Q, c = from_ising(*to_ising([[1., 2.], [0., -3.]]))
        >>> Q.tolist(), c
        ([[1.0, 1.0], [1.0, -3.0]], 0.0)
    """
    J = np.asarray(ising.to_dense(model).J, np.float64)
    h = np.asarray(model.h, np.float64)
    Q = -2.0 * J + np.diag(2.0 * J.sum(1) - 2.0 * h)
    c = -0.5 * J.sum() + h.sum() + offset
    return Q, float(c)


def write(path, qubo: Qubo) -> None:
    """Write a plain-text QUBO file (the format :func:`read` reads).

    Format: ``#`` starts a comment; the first other line is ``n m [offset]`` (variables, nonzero
    entries, optional constant); then ``m`` lines ``i j value`` with 0-based ``i <= j``; ``i == j`` is
    a linear term.
    """
    Q = np.triu(np.asarray(qubo.Q, np.float64)) + np.tril(np.asarray(qubo.Q, np.float64), -1).T
    i, j = np.nonzero(Q)
    with open(path, "w") as f:
        f.write("# QUBO: minimise x^T Q x + offset, x in {0,1}^n; lines 'i j value', 0-based, i <= j\n")
        f.write(f"{Q.shape[0]} {len(i)} {float(qubo.offset)!r}\n")
        for a, b in zip(i, j):
            f.write(f"{a} {b} {float(Q[a, b])!r}\n")


def read(path) -> Qubo:
    """Read a QUBO file written by :func:`write`; errors name the file and line.

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "q.txt")
        >>> write(p, Qubo(np.array([[1.0, 2.0], [0.0, -1.0]]), 0.5, (0, 1)))
        >>> read(p).Q.shape
        (2, 2)
    """
    name = Path(path).name
    lines = textfile.lines(path, "qubo.read", what="a QUBO file", header="'n m [offset]'")
    k, head = lines[0]
    parts = head.split()
    try:
        if len(parts) not in (2, 3):
            raise ValueError
        n, m = int(parts[0]), int(parts[1])
        offset = float(parts[2]) if len(parts) == 3 else 0.0
        if n < 1 or m < 0 or not np.isfinite(offset):
            raise ValueError
    except ValueError:
        raise ValueError(f"qubo.read: line {k} of '{name}': expected header 'n m [offset]' with n >= 1, "
                         f"m >= 0, got {head!r}") from None
    body = lines[1:]
    if len(body) != m:
        raise ValueError(f"qubo.read: '{name}' announces {m} entries in its header but has {len(body)}")
    memory.check(8.0 * n * n, "qubo.read", f"a dense {n} x {n} QUBO from '{name}'", "the header's n")
    Q = np.zeros((n, n))
    for k, ln in body:
        parts = ln.split()
        try:
            if len(parts) != 3:
                raise ValueError
            i, j, v = int(parts[0]), int(parts[1]), float(parts[2])
        except ValueError:
            raise ValueError(f"qubo.read: line {k} of '{name}': expected 'i j value', got {ln!r}") from None
        if not (0 <= i < n and 0 <= j < n) or not np.isfinite(v):
            raise ValueError(f"qubo.read: line {k} of '{name}': expected 0 <= i, j < {n} and a finite "
                             f"value, got {ln!r}")
        a, b = min(i, j), max(i, j)
        Q[a, b] += v
    return Qubo(Q, offset, tuple(range(n)))
