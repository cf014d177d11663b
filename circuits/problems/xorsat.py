"""k-regular k-XORSAT with a planted solution, as a k-body spin model whose energy counts the violated clauses.

An instance is a system of m parity checks ``x_i1 + x_i2 + ... + x_ik = b_c (mod 2)`` over bits x in {0, 1}^n. In the
k-regular ensemble every clause has k distinct variables and every variable sits in exactly k clauses, so m = n
(the 3-regular 3-XORSAT "3R3X" benchmark: Ricci-Tersenghi, Weigt & Zecchina, Phys. Rev. E 63, 026702 (2001) for
random XORSAT; Hen, Phys. Rev. Applied 12, 011003 (2019) for planting; Kowalsky et al., Quantum Sci. Technol. 7,
025008 (2022) and Bernaschi et al., EPL 133, 60005 (2021) for 3R3X as a benchmark of classical and quantum
optimisers). Its solutions are those of a linear system over GF(2), easy for Gaussian elimination, but the energy
landscape is glassy and local search slows down exponentially with n; it is the higher-order problem of the sparse
p-computer of Nikhar et al., Nat. Commun. 15, 8977 (2024).

Energy. With the project's ``x = (1 + s)/2`` (s = +1 is bit 1), ``(-1)^(x_i) = -s_i``, so a clause is satisfied iff
``(-1)^k prod s = (-1)^b`` and

    E(s) = sum_c (1 - (-1)^(b_c + k) prod_{i in c} s_i) / 2      (number of violated clauses; 0 at the planted state).

The clause/variable incidence is drawn from the configuration model (k sockets per variable, shuffled into clauses)
and redrawn until no clause repeats a variable and no two clauses coincide: uniform over simple k-regular
hypergraphs. The planted bits are uniform and ``b`` is set to their parities.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from circuits.model import hubo


class Instance(NamedTuple):
    """A k-XORSAT instance.

    Attributes:
        clauses: (m, k) int64 variables of each clause, ascending, 0-based.
        parity: (m,) int8 right-hand sides b_c in {0, 1}.
        planted: (n,) int8 bits satisfying every clause.
    """

    clauses: np.ndarray
    parity: np.ndarray
    planted: np.ndarray


def planted(n: int, *, k: int = 3, seed: int = 0, max_tries: int = 10000) -> Instance:
    """A k-regular k-XORSAT instance on n variables (m = n clauses) with a planted solution.

    Args:
        n: variables, n > k.
        k: variables per clause and clauses per variable (3: the 3R3X ensemble).
        seed: numpy seed.
        max_tries: draws of the configuration model before giving up.

    Returns:
        The :class:`Instance`.

    Example:
        >>> inst = planted(12, seed=1)
        >>> inst.clauses.shape, np.bincount(inst.clauses.ravel()).tolist() == [3] * 12
        ((12, 3), True)
        >>> int(violated(inst, inst.planted))
        0
    """
    for name, v, low in (("n", n, k + 1), ("k", k, 2), ("max_tries", max_tries, 1)):
        if isinstance(v, bool) or int(v) != v or v < low:
            raise ValueError(f"xorsat.planted: argument '{name}' must be an integer >= {low}, got {v!r}")
    n, k = int(n), int(k)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n).astype(np.int8)
    sockets = np.repeat(np.arange(n), k)
    for _ in range(int(max_tries)):
        c = np.sort(rng.permutation(sockets).reshape(n, k), 1)
        if np.all(np.diff(c, axis=1) > 0) and len(np.unique(c, axis=0)) == n:
            return Instance(c, (x[c].sum(1) % 2).astype(np.int8), x)
    raise ValueError(f"xorsat.planted: no simple {k}-regular instance on {n} variables in {max_tries} draws; use a "
                     "larger n or more max_tries")


def violated(inst: Instance, bits) -> np.ndarray:
    """Violated clauses of (..., n) 0/1 bits: (...,) int64.

    Example:
        >>> inst = planted(6, seed=0)
        >>> int(violated(inst, 1 - inst.planted))   # k = 3: flipping every bit flips every parity
        6
    """
    x = np.asarray(bits, np.int64)
    return np.sum((x[..., inst.clauses].sum(-1) - inst.parity) % 2, -1)


def to_hubo(inst: Instance) -> hubo.Hubo:
    """The k-body spin model ``E(s) = sum_c (1 - (-1)^(b_c + k) prod_{i in c} s_i) / 2`` (the violated clauses).

    Example:
        >>> inst = planted(8, seed=2)
        >>> s = 2 * inst.planted - 1   # k = 3: -s breaks every clause
        >>> float(hubo.energy_exact(to_hubo(inst), s)), float(hubo.energy_exact(to_hubo(inst), -s))
        (0.0, 8.0)
    """
    m, k = inst.clauses.shape
    sign = (-1.0) ** (inst.parity.astype(np.int64) + k)
    terms = {tuple(int(v) for v in c): -0.5 * float(g) for c, g in zip(inst.clauses, sign)}
    return hubo.from_dict(terms, len(inst.planted), offset=0.5 * m)
