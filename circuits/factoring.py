"""Integer factoring by running an invertible multiplier backwards.

The product bits of :func:`circuits.logic.multiplier` are pinned to the bits of N and the network of
p-bits is annealed; its ground states are exactly the non-trivial factorisations ``N = p q``
(Camsari et al., PRX 7, 031014 (2017); Borders et al., "Integer factorization using stochastic
magnetic tunnel junctions", Nature 573, 390 (2019); Aadit et al., Nature Electronics 5, 460 (2022)).
"""
from __future__ import annotations

import math
import time
from typing import NamedTuple, Optional

import jax
import numpy as np

from circuits import anneal, ising, logic, run

MAX_BITS = 30  # the product must fit comfortably in int64 arithmetic and in a few hundred p-bits


class FactorResult(NamedTuple):
    """Outcome of :func:`factor`.

    Attributes:
        N: the integer.
        factors: ``(p, q)`` with ``p <= q`` and ``p q = N``, or None if no run reached a ground state.
        found: True when ``factors`` is set.
        sweeps: sweeps done over all restarts (each sweep updates every p-bit of every replica once).
        restarts: annealing runs started.
        n_replicas: replicas per run.
        n_pbits: p-bits in the largest network tried.
        wall_time: seconds.
        seed: the seed, when given as an integer.
    """

    N: int
    factors: Optional[tuple]
    found: bool
    sweeps: int
    restarts: int
    n_replicas: int
    n_pbits: int
    wall_time: float
    seed: Optional[int]


def check_n(N) -> int:
    """Validate the integer to factor: an int in ``[4, 2^MAX_BITS)``; raise ValueError otherwise."""
    if isinstance(N, bool) or not isinstance(N, (int, np.integer, str, float)):
        raise ValueError(f"factor: N must be an integer, got {N!r}")
    try:
        value = int(N) if not isinstance(N, float) else None
        if isinstance(N, str):
            value = int(N.strip(), 10)
    except ValueError:
        value = None
    if value is None or (isinstance(N, float) and not N.is_integer()):
        raise ValueError(f"factor: N must be an integer, got {N!r}")
    if value < 4:
        raise ValueError(f"factor: N must be >= 4 (a composite number), got {value}")
    if value.bit_length() > MAX_BITS:
        raise ValueError(f"factor: N = {value} has {value.bit_length()} bits; at most {MAX_BITS} bits are "
                         "supported (the network grows as bits^2)")
    return value


def factor(key, N, *, n_replicas: int = 256, n_sweeps: int = 500, beta: tuple = (0.1, 1.5),
           max_restarts: int = 100, time_limit: float | None = None, progress: bool = False) -> FactorResult:
    """Factor N by annealing the reversed multiplier until a replica reaches a ground state.

    Each restart anneals ``n_replicas`` replicas with a geometric beta schedule over ``n_sweeps``
    chromatic Gibbs sweeps and stops as soon as one replica's energy reaches the ground-state energy
    (all pins and gates satisfied), which implies ``a b = N``. Even N are handled by the same network.
    A prime N has no ground state: every restart runs to the end and ``found`` is False.

    Args:
        key: PRNG key or integer seed.
        N: integer to factor, 4 <= N < 2^30.
        n_replicas: replicas per annealing run.
        n_sweeps: sweeps per annealing run.
        beta: ``(beta0, beta1)`` of the geometric schedule, in units where invalid gate rows cost >= 4.
        max_restarts: annealing runs at most.
        time_limit: wall seconds over all restarts (checked between chunks).
        progress: progress bar on stderr.

    Returns:
        A :class:`FactorResult`.

    Example:
        >>> factor(0, 143).factors
        (11, 13)
    """
    N = check_n(N)
    if n_replicas < 1 or n_sweeps < 1 or max_restarts < 1:
        raise ValueError("factor: n_replicas, n_sweeps and max_restarts must be >= 1")
    t0 = time.perf_counter()
    seed = int(key) if isinstance(key, (int, np.integer)) else None
    key = jax.random.key(seed) if seed is not None else key
    betas = anneal.geometric(beta[0], beta[1], n_sweeps)
    nets = []
    for n_a in range(2, (N.bit_length() + 1) // 2 + 1):
        circuit, a, b, clamp = logic.factor_circuit(N, n_a)
        model, e_valid = logic.to_ising(circuit, clamp, layout="sparse")
        nets.append((model, e_valid, logic.index(circuit, a), logic.index(circuit, b)))
    sweeps, factors, restarts = 0, None, 0
    while factors is None and restarts < max_restarts:
        left = None if time_limit is None else time_limit - (time.perf_counter() - t0)
        if left is not None and left <= 0:
            break
        # smallest p first: one annealing run per width of p, cheapest networks first
        model, e_valid, ia, ib = nets[restarts % len(nets)]
        restarts += 1
        res = run.anneal(jax.random.fold_in(key, restarts), model, betas, n_replicas=n_replicas,
                         target_energy=e_valid + 0.5, time_limit=left, progress=progress, chunk=50)
        sweeps += res.sweeps
        p, q = int(logic.integer(res.best_spins, ia)), int(logic.integer(res.best_spins, ib))
        if p * q == N and p > 1 and q > 1:
            factors = (min(p, q), max(p, q))
    return FactorResult(N, factors, factors is not None, sweeps, restarts, int(n_replicas),
                        max(ising.n_spins(m[0]) for m in nets), time.perf_counter() - t0, seed)


def is_prime(n: int) -> bool:
    """Trial division (n < 2^30)."""
    return n >= 2 and all(n % d for d in range(2, math.isqrt(n) + 1))


def semiprimes(bits_lo: int, bits_hi: int, *, odd: bool = True) -> list[int]:
    """All products ``p q`` of two primes ``p <= q`` with ``bits_lo <= bit_length <= bits_hi``.

    Args:
        bits_lo, bits_hi: bit-length range.
        odd: only odd primes (the usual benchmark set); False includes ``2 q``.

    Example:
        >>> semiprimes(4, 4)
        [9, 15]
    """
    hi = 1 << bits_hi
    start = 3 if odd else 2
    primes = [p for p in range(start, hi // start + 1) if is_prime(p)]
    out = set()
    for i, p in enumerate(primes):
        if p * p >= hi:
            break
        for q in primes[i:]:
            n = p * q
            if n >= hi:
                break
            if n.bit_length() >= bits_lo:
                out.add(n)
    return sorted(out)
