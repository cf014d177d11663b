"""The invertible array multiplier ``p = a * b`` from AND gates and adders, and its pins for factoring N.

Run backwards (product bits pinned to N) its ground states are exactly the factorisations of N (Camsari et al.,
PRX 7, 031014 (2017); Aadit et al., Nature Electronics 5, 460 (2022)); docs/methods.md §7.
"""
from __future__ import annotations

from circuits.problems.logic import AND, Circuit, bits_of, compose, full_adder, half_adder


def multiplier(n_a: int, n_b: int) -> tuple[Circuit, list, list, list]:
    """An ``n_a x n_b``-bit unsigned multiplier ``p = a * b`` from AND gates and adders.

    Partial products ``a_i AND b_j`` land in column ``i + j``; each column is reduced with full adders
    (three bits to a sum in the column and a carry into the next) and half adders (two bits) until one
    bit is left: the product bit. This carry-save reduction (an array multiplier in the order of its
    columns) uses ``n_a n_b`` AND gates and about ``n_a n_b`` adders.

    Args:
        n_a, n_b: widths of the factors, >= 1.

    Returns:
        ``(circuit, a_nodes, b_nodes, p_nodes)``; ``p_nodes`` has ``n_a + n_b`` entries (little-endian)
        and an entry is None where the product bit is always 0 (nothing reaches that column).

    Example:
        >>> from circuits.problems.logic import truth_table
        >>> c, a, b, p = multiplier(2, 2)
        >>> rows = truth_table(c, a + b + p)   # a0 a1 b0 b1 p0 p1 p2 p3
        >>> len(rows), rows[-1].tolist()       # 3 x 3 = 9
        (16, [1, 1, 1, 1, 1, 0, 0, 1])
    """
    if int(n_a) < 1 or int(n_b) < 1:
        raise ValueError(f"multiplier.multiplier: widths must be >= 1, got n_a={n_a}, n_b={n_b}")
    a = [f"a{i}" for i in range(n_a)]
    b = [f"b{j}" for j in range(n_b)]
    parts: list[Circuit] = []
    columns: list[list[str]] = [[] for _ in range(n_a + n_b + 1)]
    for i in range(n_a):
        for j in range(n_b):
            pp = f"pp{i}_{j}"
            parts.append(AND(a[i], b[j], pp))
            columns[i + j].append(pp)
    counter = 0
    for k in range(n_a + n_b):
        col = columns[k]
        while len(col) > 1:
            s, c = f"s{counter}", f"c{counter}"
            counter += 1
            if len(col) >= 3:
                x, y, z = col.pop(0), col.pop(0), col.pop(0)
                parts.append(full_adder(x, y, z, s, c))
            else:
                x, y = col.pop(0), col.pop(0)
                parts.append(half_adder(x, y, s, c))
            col.append(s)
            columns[k + 1].append(c)
    p = [col[0] if col else None for col in columns[: n_a + n_b]]
    return compose(*parts), a, b, p


def factor_circuit(N: int, n_a: int | None = None) -> tuple[Circuit, list, list, dict]:
    """The multiplier and pins for factoring ``N``: product bits pinned to the bits of N.

    Widths: the smaller factor ``p`` has ``n_a`` bits (default ``ceil(bits(N) / 2)``, enough for any
    ``p <= sqrt N``); then ``q = N / p < 2^(bits(N) - n_a + 1)`` fits in ``n_b = bits(N) - n_a + 1``
    bits. Searching ``n_a = 2 .. ceil(bits/2)`` in turn covers every factorisation with much smaller
    networks than one ``ceil(bits/2) x (bits - 1)`` multiplier. For odd N both factors are odd, so
    their lowest bits are pinned to 1 as well. The trivial products 1 x N and N x 1 never fit.

    Returns:
        ``(circuit, a_nodes, b_nodes, clamp)``.
    """
    N = int(N)
    width = N.bit_length()
    n_a = (width + 1) // 2 if n_a is None else int(n_a)
    n_b = width - n_a + 1
    if not 2 <= n_a <= n_b:
        raise ValueError(f"multiplier.factor_circuit: n_a must be in 2..{(width + 1) // 2} for N = {N}, got {n_a}")
    circuit, a, b, p = multiplier(n_a, n_b)
    target = bits_of(N, n_a + n_b)
    if any(node is None and bit for node, bit in zip(p, target)):
        raise ValueError(f"multiplier.factor_circuit: {N} has a bit where the multiplier's product is always 0")
    clamp = {node: bit for node, bit in zip(p, target) if node is not None}
    clamp[a[-1]] = 1  # p has exactly n_a bits: its top bit is set (p >= 2^(n_a - 1))
    if N % 2:
        clamp[a[0]] = clamp[b[0]] = 1
    return circuit, a, b, clamp
