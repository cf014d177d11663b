"""Integer factoring with p-bits: two networks, one driver.

* ``method="product"`` (default): p-bits hold only the bits of the two factors and sample
  ``E = (N - p q)^2``, a network with up to 4-body interactions (Borders et al., "Integer factorization
  using stochastic magnetic tunnel junctions", Nature 573, 390 (2019); Peng et al., PRL 101, 220405
  (2008)); every width of the smaller factor runs in one network (:mod:`circuits.problems.factor_bits`).
  N < 2^24.
* ``method="multiplier"``: the product bits of the invertible array multiplier of
  :func:`circuits.problems.multiplier.multiplier` are pinned to the bits of N and the network of p-bits is annealed; its
  ground states are exactly the non-trivial factorisations ``N = p q`` (Camsari et al., PRX 7, 031014
  (2017); Aadit et al., Nature Electronics 5, 460 (2022)). N < 2^30.
* ``method="hubo"``: the cost of the product method expanded into 1- to 4-body terms over the free factor bits of
  one width (:func:`circuits.problems.factor_bits.pinned_hubo`) and annealed by the generic higher-order engine
  (:func:`circuits.annealing.higher_order.anneal`, chromatic sweeps of the factor hypergraph), one width per
  restart. The reference form of the product network, run on the engine every HUBO problem uses; N < 2^11 (the
  expanded coefficients are exact in float32 only that far; the product network computes the same fields in O(1)).

Both stop at the first replica that holds a factorisation; found factors are confirmed with Python
integers. The repository's BENCHMARKS.md compares the two.
"""
from __future__ import annotations

import math
import time
from typing import Callable, NamedTuple, Optional

import jax
import numpy as np

from circuits.annealing import higher_order, schedules, simulated
from circuits.model import ising
from circuits.problems import factor_bits, logic, multiplier
from pbits.runtime import chunks, memory, prng

MAX_BITS = 30  # multiplier: the product must fit comfortably in int64 arithmetic and in a few hundred p-bits
METHODS = ("product", "multiplier", "hubo")
# per method: n_replicas, n_sweeps per annealing run, max_restarts (chosen by measurement, see BENCHMARKS.md)
DEFAULTS = {"product": (512, 50, 1000), "multiplier": (256, 500, 100), "hubo": (64, 200, 200)}


