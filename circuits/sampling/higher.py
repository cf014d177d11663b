"""Chromatic Gibbs sampling of higher-order p-bit networks (:mod:`circuits.model.hubo`).

Colouring. Spins that share a term of any order interact, so a colour class must hold at most one spin of every
term: the classes colour the factor hypergraph, i.e. properly colour its primal graph (a clique per term). Then
the conditional law of each spin of a class depends only on spins of other classes, the p-bits of a class update
at once, and a sweep over the classes is an exact Gibbs sweep, as for pairwise models
(:mod:`circuits.sampling.coloring`, whose greedy colouring and class conventions this module reuses). Higher-order
p-computers sampled this way: Nikhar et al., Nat. Commun. 15, 8977 (2024).

Layout. As :mod:`circuits.sampling.gibbs`: the kernels act on column spins ``(n, R)`` int8 (one column per
replica); public functions take ``(R, n)``. The field of spin i is the p-bit input of
:func:`circuits.model.hubo.local_field`, ``I_i = -(c_i + sum_{T containing i} c_T prod_{j in T, j != i} s_j)``,
summed term slot by term slot (:func:`circuits.sampling.gibbs.slot_sum`), and fed to any rule of
:mod:`circuits.sampling.rules` (``rules.behavioural`` is heat bath, ``P(s_i = +1) = (1 + tanh(beta I_i)) / 2``).
"""
from __future__ import annotations

from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import Array, lax

from circuits.model import hubo, ising
from circuits.sampling import coloring, gibbs, rules


def primal_edges(model: hubo.Hubo) -> np.ndarray:
    """(e, 2) int64 pairs ``i < j`` of spins that share at least one term (the primal graph of the hypergraph)."""
    n, t = hubo.n_spins(model), np.asarray(model.terms, np.int64)
    pairs = [t[:, [a, b]] for a in range(t.shape[1]) for b in range(a + 1, t.shape[1])]
    e = np.concatenate(pairs) if pairs else np.zeros((0, 2), np.int64)
    e = e[(e < n).all(1)]
    return np.unique(e, axis=0) if len(e) else e


def greedy(model: hubo.Hubo, *, strategy: str = "largest_first", balance: bool = True) -> tuple[np.ndarray, ...]:
    """Colour classes with no two spins of one term in a class (:func:`circuits.sampling.coloring.greedy` on the
    primal graph, same ``strategy`` and ``balance`` options).

    Example:
        >>> m = hubo.from_dict({(0, 1, 2): 1.0, (2, 3, 4): 1.0})
        >>> len(greedy(m))
        3
    """
    hubo.check(model, "higher.greedy")
    primal = ising.from_edges(hubo.n_spins(model), primal_edges(model))
    return validate(model, coloring.greedy(primal, strategy=strategy, balance=balance))


def validate(model: hubo.Hubo, classes) -> tuple[np.ndarray, ...]:
    """Check that ``classes`` partition the spins and no term has two spins in one class; returns them as int32.

    Example:
        >>> validate(hubo.from_dict({(0, 1, 2): 1.0}), [[0, 2], [1]])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: higher.validate: ... puts spins 0 and 2 of the term (0, 1, 2) in colour class 0; use higher.greedy(model)
    """
    n = hubo.n_spins(model)
    classes = coloring.partition(classes, n, "higher.validate")
    color = np.full(n + 1, -1, np.int64)
    for c, idx in enumerate(classes):
        color[idx] = c
    t = np.asarray(model.terms, np.int64)
    for a in range(t.shape[1]):
        for b in range(a + 1, t.shape[1]):
            clash = np.flatnonzero((t[:, b] < n) & (color[t[:, a]] == color[t[:, b]]))
            if len(clash):
                row, (i, j) = t[clash[0]], t[clash[0], [a, b]]
                raise ValueError(f"higher.validate: argument 'classes' puts spins {i} and {j} of the term "
                                 f"{tuple(int(v) for v in row if v < n)} in colour class {color[i]}; use "
                                 "higher.greedy(model)")
    return classes


def column_field(model: hubo.Hubo, st: Array, idx: Array) -> Array:
    """p-bit inputs (:func:`circuits.model.hubo.local_field`) of spins ``idx`` for column spins ``st`` (n, R):
    (k, R) float32. Indices >= n (class padding) are clamped; :func:`update_block` discards their results."""
    others = model.others.at[idx].get(mode="clip")  # (k, d, K-1); padding n reads +1
    w = model.weight.at[idx].get(mode="clip")

    def term(j):
        o = lax.dynamic_index_in_dim(others, j, 1, keepdims=False)
        prod = st.at[o[:, 0]].get(mode="fill", fill_value=1)
        for q in range(1, others.shape[2]):
            prod = prod * st.at[o[:, q]].get(mode="fill", fill_value=1)
        return prod.astype(jnp.float32) * lax.dynamic_slice_in_dim(w, j, 1, 1)

    return -(gibbs.slot_sum(term, others.shape[1]) + model.linear.at[idx].get(mode="clip")[:, None])


