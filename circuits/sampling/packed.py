"""Byte-packed replicas for +/-1 couplings: four replicas per uint32 word, neighbour sums as integer adds.

Most Max-Cut and spin-glass benchmarks (every G-set graph, the 2D Ising model, +/-J glasses) have
couplings ``J_ij`` in {-1, 0, +1}. Then the local field of spin i in replica r is

    I_i = sum_j J_ij s_j + h_i = 2 (c+_i - c-_i) - (d+_i - d-_i) + h_i,

where ``d+/-_i`` count the couplings of i with ``J_ij = +1 / -1`` and ``c+/-_i`` count those neighbours
with ``s_j = +1``. With ``s_j = +1`` stored as bit 0 of byte ``r % 4`` of word ``r // 4``, one uint32
addition per neighbour counts four replicas at once (no carry leaves a byte while ``d+/-_i <= 255``),
and a gathered neighbour row is R/4 words. This is multi-spin coding (Jacobs & Rebbi, J. Comput. Phys.
41, 203 (1981)) with a byte per replica, so that sums of many neighbours need no bit-sliced adders.
The p-bit rule is then applied to the four byte planes of a colour class separately, with the usual
signature ``update(key, field, beta[, spins])`` (field of shape (k, R/4) per plane), so every rule of
:mod:`circuits.sampling.rules`, including per-p-bit device parameters, works unchanged. It is the same chromatic
Gibbs sweep as :func:`circuits.sampling.gibbs.column_sweep`, drawing its random numbers in a different order (so the
two layouts give different, equally exact, samples).

Replicas 4w..4w+3 share word w, so a contiguous block of replicas is a contiguous block of words and
the words can be sharded over devices like the int8 layout (:mod:`pbits.runtime.sharding`). Measured on
G22 x 64 replicas (BENCHMARKS.md): a sweep takes 0.29 ms instead of 0.35 ms on one core, and the energy
for best-so-far tracking 0.07 ms instead of 0.15 ms.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits.model import ising
from circuits.sampling import coloring, gibbs, rules

_SHIFT = np.arange(4, dtype=np.uint32) * np.uint32(8)


class Packed(NamedTuple):
    """Per-colour-class tables of the packed sweep (a pytree; built once per run by :func:`build`).

    Attributes:
        idx: (C, k) int32 members of each colour class (n + 1 = padding: past the last packed row, so
            writes to it are dropped).
        pos: (C, k, d+) int32 neighbours with ``J_ij = +1`` (n = padding: row n of the packed spins is 0).
        neg: (C, k, d-) int32 neighbours with ``J_ij = -1``.
        bias: (C, k) float32 ``h_i - d+_i + d-_i`` [energy units].
        half_pos, half_neg: (n, d) int32 each coupling once (+1 resp. -1; padding = own index), for
            :func:`energy`.
        h: (n,) float32 fields, or None when all are 0 (Max-Cut).
        offset: float32 ``sum_i h_i - sum_(i<j) J_ij``: the energy of the state with all spins at -1.
    """

    idx: Array
    pos: Array
    neg: Array
    bias: Array
    half_pos: Array
    half_neg: Array
    h: Array
    offset: Array


def unsupported(model: ising.IsingModel, n_replicas: int) -> str | None:
    """Why the packed sweep does not apply (a short reason), or None when it does: it needs the sparse
    layout, couplings in {-1, 0, +1}, at most 255 couplings of each sign per spin and ``R`` a multiple of 4.
    (It does not depend on the devices, so a sharded run takes the same path as the one-device run.)"""
    if ising.is_dense(model):
        return "the model has the dense layout (use ising.to_sparse)"
    w = np.asarray(model.w)
    if not np.all((w == 0) | (w == 1) | (w == -1)):
        return "its couplings are not all in {-1, 0, +1}"
    most = int(max((w > 0).sum(1).max(initial=0), (w < 0).sum(1).max(initial=0)))
    if most > 255:
        return f"a spin has {most} couplings of one sign (at most 255 fit a byte)"
    if n_replicas % 4:
        return f"the replica count R = {n_replicas} is not a multiple of 4"
    return None


def eligible(model: ising.IsingModel, n_replicas: int) -> bool:
    """True when the packed sweep applies (see :func:`unsupported`)."""
    return unsupported(model, n_replicas) is None


def _table(nbr, mask, n):
    """Padded (n + 1, d) neighbour indices where ``mask`` holds (padding and row n point at n)."""
    d = int(mask.sum(1).max(initial=0))
    order = np.argsort(~mask, axis=1, kind="stable")[:, :d]
    t = np.where(np.take_along_axis(mask, order, 1), np.take_along_axis(nbr, order, 1), n).astype(np.int32)
    return np.concatenate([t, np.full((1, d), n, np.int32)])


def build(model: ising.IsingModel, classes, half=None) -> Packed:
    """The tables of :class:`Packed` for an eligible model (see :func:`eligible`) and its colour classes;
    ``half`` is :func:`circuits.sampling.gibbs.half_edges` of the model if the caller has it already."""
    n = ising.n_spins(model)
    why = unsupported(model, 4)
    if why:
        raise ValueError(f"packed.build: {why}; the packed sweep needs the sparse layout with couplings in "
                         "{-1, 0, +1}; use circuits.sampling.gibbs for other models")
    nbr, w = np.asarray(model.nbr), np.asarray(model.w)
    cl = coloring.padded(classes, n)
    bias = np.asarray(model.h, np.float64) - (w > 0).sum(1) + (w < 0).sum(1)
    bias = np.concatenate([bias, [0.0]]).astype(np.float32)
    hn, hw = (np.asarray(a) for a in (gibbs.half_edges(model) if half is None else half))  # balanced
    own = np.arange(n, dtype=np.int32)[:, None]
    half_pos, half_neg = (np.where(t == n, own, t) for t in (_table(hn, hw > 0, n)[:n], _table(hn, hw < 0, n)[:n]))
    h = np.asarray(model.h, np.float64)
    offset = h.sum() - np.sum(hw, dtype=np.float64)
    return Packed(idx=jnp.asarray(np.where(cl < n, cl, n + 1), jnp.int32), pos=jnp.asarray(_table(nbr, w > 0, n)[cl]),
                  neg=jnp.asarray(_table(nbr, w < 0, n)[cl]), bias=jnp.asarray(bias[cl]),
                  half_pos=jnp.asarray(half_pos), half_neg=jnp.asarray(half_neg),
                  h=jnp.asarray(h, jnp.float32) if np.any(h) else None,
                  offset=jnp.asarray(offset, jnp.float32))


def pack(st: Array) -> Array:
    """+/-1 spins ``st`` (n, R) -> (n + 1, R/4) uint32: replica r is bit 0 of byte r % 4 of word r // 4;
    the extra row n is 0 (the target of padding slots)."""
    n, R = st.shape
    b = (st > 0).astype(jnp.uint32).reshape(n, R // 4, 4) << _SHIFT
    words = b[..., 0] | b[..., 1] | b[..., 2] | b[..., 3]
    return jnp.concatenate([words, jnp.zeros((1, R // 4), jnp.uint32)])


def unpack(pk: Array) -> Array:
    """Inverse of :func:`pack`: (n + 1, R/4) uint32 -> (n, R) int8 +/-1 spins."""
    bits = ((pk[:-1, :, None] >> _SHIFT) & 1).astype(jnp.int8)
    return (2 * bits - 1).reshape(pk.shape[0] - 1, -1)


def replica_mask(flags: Array) -> Array:
    """Per-replica booleans (R,) -> (R/4,) uint32 words with byte r % 4 all ones where ``flags[r]``, for
    selecting replicas of packed spins: ``jnp.where(mask, a, b)`` becomes ``(a & mask) | (b & ~mask)``."""
    f = flags.astype(jnp.uint32).reshape(-1, 4) * np.uint32(0xFF) << _SHIFT
    return jnp.sum(f, 1, dtype=jnp.uint32)  # a reduction, so XLA computes it once, not per selected word


def _count(pk: Array, t: Array, own: Array | None = None) -> Array:
    """Byte-wise counts ``sum_d pk[t[:, d]]`` (k, R/4): per replica, how many listed neighbours are +1.
    With ``own`` (k, R/4): how many listed neighbours differ from ``own`` (``sum_d own ^ pk[t[:, d]]``)."""
    d = t.shape[1]
    if d == 0:
        return jnp.zeros((t.shape[0], pk.shape[1]), jnp.uint32)

    def term(j):
        x = pk.at[lax.dynamic_index_in_dim(t, j, 1, keepdims=False)].get(mode="clip")
        return x if own is None else x ^ own

    return gibbs.slot_sum(term, d)  # the neighbour-slot loop of the int8 layout, shared within sampling/


def sweep(key, p: Packed, pk: Array, beta, update) -> Array:
    """One chromatic Gibbs sweep on packed spins ``pk`` (n + 1, R/4); returns the new packed spins.

    ``beta`` is a scalar or (R,) (one per replica); ``update`` a rule of :mod:`circuits.sampling.rules`. Each
    colour class draws four keys, one per byte plane (replicas 4w + b use plane b).
    """
    n, words = pk.shape[0] - 1, pk.shape[1]
    beta = jnp.asarray(beta, jnp.float32)
    betas = [beta if beta.ndim == 0 else beta.reshape(words, 4)[:, b] for b in range(4)]

    def body(pk, xs):
        k, idx, pos, neg, bias = xs
        cp, cn, old = _count(pk, pos), _count(pk, neg), pk.at[idx].get(mode="clip")
        rule = rules.restrict(update, jnp.minimum(idx, n - 1))
        keys = jax.random.split(k, 4)
        new = jnp.zeros_like(old)
        for b in range(4):
            sh = _SHIFT[b]
            c = ((cp >> sh) & 0xFF).astype(jnp.int32) - ((cn >> sh) & 0xFF).astype(jnp.int32)
            field = 2.0 * c.astype(jnp.float32) + bias[:, None]
            s = rule(keys[b], field, betas[b], jnp.where((old >> sh) & 1 == 1, 1.0, -1.0))
            new = new | ((s > 0).astype(jnp.uint32) << sh)
        return pk.at[idx].set(new, mode="drop"), None

    keys = jax.random.split(key, p.idx.shape[0])
    return lax.scan(body, pk, (keys, p.idx, p.pos, p.neg, p.bias))[0]


def _column_sums(x: Array) -> Array:
    """Column sums (R,) int32 of byte lanes ``x`` (n, R/4) uint32 (each byte <= 255), replica order.

    Bytes are summed two at a time in 16-bit lanes over blocks of 256 rows (at most 65280: no carry),
    then widened; a plain uint32 sum would carry from one replica's byte into the next.
    """
    n, words = x.shape
    x = jnp.pad(x, ((0, (-n) % 256), (0, 0))).reshape(-1, 256, words)
    even = jnp.sum(x & 0x00FF00FF, 1)  # (blocks, R/4): bytes 0 and 2 in 16-bit lanes
    odd = jnp.sum((x >> 8) & 0x00FF00FF, 1)  # bytes 1 and 3
    planes = [even & 0xFFFF, odd & 0xFFFF, even >> 16, odd >> 16]  # bytes 0, 1, 2, 3
    return jnp.stack([jnp.sum(q.astype(jnp.int32), 0) for q in planes], -1).reshape(-1)


def energy(p: Packed, pk: Array) -> Array:
    """The Ising energy (:func:`circuits.model.ising.energy`) of packed spins: (R,) float32, exact for integer
    fields (each coupling visited once).

    With ``s_i s_j = 1 - 2 (b_i xor b_j)`` and ``s_i = 2 b_i - 1``:
    ``E = offset + 2 sum_i (x+_i - x-_i) - 2 sum_i h_i b_i``, where ``x+/-_i`` count, per replica, the
    +1/-1 couplings of i (each coupling at one end) whose two spins differ.
    """
    n = pk.shape[0] - 1
    own = pk[:n]
    x = _column_sums(_count(pk, p.half_pos, own)) - _column_sums(_count(pk, p.half_neg, own))
    e = 2.0 * x.astype(jnp.float32) + p.offset
    if p.h is None:
        return e
    bits = ((own[:, :, None] >> _SHIFT) & 1).astype(jnp.float32).reshape(n, -1)
    return e - 2.0 * (p.h @ bits)