class FactorResult(NamedTuple):
    """Outcome of :func:`factor`.

    Attributes:
        N: the integer.
        factors: ``(p, q)`` with ``p <= q`` and ``p q = N``, or None if no run reached a ground state.
        found: True when ``factors`` is set.
        sweeps: sweeps done over all restarts (each sweep updates every p-bit of every replica once; the
            product method stops right after the sweep that found the factors, the multiplier at the end
            of a chunk of 50 sweeps).
        restarts: annealing runs started.
        n_replicas: replicas per run.
        n_pbits: p-bits in the largest network tried (multiplier); free p-bits per replica (product).
        wall_time: seconds (including compilation on a first call).
        seed: the seed, when given as an integer.
        method: "product", "multiplier" or "hubo".
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
    method: str = "product"


def check_method(method) -> str:
    """Validate ``method``: one of :data:`METHODS`."""
    if method not in METHODS:
        raise ValueError(f"factor: method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    return method


def check_n(N, method: str = "product") -> int:
    """Validate the integer to factor for ``method``; raise ValueError otherwise.

    N must be an int (or a decimal string) with ``4 <= N < 2^MAX_BITS`` (multiplier) or
    ``N < 2^factor_bits.MAX_BITS`` (product).

    Example:
        >>> check_n("1003")
        1003
    """
    check_method(method)
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
    if method == "product":
        factor_bits.check_n(value)
    if method == "hubo" and value.bit_length() > factor_bits.HUBO_BITS:
        raise ValueError(f"factor: N = {value} has {value.bit_length()} bits; method 'hubo' (the expanded 4-body cost) "
                         f"is exact in float32 only up to {factor_bits.HUBO_BITS} bits; use method 'product'")
    return value


def factor(key, N, *, method: str = "product", n_replicas: int | None = None, n_sweeps: int | None = None,
           beta: tuple | None = None, max_restarts: int | None = None, time_limit: float | None = None,
           progress: Callable | None = None) -> FactorResult:
    """Factor N by annealing p-bit networks until a replica holds a factorisation.

    Each restart anneals ``n_replicas`` replicas with a geometric beta schedule over ``n_sweeps`` sweeps
    and stops as soon as one replica holds ``p q = N`` (product: checked after every sweep;
    multiplier: its energy reaches the ground-state energy, checked every 50 sweeps). Even N are
    handled by the same networks. A prime N has no factorisation: every restart runs to the end and
    ``found`` is False.

    Args:
        key: PRNG key or integer seed.
        N: integer to factor, 4 <= N < 2^24 (product) or < 2^30 (multiplier).
        method: "product" (factor bits, E = (N - p q)^2; fast), "multiplier" (reversed multiplier) or "hubo"
            (the product cost expanded into k-body terms on the generic higher-order annealer; N < 2^11).
        n_replicas: replicas per annealing run (default 512 product, 256 multiplier, 64 hubo). Product: replicas are
            dealt round-robin over the widths of the smaller factor.
        n_sweeps: sweeps per annealing run (default 50 product, 500 multiplier, 200 hubo).
        beta: ``(beta0, beta1)`` of the geometric schedule. Product: in units of E, default
            ``(1/N^2, 1)``; multiplier: units where invalid gate rows cost >= 4, default (0.1, 1.5); hubo: in
            units of E, default the model's own range (:func:`circuits.annealing.higher_order.default_beta_range`).
        max_restarts: annealing runs at most (default 1000 product, 100 multiplier, 200 hubo).
        time_limit: wall seconds over all restarts (checked between runs / chunks).
        progress: ``progress(restarts, max_restarts, Restart) -> bool | None`` after every restart; True
            stops the search.

    Returns:
        A :class:`FactorResult`.

    Example:
        >>> factor(0, 143).factors
        (11, 13)
        >>> factor(0, 143, method="multiplier").factors
        (11, 13)
    """
    N = check_n(N, check_method(method))
    d_rep, d_sw, d_rs = DEFAULTS[method]
    n_replicas = d_rep if n_replicas is None else n_replicas
    n_sweeps = d_sw if n_sweeps is None else n_sweeps
    max_restarts = d_rs if max_restarts is None else max_restarts
    for name, v in (("n_replicas", n_replicas), ("n_sweeps", n_sweeps), ("max_restarts", max_restarts)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"factor: {name} must be a positive integer, got {v!r}")
    if beta is not None and (np.shape(beta) != (2,) or not np.all(np.asarray(beta, float) > 0)):
        raise ValueError(f"factor: beta must be (beta0, beta1) with both > 0, got {beta!r}")
    bits = N.bit_length()
    memory.check(48.0 * (bits + 1) * n_replicas * (1 if method == "product" else 4 * bits), "factor",
                 f"{bits + 1} factor bits x {n_replicas} replicas", "--replicas")
    t0 = time.perf_counter()
    key, seed = prng.key_and_seed(key)
    if method == "product":
        return _product(key, N, int(n_replicas), int(n_sweeps), beta, int(max_restarts), time_limit, progress,
                        t0, seed)
    if method == "hubo":
        return _hubo(key, N, int(n_replicas), int(n_sweeps), beta, int(max_restarts), time_limit, progress, t0, seed)
    if seed is not None:  # threefry for the multiplier: its defaults were measured with it
        key = prng.key(seed, fast=False)
    return _multiplier(key, N, int(n_replicas), int(n_sweeps), beta or (0.1, 1.5), int(max_restarts), time_limit,
                       progress, t0, seed)


class Search(NamedTuple):
    """The state of a restart loop (one restart per chunk of :func:`pbits.runtime.chunks.run_chunks`)."""

    factors: Optional[tuple]  # (p, q) once found
    sweeps: int  # sweeps done over all restarts


class Restart(NamedTuple):
    """The record of one restart, handed to ``progress(restarts, max_restarts, record)``."""

    sweeps: int  # sweeps done over all restarts so far
    found: bool  # whether this restart found the factors


def _restarts(one, max_restarts: int, time_limit, progress, t0) -> chunks.Loop:
    """Run ``one(restart) -> (factors or None, sweeps)`` until factors are found, ``max_restarts``, the time
    limit or ``progress`` returning True."""
    def advance(state, done, m):
        factors, sweeps = one(done)
        state = Search(factors, state.sweeps + sweeps)
        return state, Restart(state.sweeps, factors is not None)

    return chunks.run_chunks(advance, Search(None, 0), total=max_restarts, chunk=1, time_limit=time_limit,
                             stop=lambda s, d: "found" if s.factors is not None else None, progress=progress,
                             t_start=t0)


def _product(key, N, n_replicas, n_sweeps, beta, max_restarts, time_limit, progress, t0, seed) -> FactorResult:
    """Restarts of :func:`circuits.problems.factor_bits.anneal` on one network holding every width."""
    net = factor_bits.network(N, n_replicas)
    betas = factor_bits.default_betas(N, n_sweeps, beta)
    n_free = int((~np.asarray(net.pinned[:, 0])).sum())

    def one(restart):
        out = factor_bits.anneal(jax.random.fold_in(key, restart), net, betas)
        hit = int(out.hit_sweep)
        p, q = int(out.hit_p), int(out.hit_q)
        found = hit >= 0 and p * q == N and p > 1 and q > 1  # confirmed in Python integers
        return ((min(p, q), max(p, q)) if found else None), (hit + 1 if hit >= 0 else n_sweeps)

    loop = _restarts(one, max_restarts, time_limit, progress, t0)
    f = loop.state.factors
    return FactorResult(N, f, f is not None, loop.state.sweeps, loop.done, n_replicas, n_free,
                        time.perf_counter() - t0, seed, "product")


def _multiplier(key, N, n_replicas, n_sweeps, beta, max_restarts, time_limit, progress, t0,
                seed) -> FactorResult:
    """Restarts of :func:`circuits.annealing.simulated.anneal` on the reversed multiplier, cycling through the
    widths (smallest p first: one annealing run per width, cheapest networks first)."""
    betas = schedules.geometric(beta[0], beta[1], n_sweeps)
    nets = []
    for n_a in factor_bits.widths(N):
        circuit, a, b, clamp = multiplier.factor_circuit(N, n_a)
        model, e_valid = logic.to_ising(circuit, clamp, layout="sparse")
        nets.append((model, e_valid, logic.index(circuit, a), logic.index(circuit, b)))

    def one(restart):
        model, e_valid, ia, ib = nets[restart % len(nets)]
        left = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 1e-9)
        res = simulated.anneal(jax.random.fold_in(key, restart + 1), model, betas, n_replicas=n_replicas,
                               target_energy=e_valid + 0.5, time_limit=left, chunk=50)
        p, q = int(logic.integer(res.best_spins, ia)), int(logic.integer(res.best_spins, ib))
        return ((min(p, q), max(p, q)) if p * q == N and p > 1 and q > 1 else None), res.sweeps

    loop = _restarts(one, max_restarts, time_limit, progress, t0)
    f = loop.state.factors
    return FactorResult(N, f, f is not None, loop.state.sweeps, loop.done, int(n_replicas),
                        max(ising.n_spins(m[0]) for m in nets), time.perf_counter() - t0, seed, "multiplier")


def _hubo(key, N, n_replicas, n_sweeps, beta, max_restarts, time_limit, progress, t0, seed) -> FactorResult:
    """Restarts of :func:`circuits.annealing.higher_order.anneal` on the expanded cost of one width at a time
    (smallest p first), each stopped when a replica reaches E = 0; factors confirmed in Python integers."""
    nets = [factor_bits.pinned_hubo(N, n_a) for n_a in factor_bits.widths(N)]

    def one(restart):
        model, free, wp, wq = nets[restart % len(nets)]
        left = None if time_limit is None else max(time_limit - (time.perf_counter() - t0), 1e-9)
        betas = None if beta is None else schedules.lazy_geometric(beta[0], beta[1], n_sweeps)
        res = higher_order.anneal(jax.random.fold_in(key, restart), model, betas, n_sweeps=n_sweeps,
                                  n_replicas=n_replicas, target_energy=0.5, time_limit=left)
        x = np.ones(len(wp))
        x[free] = (np.asarray(res.best_spins, np.float64) + 1) / 2
        p, q = int(round(float(x @ wp))), int(round(float(x @ wq)))
        return ((min(p, q), max(p, q)) if p * q == N and p > 1 and q > 1 else None), res.sweeps

    loop = _restarts(one, max_restarts, time_limit, progress, t0)
    f = loop.state.factors
    return FactorResult(N, f, f is not None, loop.state.sweeps, loop.done, n_replicas,
                        max(len(m[1]) for m in nets), time.perf_counter() - t0, seed, "hubo")


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
