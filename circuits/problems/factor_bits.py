"""Factoring by p-bit sampling of ``E = (N - p q)^2`` on the bits of the two factors.

The method of Borders et al., "Integer factorization using stochastic magnetic tunnel junctions",
Nature 573, 390 (2019), after the adiabatic factoring of Peng et al., PRL 101, 220405 (2008): the
p-bits are the bits of the factors only, ``p = sum_i 2^i a_i`` and ``q = sum_j 2^j b_j``, and the cost

    E(a, b) = (N - p q)^2            (dimensionless)

expanded in the bits has 1- to 4-body interactions; its zeros are exactly the factorisations. Borders
et al. factor up to 945 with 8 p-bits; here one network holds every width of the smaller factor at once.

Widths. For ``bits = N.bit_length()`` the smaller factor p has ``n_a`` bits, ``2 <= n_a <= ceil(bits/2)``
(every p <= sqrt(N) fits), its top bit pinned to 1, and q has ``n_b = bits - n_a + 1`` bits, so
``L = n_a + n_b = bits + 1`` for every width. Each replica gets one width (replicas dealt round-robin
over the widths), stored as a position -> weight map: position t of replica r is a bit of p with weight
``wp[t, r] = 2^i`` (and ``wq[t, r] = 0``) or a bit of q. One compiled sweep therefore serves every width
and every N of the same bit length. For odd N both lowest bits are pinned to 1 (both factors are odd).
Trivial factorisations cannot occur: ``p >= 2^(n_a-1) >= 2``, and ``q = 1`` would need ``p = N``, which
has ``bits > ceil(bits/2) >= n_a`` bits for every N >= 4.

Sampling. A sweep visits positions 0..L-1 in turn (sequential Gibbs: all bits of a factor interact,
so there are no independent sets), each visit vectorised over the replicas; pinned positions are kept.
The visited p-bit sees the exact local field of the 4-body network,

    I = -(E(bit = 1) - E(bit = 0)) / 2 = -D (D - 2 d0) / 2,   d0 = N - p0 q0,  D = wp q0 + wq p0,

(p0, q0: the factors with the bit set to 0), and is updated by a p-bit rule with the signature of
:mod:`circuits.sampling.rules` (default: the behavioural p-bit, ``P(s = +1) = (1 + tanh(beta I)) / 2``). This is
heat-bath sampling of ``exp(-beta E)``; a geometric beta schedule anneals it.

Precision: float32. The factors are exact integers (q < 2^23) and so is ``D`` (a power of two times a
factor); ``p q`` is exact below 2^24 and rounds to >= 2^24 above, so a product equal to N < 2^24 is detected
exactly (:data:`MAX_BITS`). ``d0`` and the energies (up to ~2^70) carry float32 rounding far from the
solutions, harmless for sampling. Callers confirm factors with Python integers.
"""
from __future__ import annotations

from functools import partial
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits.model import hubo
from circuits.sampling import rules

MAX_BITS = 24  # p q and N exact in float32 (24-bit significand): N < 2^24


class Network(NamedTuple):
    """The factor-bit network of one N for R replicas (positions leading, replicas trailing).

    Attributes:
        n: () float32, the integer N.
        wp: (L, R) float32, weight ``2^i`` of position t in p, or 0 if t is a bit of q [-].
        wq: (L, R) float32, weight ``2^j`` of position t in q, or 0 [-].
        pinned: (L, R) bool, positions held at bit 1 (top bit of p; both lowest bits for odd N).
        n_a: (R,) int32, width (bits) of p in each replica.
    """

    n: Array
    wp: Array
    wq: Array
    pinned: Array
    n_a: Array


class Outcome(NamedTuple):
    """Result of :func:`anneal`.

    Attributes:
        spins: (L, R) float32 +/-1 final states (+1 = bit 1).
        hit_sweep: () int32, index of the first sweep after which some replica had ``p q = N``, else -1.
        hit_p, hit_q: () float32, that replica's factors (0 if none).
    """

    spins: Array
    hit_sweep: Array
    hit_p: Array
    hit_q: Array


