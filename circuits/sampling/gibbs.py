"""Gibbs sampling of p-bit networks: chromatic (block) sweeps and the sequential reference.

Public functions take spins of shape ``(R, n)`` (replicas leading). Inside, the samplers work on *columns*,
the layout ``(n, R)`` (one column per replica), so that gathering a neighbour fetches R contiguous replica
values: this is what makes the padded-neighbour layout fast on a CPU. The ``column_*`` kernels below act on
that layout and are what the drivers scan. ``beta`` is a scalar or one value per replica ``(R,)``.

Sparse layouts sum the neighbours slot by slot (int16 for integer couplings), and the p-bit draws
``v (1 + exp(-2 beta I)) < 1`` (see :mod:`circuits.sampling.rules`): on a 2-core CPU this makes a sweep of
G22 with 64 replicas about 2x faster than gathering (k, d, R) and reducing it (BENCHMARKS.md).

A chromatic sweep visits colour classes in order; within a class all p-bits (of all replicas) are
updated at once from the same field, which is exact Gibbs sampling because no two of them are coupled
(e.g. the checkerboard update of the square lattice). The sequential sweep updates spins 0..n-1 one
at a time and is the textbook reference.
"""
from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits.model import ising
from circuits.sampling import coloring, rules
from pbits.runtime import sharding


_UNROLL = 64  # neighbour slots summed by an unrolled loop (beyond: a fori_loop unrolled 8 at a time)


def _neighbour_sum(st: Array, nbr: Array, w: Array, dtype) -> Array:
    """``sum_d w[:, d] * st[nbr[:, d]]`` as (k, R) ``dtype``, one neighbour slot at a time.

    Summing slot by slot gathers (k, R) rows and accumulates them in registers, which on a CPU is about
    2x faster than materialising the (k, d, R) gather and reducing it. Integer layouts accumulate in
    int16 (exact: ``ising`` keeps int8 weights only when every ``sum_j |J_ij| <= 32767``).
    """
    w = w.astype(dtype)

    def term(j):
        col = lax.dynamic_index_in_dim(nbr, j, 1, keepdims=False)
        return st.at[col].get(mode="clip").astype(dtype) * lax.dynamic_slice_in_dim(w, j, 1, 1)

    return slot_sum(term, nbr.shape[1])


def slot_sum(term, d: int) -> Array:
    """``sum_{j < d} term(j)`` over neighbour slots: an unrolled chain of adds for ``d <= 64`` (XLA fuses it
    into one loop), else a ``fori_loop`` unrolled 8 at a time (compile time bounded for dense rows)."""
    if d <= _UNROLL:
        acc = term(0)
        for j in range(1, d):
            acc = acc + term(j)
        return acc
    return lax.fori_loop(1, d, lambda j, a: a + term(j), term(0), unroll=8)


def column_field(model: ising.IsingModel, st: Array, idx: Array) -> Array:
    """Local fields (:func:`circuits.model.ising.local_field`) of spins ``idx`` for column spins ``st`` (n, R): (k, R) float32.

    Indices >= n (class padding) are clamped; their results are discarded by :func:`update_block`.
    """
    h = model.h.at[idx].get(mode="clip")[:, None]
    if ising.is_dense(model):
        return model.J.at[idx].get(mode="clip") @ st.astype(jnp.float32) + h
    nbr, w = model.nbr.at[idx].get(mode="clip"), model.w.at[idx].get(mode="clip")
    if jnp.issubdtype(model.w.dtype, jnp.integer):
        return _neighbour_sum(st, nbr, w, jnp.int16).astype(jnp.float32) + h
    return _neighbour_sum(st, nbr, w, jnp.float32) + h