def column_energy(model: hubo.Hubo, st: Array) -> Array:
    """:func:`circuits.model.hubo.energy` of column spins ``st`` (n, R): (R,) float32."""
    prod = jnp.prod(st.at[model.terms].get(mode="fill", fill_value=1), 1)  # (m, R) +/-1, exact in int8
    return model.offset + model.linear @ st.astype(jnp.float32) + model.coef @ prod.astype(jnp.float32)


def update_block(key, model, st, idx, beta, update):
    """Update the spins ``idx`` (no two in one term) of column spins ``st``; entries equal to n are padding."""
    n = st.shape[0]
    f = column_field(model, st, idx)
    old = st.at[idx].get(mode="clip").astype(jnp.float32)
    new = rules.restrict(update, jnp.minimum(idx, n - 1))(key, f, beta, old)
    return st.at[idx].set(new.astype(st.dtype), mode="drop")


def column_sweep(key, model, classes, st, beta, update):
    """One chromatic sweep on column spins; ``classes`` is (n_colors, size) from ``coloring.padded`` (a ``lax.scan``
    over the colours, so compile time does not grow with their number)."""
    def body(s, xs):
        k, idx = xs
        return update_block(k, model, s, idx, beta, update), None

    return lax.scan(body, st, (jax.random.split(key, classes.shape[0]), classes))[0]


def sweep(key, model: hubo.Hubo, classes, spins: Array, beta, *, update=rules.behavioural) -> Array:
    """One chromatic Gibbs sweep of (R, n) +/-1 spins at inverse temperature ``beta`` (scalar or (R,)).

    Example:
        >>> m = hubo.from_dict({(0, 1, 2): 1.0})
        >>> sweep(jax.random.key(0), m, greedy(m), jnp.ones((4, 3)), 1.0).shape
        (4, 3)
    """
    cls = jnp.asarray(coloring.padded(classes, hubo.n_spins(model)))
    st = jnp.asarray(spins).T.astype(jnp.int8)
    return column_sweep(key, model, cls, st, jnp.asarray(beta, jnp.float32), rules.as_rule(update)).T


@partial(jax.jit, static_argnames=("n_samples", "thin", "burn_in"))
def _sample(key, model, classes, st, beta, update, n_samples, thin, burn_in):
    def burn(s, k):
        return column_sweep(k, model, classes, s, beta, update), None

    def record(s, k):
        s = lax.scan(burn, s, jax.random.split(k, thin))[0]
        return s, s.T

    kb, ks = jax.random.split(key)
    if burn_in:
        st = lax.scan(burn, st, jax.random.split(kb, burn_in))[0]
    return lax.scan(record, st, jax.random.split(ks, n_samples))[1]


def sample(key, model: hubo.Hubo, spins: Array, beta, *, n_samples: int, thin: int = 1, burn_in: int = 0,
           classes=None, update=rules.behavioural) -> Array:
    """Run R independent chains and record their states every ``thin`` sweeps after ``burn_in`` sweeps.

    Args:
        key: PRNG key.
        model: the :class:`circuits.model.hubo.Hubo`.
        spins: (R, n) initial +/-1 spins.
        beta: inverse temperature(s), scalar or (R,) [1/energy].
        n_samples, thin, burn_in: records per chain, sweeps between records, sweeps discarded first.
        classes: colour classes (default :func:`greedy`).
        update: p-bit update rule (:mod:`circuits.sampling.rules`).

    Returns:
        (n_samples, R, n) int8 +/-1 samples.

    Example:
        >>> m = hubo.from_dict({(0, 1, 2): 1.0})
        >>> sample(jax.random.key(0), m, jnp.ones((4, 3)), 1.0, n_samples=5).shape
        (5, 4, 3)
    """
    hubo.check(model, "higher.sample")
    n = hubo.n_spins(model)
    b = np.asarray(beta, np.float64)
    if not np.all(np.isfinite(b)) or np.any(b < 0):
        raise ValueError(f"higher.sample: argument 'beta' must be >= 0 and finite (beta = 1/T), got {beta!r:.80}")
    s = np.asarray(spins)
    if s.ndim != 2 or s.shape[1] != n or not np.all(np.abs(s) == 1):
        raise ValueError(f"higher.sample: argument 'spins' must be (R, {n}) of +/-1 (replicas, spins), got shape "
                         f"{s.shape}; convert 0/1 bits with 2 * x - 1")
    rules.check(update, n, "higher.sample")
    classes = greedy(model) if classes is None else validate(model, classes)
    return _sample(key, model, jnp.asarray(coloring.padded(classes, n)), jnp.asarray(s.T, jnp.int8),
                   jnp.asarray(b, jnp.float32), rules.as_rule(update), int(n_samples), int(thin), int(burn_in))