def widths(N: int) -> list[int]:
    """Widths ``n_a`` of the smaller factor tried for N: ``2 .. ceil(bits/2)``.

    Example:
        >>> widths(143)   # 8 bits: p has 2, 3 or 4 bits
        [2, 3, 4]
    """
    return list(range(2, (int(N).bit_length() + 1) // 2 + 1))


def check_n(N) -> int:
    """Validate N for this method: an int with ``4 <= N < 2^MAX_BITS``; raise ValueError otherwise."""
    if isinstance(N, bool) or not isinstance(N, (int, np.integer)):
        raise ValueError(f"factor_bits: N must be an integer, got {N!r}")
    N = int(N)
    if N < 4:
        raise ValueError(f"factor_bits: N must be >= 4 (a composite number), got {N}")
    if N.bit_length() > MAX_BITS:
        raise ValueError(f"factor_bits: N = {N} has {N.bit_length()} bits; the product method computes p q "
                         f"in float32 and needs N < 2^{MAX_BITS}; use method='multiplier' for larger N")
    return N


def layout(N: int, n_a: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Position weights and pins of one width: positions ``0..n_a-1`` are p's bits, the rest q's.

    Returns:
        ``(wp, wq, pinned)``, each (L,) with ``L = bits + 1``.

    Example:
        >>> wp, wq, pin = layout(15, 2)
        >>> wp.tolist(), wq.tolist(), pin.astype(int).tolist()
        ([1.0, 2.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 2.0, 4.0], [1, 1, 1, 0, 0])
    """
    N = int(N)
    bits = N.bit_length()
    n_b = bits - n_a + 1
    if not 2 <= n_a <= (bits + 1) // 2:
        raise ValueError(f"factor_bits.layout: n_a must be in 2..{(bits + 1) // 2} for N = {N}, got {n_a}")
    wp = np.concatenate([2.0 ** np.arange(n_a), np.zeros(n_b)]).astype(np.float32)
    wq = np.concatenate([np.zeros(n_a), 2.0 ** np.arange(n_b)]).astype(np.float32)
    pinned = np.zeros(bits + 1, bool)
    pinned[n_a - 1] = True              # p has exactly n_a bits
    if N % 2:
        pinned[[0, n_a]] = True         # odd N: both factors odd
    return wp, wq, pinned


def network(N: int, n_replicas: int, *, n_a=None) -> Network:
    """Build the network for N with replicas dealt round-robin over the widths.

    Args:
        N: integer, ``4 <= N < 2^24``.
        n_replicas: R.
        n_a: widths to use (default :func:`widths` of N); replica r gets ``n_a[r % len(n_a)]``.

    Returns:
        A :class:`Network` with ``L = N.bit_length() + 1`` positions.

    Example:
        >>> net = network(143, 6)
        >>> net.wp.shape, net.n_a.tolist()
        ((9, 6), [2, 3, 4, 2, 3, 4])
    """
    N = check_n(N)
    if isinstance(n_replicas, bool) or not isinstance(n_replicas, (int, np.integer)) or n_replicas < 1:
        raise ValueError(f"factor_bits.network: n_replicas must be a positive integer, got {n_replicas!r}")
    ws = widths(N) if n_a is None else [int(w) for w in np.atleast_1d(n_a)]
    if not ws:
        raise ValueError("factor_bits.network: n_a is empty; pass widths in 2..ceil(bits/2) or None")
    per = [layout(N, w) for w in ws]
    pick = [per[r % len(ws)] for r in range(int(n_replicas))]
    wp, wq, pinned = (np.stack([x[k] for x in pick], 1) for k in range(3))
    n_a_r = np.array([ws[r % len(ws)] for r in range(int(n_replicas))], np.int32)
    return Network(jnp.float32(N), jnp.asarray(wp), jnp.asarray(wq), jnp.asarray(pinned), jnp.asarray(n_a_r))


def to_hubo(N: int, n_a: int):
    """The cost ``E = (N - p q)^2`` of one width as a 4-body model over its L positions (:mod:`circuits.model.hubo`).

    With ``p = sum_a wp_a x_a`` and ``q = sum_b wq_b x_b`` (x = (1 + s)/2, :func:`layout`),
    ``E = N^2 - 2 N sum_{a, b} wp_a wq_b x_a x_b + sum_{a, a', b, b'} wp_a wp_a' wq_b wq_b' x_a x_a' x_b x_b'``
    (x_a^2 = x_a), expanded exactly into spins by :func:`circuits.model.hubo.from_binary`. The pins are not
    applied (they are the sampler's business), so the zeros are the factorisations with these widths. This is the
    reference form of the network: :func:`sweep` computes the same local fields from p and q in O(1) per visit,
    whereas the expanded model has O(L^4) terms. Its float32 coefficients are exact up to 11-bit N
    (every random state of N = 1763 agrees with the integer cost); at 14 bits they round (errors of about 1 in
    E ~ 10^7).

    Example:
        >>> from circuits.sampling import exact
        >>> e, gs = exact.ground_state(to_hubo(143, 4))
        >>> e, [factors(network(143, 1, n_a=4), g[:, None])[0].tolist() for g in gs]
        (0.0, [[13.0], [11.0]])
    """
    wp, wq, _ = layout(check_n(N), n_a)
    return hubo.from_binary(_cost(N, wp, wq), len(wp))


HUBO_BITS = 11  # the expanded cost's float32 coefficients are exact up to this many bits of N (to_hubo)


def pinned_hubo(N: int, n_a: int):
    """:func:`to_hubo` with the pinned bits set to 1 and removed: ``(model, free, wp, wq)``, the model over the
    free positions ``free`` (a term holding a pinned bit loses it, since x = 1 there), whose zeros are exactly
    the factorisations ``N = p q`` with p of ``n_a`` bits; ``wp``, ``wq`` decode a state (:func:`layout`).
    What :func:`circuits.problems.factoring.factor` anneals with ``method="hubo"`` (N < 2^11: exact in float32).

    Example:
        >>> from circuits.sampling import exact
        >>> model, free, wp, wq = pinned_hubo(143, 4)
        >>> e, gs = exact.ground_state(model)
        >>> x = np.ones((len(gs), len(wp))); x[:, free] = (gs + 1) / 2
        >>> e, (x @ wp).tolist(), (x @ wq).tolist()  # both orders fit 4 bits
        (0.0, [13.0, 11.0], [11.0, 13.0])
    """
    N = check_n(N)
    if N.bit_length() > HUBO_BITS:
        raise ValueError(f"factor_bits.pinned_hubo: N = {N} has {N.bit_length()} bits; the expanded cost is exact "
                         f"in float32 only up to {HUBO_BITS} bits; use the product network (method='product')")
    wp, wq, pinned = layout(N, n_a)
    free = np.flatnonzero(~pinned)
    slot = {int(t): k for k, t in enumerate(free)}
    poly: dict = {}
    for key, c in _cost(N, wp, wq).items():
        k = tuple(slot[t] for t in key if not pinned[t])
        poly[k] = poly.get(k, 0.0) + c
    return hubo.from_binary(poly, len(free)), free, wp, wq


def _cost(N: int, wp, wq) -> dict:
    """``(N - p q)^2`` as a multilinear polynomial in the position bits: ``{positions: coefficient}``."""
    P, Q = np.flatnonzero(wp), np.flatnonzero(wq)
    poly = {(): float(N) ** 2}
    for a in P:
        for b in Q:
            key = (int(a), int(b))
            poly[key] = poly.get(key, 0.0) - 2.0 * N * wp[a] * wq[b]
    for a in P:
        for a2 in P:
            for b in Q:
                for b2 in Q:
                    key = tuple(sorted({int(a), int(a2), int(b), int(b2)}))
                    poly[key] = poly.get(key, 0.0) + float(wp[a] * wp[a2] * wq[b] * wq[b2])
    return poly


def factors(net: Network, spins) -> tuple[Array, Array]:
    """``(p, q)``, each (R,) float32, of (L, R) +/-1 spins."""
    x = (jnp.asarray(spins, jnp.float32) + 1.0) * 0.5
    return jnp.sum(x * net.wp, 0), jnp.sum(x * net.wq, 0)


def energy(net: Network, spins) -> Array:
    """``E = (N - p q)^2``, (R,) float32 (exact while ``|N - p q| < 2^12``).

    Example:
        >>> net = network(15, 1, n_a=2)
        >>> s = jnp.array([[1.], [1.], [1.], [-1.], [1.]])   # p = 3, q = 1 + 4 = 5
        >>> float(energy(net, s)[0])
        0.0
    """
    p, q = factors(net, spins)
    return (net.n - p * q) ** 2


def init(key, net: Network) -> Array:
    """Uniformly random (L, R) +/-1 spins with the pinned positions at +1."""
    s = jnp.where(jax.random.bernoulli(key, 0.5, net.wp.shape), 1.0, -1.0)
    return jnp.where(net.pinned, 1.0, s).astype(jnp.float32)


def _visit(n, beta, update, pq, xs):
    """Update one position of every replica (a ``lax.scan`` step over positions)."""
    p, q = pq
    s, wp, wq, pinned, key = xs
    x = (s + 1.0) * 0.5
    p0, q0 = p - x * wp, q - x * wq
    d0 = n - p0 * q0
    dp = wp * q0 + wq * p0                        # p1 q1 - p0 q0 (a position is a bit of p or of q)
    field = -0.5 * dp * (dp - 2.0 * d0)           # -(E1 - E0) / 2
    new = jnp.where(pinned, s, update(key, field, beta, s))
    x = (new + 1.0) * 0.5
    return (p0 + x * wp, q0 + x * wq), new


def sweep(key, net: Network, spins, beta, update: Callable = rules.behavioural) -> Array:
    """One sequential sweep over positions 0..L-1 (a ``lax.scan``), all replicas at once.

    Args:
        key: PRNG key (position t uses ``split(key, L)[t]``).
        net: the :class:`Network`.
        spins: (L, R) +/-1.
        beta: inverse temperature in units of E, scalar or (R,).
        update: p-bit rule ``update(key, field, beta, spins)`` (:mod:`circuits.sampling.rules`).

    Returns:
        (L, R) float32 new spins.

    Example:
        >>> net = network(143, 4)
        >>> s = sweep(jax.random.key(0), net, init(jax.random.key(1), net), 1.0)
        >>> s.shape, bool(jnp.all(jnp.where(net.pinned, s == 1, True)))
        ((9, 4), True)
    """
    spins = jnp.asarray(spins, jnp.float32)
    keys = jax.random.split(key, spins.shape[0])
    _, new = lax.scan(partial(_visit, net.n, beta, update), factors(net, spins),
                      (spins, net.wp, net.wq, net.pinned, keys))
    return new


@partial(jax.jit, static_argnames=("stop", "update"))
def anneal(key, net: Network, betas, spins=None, *, stop: bool = True,
           update: Callable = rules.behavioural) -> Outcome:
    """Run up to ``len(betas)`` sweeps, recording the first sweep after which a replica has ``p q = N``.

    The loop is a ``lax.while_loop`` over sweeps that ends after the first such sweep when ``stop``
    is True (factoring), or runs every sweep when False (sampling at a fixed beta).

    Args:
        key: PRNG key, split into one for the initial state (if ``spins`` is None) and one for the sweeps;
            sweep k uses ``fold_in(k_sweeps, k)``, with k_sweeps the second of the two.
        net: the :class:`Network` (traced: a new N of the same bit length does not recompile).
        betas: (S,) inverse temperature of each sweep (e.g. :func:`default_betas`).
        spins: (L, R) initial +/-1 spins, or None for uniformly random ones.
        stop: end after the first sweep with a factorisation (static).
        update: p-bit rule (static).

    Returns:
        An :class:`Outcome`.

    Example:
        >>> net = network(143, 16)
        >>> out = anneal(jax.random.key(0), net, default_betas(143, 100))
        >>> int(out.hit_p) * int(out.hit_q)
        143
    """
    betas = jnp.asarray(betas, jnp.float32)
    key_init, key = jax.random.split(key)
    if spins is None:
        spins = init(key_init, net)

    def cond(carry):
        k, _, hit_sweep, _, _ = carry
        return (k < betas.shape[0]) & ((hit_sweep < 0) | (not stop))

    def body(carry):
        k, s, hit_sweep, hp, hq = carry
        s = sweep(jax.random.fold_in(key, k), net, s, betas[k], update)
        p, q = factors(net, s)
        hit = p * q == net.n
        i = jnp.argmax(hit)
        new = (hit_sweep < 0) & hit[i]
        return k + 1, s, jnp.where(new, k, hit_sweep), jnp.where(new, p[i], hp), jnp.where(new, q[i], hq)

    carry = (jnp.int32(0), jnp.asarray(spins, jnp.float32), jnp.int32(-1), jnp.float32(0), jnp.float32(0))
    _, s, hit_sweep, hp, hq = lax.while_loop(cond, body, carry)
    return Outcome(s, hit_sweep, hp, hq)


def default_betas(N: int, n_sweeps: int, beta=None) -> Array:
    """Geometric schedule from ``beta0 = 1 / N^2`` to ``beta1 = 1`` (units of E), or ``beta = (beta0, beta1)``.

    At beta0 a flip that changes ``N - p q`` by about N changes ``beta E`` by about 1 (hot: nearly uniform);
    at beta1 = 1 every state off a solution (E >= 1) is suppressed. Chosen by measurement on 12-24-bit
    semiprimes: beta0 = 0.01/N^2 .. 1/N^2 and beta1 = 0.1 .. 10 do equally well (the repository's BENCHMARKS.md).

    Example:
        >>> b = default_betas(143, 3)
        >>> [float(f"{x:.3g}") for x in b.tolist()]
        [4.89e-05, 0.00699, 1.0]
    """
    b0, b1 = (1.0 / float(N) ** 2, 1.0) if beta is None else (float(beta[0]), float(beta[1]))
    if not (b0 > 0 and b1 > 0):
        raise ValueError(f"factor_bits: beta = (beta0, beta1) must both be > 0, got {beta!r}")
    return jnp.geomspace(b0, b1, int(n_sweeps), dtype=jnp.float32)


def state_space(N: int) -> int:
    """States over all widths: ``len(widths) * 2^(free p-bits)`` (free = bits - 2 for odd N, bits for even).

    Example:
        >>> state_space(143)   # 3 widths x 2^6
        192
    """
    return sum(2 ** int((~layout(N, w)[2]).sum()) for w in widths(N))


def n_solutions(N: int) -> int:
    """Number of states over all widths with ``p q = N`` (divisors d >= 2 of N with 2..ceil(bits/2) bits).

    Example:
        >>> n_solutions(143), n_solutions(15), n_solutions(9)   # 143 = 11 x 13 = 13 x 11: both 4-bit
        (2, 1, 1)
    """
    hi = (int(N).bit_length() + 1) // 2
    count = 0
    for d in range(2, 1 << hi):
        count += N % d == 0
    return count