def column_energy(model: ising.IsingModel, st: Array, half=None) -> Array:
    """:func:`circuits.model.ising.energy` of column spins ``st`` (n, R): (R,), exact in float32 for integer couplings.

    ``half`` (from :func:`half_edges`) visits each coupling once instead of twice. The sum over spins
    is a matrix-vector product: XLA on a CPU runs it as a fast dot, whereas a column reduction with
    the neighbour gathers fused into it runs as a slow scalar loop.
    """
    s = st.astype(jnp.float32)
    if ising.is_dense(model):
        sf, scale = s * (model.J @ s), -0.5
    else:
        (nbr, w), scale = (half, -1.0) if half is not None else ((model.nbr, model.w), -0.5)
        if jnp.issubdtype(w.dtype, jnp.integer):
            sf = (st.astype(jnp.int16) * _neighbour_sum(st, nbr, w, jnp.int16)).astype(jnp.float32)
        else:
            sf = s * _neighbour_sum(st, nbr, w, jnp.float32)
    return scale * jnp.dot(jnp.ones(st.shape[0], jnp.float32), sf) - model.h @ s


def half_edges(model: ising.IsingModel):
    """Each coupling once: padded arrays ``(nbr, w)`` of shape (n, d_half) for :func:`column_energy`.

    Every edge is given to the endpoint with fewer edges so far (greedy orientation), so ``d_half`` is
    about half the maximum degree (G22: 20 instead of 37) and the energy costs half a field evaluation.
    Returns None for the dense layout. Computed once per run in numpy.
    """
    if ising.is_dense(model):
        return None
    nbr, w = np.asarray(model.nbr), np.asarray(model.w)
    n = nbr.shape[0]
    i, k = np.nonzero(w)
    j = nbr[i, k]
    keep = i < j
    i, j, wij = i[keep], j[keep], w[i, k][keep]
    load = [0] * n
    owner = np.empty(len(i), np.int64)
    order = np.argsort(-(np.bincount(i, minlength=n) + np.bincount(j, minlength=n))[i], kind="stable")
    picked = []
    for a, b in zip(i[order].tolist(), j[order].tolist()):  # Python ints: ~5x faster than numpy scalars
        o = a if load[a] <= load[b] else b
        load[o] += 1
        picked.append(o)
    owner[order] = picked
    load = np.asarray(load, np.int64)
    other = np.where(owner == i, j, i)
    d = max(int(load.max(initial=0)), 1)
    order = np.argsort(owner, kind="stable")
    start = np.concatenate([[0], np.cumsum(load)[:-1]])
    slot = np.arange(len(order)) - start[owner[order]]
    hn = np.tile(np.arange(n, dtype=np.int32)[:, None], (1, d))
    hw = np.zeros((n, d), w.dtype)
    hn[owner[order], slot] = other[order]
    hw[owner[order], slot] = wij[order]
    return jnp.asarray(hn), jnp.asarray(hw)


def update_block(key, model, st, idx, beta, update):
    """Update the uncoupled spins ``idx`` of column spins ``st``; returns (st, energy change (R,)).

    Entries of ``idx`` equal to n are padding: they are neither read into the energy nor written.
    """
    n = st.shape[0]
    f = column_field(model, st, idx)
    old = st.at[idx].get(mode="clip").astype(jnp.float32)
    new = rules.restrict(update, jnp.minimum(idx, n - 1))(key, f, beta, old)
    de = -jnp.sum(jnp.where((idx < n)[:, None], (new - old) * f, 0.0), 0)
    return st.at[idx].set(new.astype(st.dtype), mode="drop"), de


def column_sweep(key, model, classes, st, beta, update):
    """One chromatic sweep on column spins; ``classes`` is (n_colors, size) from ``coloring.padded``.

    Returns (st, energy change (R,)). The colour loop is a ``lax.scan`` so compile time does not grow
    with the number of colours.
    """
    keys = jax.random.split(key, classes.shape[0])

    def body(carry, xs):
        s, de = carry
        k, idx = xs
        s, d = update_block(k, model, s, idx, beta, update)
        return (s, de + d), None

    (st, de), _ = lax.scan(body, (st, jnp.zeros(st.shape[1], jnp.float32)), (keys, classes))
    return st, de


def column_sequential(key, model, st, beta, update):
    """One sequential sweep (spins 0..n-1 one at a time) on column spins; returns (st, dE)."""
    n = ising.n_spins(model)
    keys = jax.random.split(key, n)

    def body(carry, xs):
        s, de = carry
        i, k = xs
        s, d = update_block(k, model, s, i[None], beta, update)
        return (s, de + d), None

    (st, de), _ = lax.scan(body, (st, jnp.zeros(st.shape[1], jnp.float32)), (jnp.arange(n), keys))
    return st, de


