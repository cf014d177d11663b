"""Number partitioning as a QUBO: split numbers into two sets of equal sum (Lucas, Front. Phys. 2, 5 (2014), sec. 2.1)."""
from __future__ import annotations

import numpy as np

from circuits.model.qubo import Decoded, Qubo, upper


def number_partitioning(numbers) -> Qubo:
    """Split numbers into two sets of equal sum: minimise ``(sum_i a_i s_i)^2`` with ``s = 2x - 1``.

    The objective is the squared difference of the two sums; 0 means a perfect partition.

    Example:
        >>> q = number_partitioning([1, 2, 3])
        >>> from circuits.model.qubo import value
        >>> float(value(q, [1, 1, 0]))      # {1, 2} vs {3}
        0.0
    """
    a = np.asarray(numbers, np.float64)
    if a.ndim != 1 or a.size < 2 or not np.all(np.isfinite(a)):
        raise ValueError(f"partitioning.number_partitioning: 'numbers' must be >= 2 finite numbers, got {numbers!r}")
    # (sum a (2x - 1))^2 = 4 (a.x)^2 - 4 (a.x) S + S^2, S = sum a
    S = a.sum()
    M = 4.0 * np.outer(a, a)
    M[np.diag_indices_from(M)] += -4.0 * a * S
    return Qubo(upper(M), float(S * S), tuple(range(a.size)))


def decode_partition(numbers, x) -> Decoded:
    """Two sets and the difference of their sums (always feasible)."""
    a = np.asarray(numbers, np.float64)
    x = np.asarray(x).astype(bool)
    diff = float(abs(a[x].sum() - a[~x].sum()))
    return Decoded(True, diff, (np.flatnonzero(x).tolist(), np.flatnonzero(~x).tolist()), [])
