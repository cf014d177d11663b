"""Sequential sweeps of dense models, computed with incremental local fields and matrix products.

A sweep here is the sequential single-site sweep (spins 0, 1, ..., n-1, each once, by the update rule), on the
column layout of :mod:`circuits.sampling.gibbs` (spins (n, R), replicas on the trailing axis). Each update is a
single-site heat-bath (Glauber 1963) or Metropolis (Metropolis et al. 1953) step, so each one obeys detailed
balance and the sweep leaves ``exp(-beta E)`` invariant. Only the arithmetic is arranged differently
(docs/methods.md, "Dense sweeps"):

* the sums ``g = J s`` (n, R) [energy units] are carried between updates; the field of spin i is
  ``I_i = g_i + h_i``;
* spins are visited in blocks of ``B``. Inside a block, spins are decided one at a time in sub-blocks of ``b``
  (an unrolled loop): after spin i, the fields of its sub-block get the rank-1 term
  ``J[sub, i] (s_i' - s_i)`` (b x R); a sub-block starts from its fields at the start of the block plus
  ``J[sub, blk] ds[blk]``, the changes of the block so far ((b x B) @ (B x R));
* after a block, every field gets ``J[:, blk] @ ds[blk]``, one (n x B) @ (B x R) matrix product (GEMM).

A sweep costs ``n^2 R`` multiply-adds in the GEMMs (plus ``n B R`` and ``n b R`` in the sub-block and spin
updates) and ``n`` short sequential steps. The GEMM works on all replicas of a device at once, so sharding
replicas over devices (:mod:`pbits.runtime.sharding`) needs no communication.

Exactness of the fields. Integer couplings with ``|J_ij| <= 127`` (and ``sum_j |J_ij| < 2^24``) are stored in
int8 and multiplied with int32 accumulation: ``g`` is then exact, whatever the order of the updates, so the
fields are computed from the spins only when a run (or a chunk) starts. For other couplings (float32 GEMM)
rounding would accumulate and depend on where a chunk starts; :func:`fresh` says to recompute ``g = J s`` at
the start of every sweep instead (one more GEMM per sweep), which keeps the rounding of a sweep a function of
its starting spins alone, so runs are reproducible bit for bit under any chunk size or stop/resume.

Random numbers: one draw of n x R uniforms per sweep (``v ~ U(0, 1)`` on 2^24 midpoints, as
:mod:`circuits.sampling.rules`), turned into thresholds before the sequential steps: the heat-bath rule gives
+1 when ``beta I > 1/2 ln(v / (1 - v))`` (the same law as ``v (1 + exp(-2 beta I)) < 1``), Metropolis flips
when ``beta s I < -1/2 ln v`` (the same law as ``v < exp(-2 beta s I)``). Supported rules:
:func:`circuits.sampling.rules.behavioural`, :func:`~circuits.sampling.rules.metropolis` and
:func:`~circuits.sampling.rules.device_pbit` (:func:`supports` says which); others need the chromatic sweep of
:mod:`circuits.sampling.gibbs`.
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits.model import ising
from circuits.sampling import rules

INNER = 16  # spins per sub-block: the unrolled sequential loop (compile time grows with it)
_DEVICE = rules.DEVICE  # the function behind every device_pbit rule (no array made at import: the backend
# must start after the command line chose its device count)


class Tables(NamedTuple):
    """A dense model cut into blocks for :func:`sweep` (built once per run by :func:`build`).

    With ``nb`` blocks of ``B`` spins (``n_pad = nb B >= n``; padded spins have no couplings and no field,
    are updated like the others and discarded) and sub-blocks of ``b`` spins (``B = m b``):

    Attributes:
        cols: (nb, n_pad, B) ``J[:, block k]``; int8 for small integer couplings (exact fields), else float32.
        mid: (nb, m, B, b) float32 ``J[block k, sub-block q of block k]``.
        sub: (nb, m, b, b) float32 ``J[sub-block q, sub-block q]`` of block k.
        h: (nb, B) float32 fields, 0 on padding [energy units].
    """

    cols: Array
    mid: Array
    sub: Array
    h: Array


def supports(update) -> bool:
    """True for the rules :func:`sweep` runs: ``behavioural``, ``metropolis`` and ``device_pbit`` rules."""
    func, args = getattr(update, "func", update), getattr(update, "args", ())
    return (func in (rules.behavioural, rules.metropolis) and not args) or func is _DEVICE


def exact(model: ising.IsingModel) -> bool:
    """True when the couplings are integers with ``|J_ij| <= 127`` and ``sum_j |J_ij| < 2^24``: the fields
    ``J s`` are then kept exactly (int8 products, int32 sums, float32 fields)."""
    J = np.asarray(model.J)
    return bool(np.all(J == np.round(J)) and np.abs(J).max(initial=0) <= 127
                and np.abs(J).sum(1).max(initial=0) < 2 ** 24)


def block_sizes(n: int, n_replicas: int) -> tuple[int, int]:
    """``(B, b)``: spins per GEMM block and per unrolled sub-block, chosen from n (and R).

    The GEMM ``(n x B) @ (B x R)`` runs near the machine's matrix speed only for ``B`` of a few hundred (on a
    2-core CPU, int8 at ``B = 256`` is about 2x faster than at ``B = 64`` with 4 replicas per device), while the
    block updates cost ``n B R`` extra multiply-adds (``B / n`` of the GEMM: 1/8 for K2000) and padding n to a
    multiple of ``B`` costs up to ``B / n``. So ``B`` is the largest power of 2 with ``B <= n / 4``, within
    ``[b, 256]``. ``b = 16`` bounds the unrolled loop, whose compile time grows with ``b``; on K2000, b = 16 and
    b = 32 sweep equally fast. (b = 8 with several sub-blocks per block fails to compile on XLA:CPU, jax 0.10.2,
    when the replicas are sharded over devices: "Failed to translate module to LLVM IR".) ``n_replicas`` is
    accepted so that the rule may depend on it; these sizes do not (R sets only the GEMM's width).

    Example:
        >>> block_sizes(2000, 64), block_sizes(12, 8)
        ((256, 16), (16, 16))
    """
    del n_replicas
    b = INNER
    B = b
    while B < 256 and 2 * B <= n / 4:
        B *= 2
    return B, b


def build(model: ising.IsingModel, n_replicas: int = 1, *, block: int | None = None,
          inner: int | None = None) -> Tables:
    """Cut a dense model into the :class:`Tables` of :func:`sweep` (numpy, once per run).

    Args:
        model: a dense :class:`circuits.model.ising.IsingModel` (``model.J`` set).
        n_replicas: R, for the default block sizes (:func:`block_sizes`).
        block: spins per GEMM block ``B`` (default from :func:`block_sizes`); a multiple of ``inner``.
        inner: spins per unrolled sub-block ``b`` (default from :func:`block_sizes`).

    Returns:
        The Tables.

    Example:
        >>> m = ising.from_dense(np.ones((5, 5)) - np.eye(5))
        >>> build(m, block=4, inner=2).cols.shape
        (2, 8, 4)
    """
    where = "dense.build"
    if not isinstance(model, ising.IsingModel) or not ising.is_dense(model):
        raise ValueError(f"{where}: argument 'model' must be a dense ising.IsingModel (model.J set), got "
                         f"{'a sparse model' if isinstance(model, ising.IsingModel) else type(model).__name__}; "
                         "convert it with ising.to_dense or use gibbs.column_sweep")
    n = ising.n_spins(model)
    B0, b0 = block_sizes(n, n_replicas)
    for name, v in (("inner", inner), ("block", block)):
        if v is not None and (isinstance(v, bool) or int(v) != v or v < 1):
            raise ValueError(f"{where}: argument '{name}' must be a positive integer, got {v!r}")
    b = inner if inner is not None else min(b0, block or b0)
    B = block if block is not None else max(B0 // b, 1) * b
    b, B = int(b), int(B)
    if B % b:
        raise ValueError(f"{where}: argument 'block' ({B}) must be a multiple of 'inner' ({b}); "
                         f"e.g. block={b * max(1, B // b)}")
    nb = -(-n // B)
    n_pad = nb * B
    integer = exact(model)
    J = np.zeros((n_pad, n_pad), np.float32)
    J[:n, :n] = np.asarray(model.J, np.float32)
    cols = J.reshape(n_pad, nb, B).transpose(1, 0, 2).astype(np.int8 if integer else np.float32)
    m = B // b
    diag = np.stack([J[k * B:(k + 1) * B, k * B:(k + 1) * B] for k in range(nb)])  # (nb, B, B)
    mid = diag.reshape(nb, B, m, b).transpose(0, 2, 1, 3)  # (nb, m, B, b)
    sub = np.stack([[diag[k, q * b:(q + 1) * b, q * b:(q + 1) * b] for q in range(m)] for k in range(nb)])
    h = np.zeros(n_pad, np.float32)
    h[:n] = np.asarray(model.h, np.float32)
    return Tables(jnp.asarray(cols), jnp.asarray(np.ascontiguousarray(mid)), jnp.asarray(sub),
                  jnp.asarray(h.reshape(nb, B)))


def fresh(tables: Tables) -> bool:
    """True when :func:`sweep` needs the fields recomputed at the start of every sweep (float couplings)."""
    return tables.cols.dtype != jnp.int8


def n_padded(tables: Tables) -> int:
    """``n_pad``: spins of the blocked layout (>= n)."""
    return int(tables.cols.shape[1])


def pad(tables: Tables, st: Array) -> Array:
    """Column spins (n, R) (any dtype) as the (n_pad, R) float32 spins of :func:`sweep` (padding +1)."""
    n = st.shape[0]
    return jnp.pad(st.astype(jnp.float32), ((0, n_padded(tables) - n), (0, 0)), constant_values=1.0)


def fields(tables: Tables, s: Array) -> Array:
    """``g = J s``: (n_pad, R) float32 for padded spins ``s`` (n_pad, R) [energy units] (exact for int8 tables)."""
    nb, n_pad, B = tables.cols.shape
    sb = s.reshape(nb, B, -1)
    if tables.cols.dtype == jnp.int8:
        g = jnp.einsum("knb,kbr->nr", tables.cols, sb.astype(jnp.int8), preferred_element_type=jnp.int32)
        return g.astype(jnp.float32)
    return jnp.einsum("knb,kbr->nr", tables.cols, sb, preferred_element_type=jnp.float32)


def energy(tables: Tables, s: Array, g: Array) -> Array:
    """:func:`circuits.model.ising.energy` from the fields: ``E = -1/2 s.g - h.s`` per replica, (R,) float32
    (``g = J s``, so ``-1/2 s.(I - h) - h.s`` with ``I = g + h``); exact for integer couplings and fields."""
    h = tables.h.reshape(-1, 1)
    return -jnp.dot(jnp.ones(s.shape[0], jnp.float32), s * (0.5 * g + h))


def _uniforms(key, shape) -> Array:
    """v ~ U(0, 1) on the 2^24 midpoints ``(k + 1/2) 2^-24``, as :mod:`circuits.sampling.rules` draws them."""
    bits = jax.random.bits(key, shape, jnp.uint32)
    return (bits >> 8).astype(jnp.float32) * (1.0 / (1 << 24)) + 0.5 / (1 << 24)


def thresholds(key, update, shape) -> Array:
    """The thresholds of one sweep from one draw of uniforms, ``shape`` (n_pad, R): ``1/2 ln(v / (1 - v))``
    for heat-bath rules, ``-1/2 ln v`` for Metropolis (see the module docstring)."""
    v = _uniforms(key, shape)
    if getattr(update, "func", update) is rules.metropolis:
        return -0.5 * jnp.log(v)
    return 0.5 * jnp.log(v / (1.0 - v))


def _change(update, beta, f, s, t, gain=None, offset=None):
    """``s' - s`` (R,) of one p-bit with field ``f``, spin ``s`` and threshold ``t`` (all (R,)): 0 or -2 s."""
    func = getattr(update, "func", update)
    if func is rules.metropolis:
        return jnp.where(beta * s * f < t, -2.0 * s, 0.0)
    x = beta * gain * f + offset if func is _DEVICE else beta * f
    return jnp.where(x > t, 1.0, -1.0) - s


def _steps(update, beta, s, g, h, t, Jss, dev):
    """The unrolled sequential updates of one sub-block: ``ds = s' - s`` (b, R). ``dev``: the sub-block's
    (gain, offset) of a device rule, or None."""
    rows = []
    for j in range(s.shape[0]):
        d = _change(update, beta, g[j] + h[j], s[j], t[j], *(() if dev is None else (dev[0][j], dev[1][j])))
        if j + 1 < s.shape[0]:
            g = g + Jss[j][:, None] * d[None, :]  # J symmetric: row j = column j
        rows.append(d)
    return jnp.stack(rows)


def _device_args(update, tables: Tables):
    """(gain, offset) of a device rule as (nb, B) arrays (padding: 1 and 0), or None for other rules."""
    if getattr(update, "func", update) is not _DEVICE:
        return None
    nb, B = tables.h.shape
    out = []
    for a, fill in zip(update.args, (1.0, 0.0)):
        a = jnp.asarray(a, jnp.float32)
        a = jnp.full(nb * B, a) if a.ndim == 0 else jnp.pad(a, (0, nb * B - a.shape[0]), constant_values=fill)
        out.append(a.reshape(nb, B))
    return tuple(out)


def sweep(key, tables: Tables, s: Array, g: Array, beta, update=rules.behavioural):
    """One sequential sweep (spins 0..n_pad-1 once each) of padded column spins, with incremental fields.

    Args:
        key: PRNG key (one draw of n_pad x R uniforms).
        tables: the model cut into blocks (:func:`build`).
        s: (n_pad, R) float32 +/-1 spins (:func:`pad`).
        g: (n_pad, R) float32 ``J s`` (:func:`fields`) [energy units].
        beta: inverse temperature, a scalar or (R,) [1/energy units].
        update: a rule for which :func:`supports` is True (plain function or ``Partial``).

    Returns:
        ``(s, g)`` after the sweep, ``g = J s`` kept up to date (exactly for int8 tables).

    Example:
        >>> m = ising.from_dense(np.ones((5, 5)) - np.eye(5))
        >>> t = build(m, block=4, inner=2)
        >>> s = pad(t, jnp.ones((5, 3)))
        >>> s2, g2 = sweep(jax.random.key(0), t, s, fields(t, s), 0.5)
        >>> bool(jnp.all(g2 == fields(t, s2)))
        True
    """
    nb, n_pad, B = tables.cols.shape
    m, b = tables.sub.shape[1], tables.sub.shape[2]
    R = s.shape[1]
    beta = jnp.asarray(beta, jnp.float32)
    t = thresholds(key, update, (n_pad, R)).reshape(nb, B, R)
    dev = _device_args(update, tables)
    integer = tables.cols.dtype == jnp.int8

    def block(carry, xs):
        s, g, k = carry
        cols, mid, sub, h, tb, dk = xs
        sB = lax.dynamic_slice_in_dim(s, k * B, B, 0)
        gB = lax.dynamic_slice_in_dim(g, k * B, B, 0)

        def part(c, xs):  # sub-block q, left-looking: its fields are gB[q] + J[sub, blk] ds[blk so far]
            D, q = c  # D: (m, b, R) changes of the block so far (0 for the sub-blocks not yet visited)
            sq, gq, hq, tq, Jqq, Jbq, dq_dev = xs
            gq = gq + lax.dot_general(Jbq, D.reshape(B, R), (((0,), (0,)), ((), ())))  # J symmetric: J[blk, sub]^T
            dq = _steps(update, beta, sq, gq, hq, tq, Jqq, dq_dev)
            return (jnp.where((lax.iota(jnp.int32, m) == q)[:, None, None], dq[None], D), q + 1), dq

        if m == 1:
            dB = _steps(update, beta, sB, gB, h, tb, sub[0], dk)
        else:
            rows = lambda x: x.reshape((m, b) + x.shape[1:])  # noqa: E731
            xs = (rows(sB), rows(gB), rows(h), rows(tb), sub, mid, None if dk is None else (rows(dk[0]), rows(dk[1])))
            dB = lax.scan(part, (jnp.zeros((m, b, R), jnp.float32), jnp.int32(0)), xs)[1].reshape(B, R)
        if integer:  # ds in {0, +-2}: int8 halves, int32 sums, exact
            dg = lax.dot(cols, (0.5 * dB).astype(jnp.int8), preferred_element_type=jnp.int32).astype(jnp.float32)
            g = g + 2.0 * dg
        else:
            g = g + lax.dot(cols, dB, preferred_element_type=jnp.float32)
        s = lax.dynamic_update_slice_in_dim(s, sB + dB, k * B, 0)
        return (s, g, k + 1), None

    (s, g, _), _ = lax.scan(block, (s, g, jnp.int32(0)), (tables.cols, tables.mid, tables.sub, tables.h, t, dev))
    return s, g