def _check_beta(beta, where):
    """``beta`` as a float32 array, or a ValueError if any entry is negative or not finite."""
    b = np.asarray(beta, np.float64)
    if not np.all(np.isfinite(b)) or np.any(b < 0):
        raise ValueError(f"{where}: argument 'beta' must be >= 0 and finite (beta = 1/T), got {beta!r:.80}")
    return jnp.asarray(b, jnp.float32)


def _check_spins(spins, n, where):
    """(R, n) +/-1 spins as float32, or a ValueError naming the shape or the first value that is not +/-1."""
    s = np.asarray(spins)
    if s.ndim != 2 or s.shape[1] != n:
        raise ValueError(f"{where}: argument 'spins' must have shape (R, {n}) (replicas, spins), got {s.shape}")
    if not np.all(np.abs(s) == 1):
        raise ValueError(f"{where}: argument 'spins' must be +/-1, got the value {s[np.abs(s) != 1].flat[0]!r}; "
                         "convert 0/1 bits with 2 * x - 1")
    return jnp.asarray(s, jnp.float32)


def _classes(classes, n):
    return jnp.asarray(coloring.padded(classes, n))


def sweep(key, model: ising.IsingModel, classes, spins: Array, beta, *, update=rules.behavioural) -> Array:
    """One chromatic Gibbs sweep: each colour class in turn, all its p-bits and replicas at once.

    Args:
        key: PRNG key.
        model: the IsingModel.
        classes: colour classes from :func:`circuits.sampling.coloring.greedy` (validated there).
        spins: (R, n) +/-1 spins.
        beta: scalar or (R,) inverse temperatures.
        update: p-bit update rule (default behavioural p-bit).

    Returns:
        (R, n) float32 spins after the sweep.

    Example:
        >>> m = ising.from_dense([[0., 1.], [1., 0.]])
        >>> sweep(jax.random.key(0), m, coloring.greedy(m), jnp.ones((3, 2)), 0.5).shape
        (3, 2)
    """
    st, _ = column_sweep(key, model, _classes(classes, ising.n_spins(model)), jnp.asarray(spins, jnp.float32).T, jnp.asarray(beta),
                    rules.as_rule(update))
    return st.T


def sequential_sweep(key, model: ising.IsingModel, spins: Array, beta, *, update=rules.behavioural) -> Array:
    """One sequential Gibbs sweep (spin 0, 1, ..., n-1), the reference sampler.

    Args, Returns: as :func:`sweep` without ``classes``.

    Example:
        >>> m = ising.from_dense([[0., 1.], [1., 0.]])
        >>> sequential_sweep(jax.random.key(0), m, jnp.ones((3, 2)), 0.5).shape
        (3, 2)
    """
    st, _ = column_sequential(key, model, jnp.asarray(spins, jnp.float32).T, jnp.asarray(beta), rules.as_rule(update))
    return st.T


@partial(jax.jit, static_argnames=("n_samples", "thin", "burn_in", "method"))
def _sample(key, model, classes, spins, beta, update, n_samples, thin, burn_in, method):
    def one(st, k):
        if method == "sequential":
            return column_sequential(k, model, st, beta, update)[0]
        return column_sweep(k, model, classes, st, beta, update)[0]

    def burn(st, k):
        return one(st, k), None

    kb, ks = jax.random.split(key)
    st = spins.T.astype(jnp.int8)
    if burn_in:
        st, _ = lax.scan(burn, st, jax.random.split(kb, burn_in))

    def rec(st, k):
        st, _ = lax.scan(burn, st, jax.random.split(k, thin))
        return st, st.T

    st, trace = lax.scan(rec, st, jax.random.split(ks, n_samples))
    return trace


def sample(key, model: ising.IsingModel, spins: Array, beta, *, n_samples: int, thin: int = 1, burn_in: int = 0,
           classes=None, method: str = "chromatic", update=rules.behavioural, mesh=None) -> Array:
    """Run R independent chains and record their states every ``thin`` sweeps after ``burn_in`` sweeps.

    Args:
        key: PRNG key.
        model: the IsingModel.
        spins: (R, n) initial +/-1 spins (R independent chains).
        beta: scalar or (R,) inverse temperature(s).
        n_samples: states recorded per chain.
        thin: sweeps between records.
        burn_in: sweeps discarded first.
        classes: colour classes (default ``coloring.greedy(model)``); ignored by "sequential".
        method: "chromatic" or "sequential".
        update: p-bit update rule.
        mesh: None (one device), "auto" (all ``jax.devices()``) or a ``jax.sharding.Mesh``: the R chains
            are sharded over its devices (:mod:`pbits.runtime.sharding`) and the samples equal the
            single-device ones bit for bit. R must be a multiple of the device count.

    Returns:
        (n_samples, R, n) int8 +/-1 samples (sharded over R when ``mesh`` is given).

    Example:
        >>> m = ising.from_dense([[0., 1.], [1., 0.]])
        >>> sample(jax.random.key(0), m, jnp.ones((4, 2)), 1.0, n_samples=5).shape
        (5, 4, 2)
    """
    if method not in ("chromatic", "sequential"):
        raise ValueError(f"gibbs.sample: argument 'method' must be 'chromatic' or 'sequential', got {method!r}")
    beta = _check_beta(beta, "gibbs.sample")
    ising.check(model, "gibbs.sample")
    rules.check(update, ising.n_spins(model), "gibbs.sample")
    classes = coloring.greedy(model) if classes is None else coloring.validate(model, classes)
    spins = _check_spins(spins, ising.n_spins(model), "gibbs.sample")
    mesh = sharding.make_mesh(mesh)
    sharding.check_split(mesh, spins.shape[0], "gibbs.sample")
    if mesh is not None:
        model = sharding.put_tree(model, mesh)
        spins = sharding.put(spins, mesh, 0)
        beta = sharding.put(beta, mesh, 0 if beta.ndim else None)
    return _sample(key, model, sharding.put(_classes(classes, ising.n_spins(model)), mesh), spins, beta,
                   rules.as_rule(update), int(n_samples), int(thin), int(burn_in), method)


@partial(jax.jit, static_argnames=("n_sweeps", "burn_in", "method"))
def _energy_trace(key, model, classes, spins, beta, update, n_sweeps, burn_in, method):
    def one(st, k):
        if method == "sequential":
            return column_sequential(k, model, st, beta, update)
        return column_sweep(k, model, classes, st, beta, update)

    st = spins.T.astype(jnp.int8)
    if burn_in:
        st, _ = lax.scan(lambda s, k: (one(s, k)[0], None), st, jax.random.split(jax.random.fold_in(key, 1), burn_in))
    e0 = column_energy(model, st)

    def body(carry, k):
        s, e = carry
        s, de = one(s, k)
        return (s, e + de), e + de

    (st, _), trace = lax.scan(body, (st, e0), jax.random.split(key, n_sweeps))
    return trace, st.T


def energy_trace(key, model: ising.IsingModel, spins: Array, beta, *, n_sweeps: int, burn_in: int = 0,
                 classes=None, method: str = "chromatic", update=rules.behavioural):
    """Energies of R chains after each of ``n_sweeps`` sweeps (after ``burn_in`` discarded sweeps).

    Energies are updated incrementally from the exact energy change of each block update.

    Returns:
        ``(energies, spins)``: (n_sweeps, R) float32 and the final (R, n) spins (int8).

    Example:
        >>> m = ising.from_dense([[0., 1.], [1., 0.]])
        >>> energy_trace(jax.random.key(0), m, jnp.ones((4, 2)), 1.0, n_sweeps=3)[0].shape
        (3, 4)
    """
    beta = _check_beta(beta, "gibbs.energy_trace")
    ising.check(model, "gibbs.energy_trace")
    rules.check(update, ising.n_spins(model), "gibbs.energy_trace")
    classes = coloring.greedy(model) if classes is None else coloring.validate(model, classes)
    spins = _check_spins(spins, ising.n_spins(model), "gibbs.energy_trace")
    return _energy_trace(key, model, _classes(classes, ising.n_spins(model)), spins, beta,
                         rules.as_rule(update), int(n_sweeps), int(burn_in), method)
