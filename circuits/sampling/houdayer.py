"""Houdayer cluster moves between two replicas at the same temperature.

Two replicas ``s_a, s_b`` of one model at one beta have the overlap ``q_i = s_a,i s_b,i``. The sites where they
disagree (``q_i = -1``) split into clusters, connected through the model's couplings. Flipping one such cluster in
*both* replicas exchanges their configurations on it: the sum ``E(s_a) + E(s_b)`` does not change (the couplings
inside the cluster keep their sign in each replica, those across its boundary swap between the two), so the move is
accepted always and keeps the product of the two Boltzmann distributions invariant (Houdayer, Eur. Phys. J. B 22,
479 (2001); used with parallel tempering as the isoenergetic cluster move of Zhu, Ochoa & Katzgraber, Phys. Rev.
Lett. 115, 077201 (2015)). A replica's energy changes by a large amount at no cost, which lets the low-temperature
rungs of a tempering ladder cross the barriers between nearby valleys; on 2D glasses it is what makes tempering find
ground states (docs/methods.md §5).

The cluster grows from a uniformly drawn disagreeing site by breadth-first steps over the couplings (a
``lax.while_loop``, vectorised over the replica pairs); spins are column-major ``(n, R)`` int8 as in
:mod:`circuits.sampling.gibbs`.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import Array, lax

from circuits.model import ising

STEPS = 4  # breadth-first steps per loop iteration (fewer loop round trips; the result is the same)


def _spread(model: ising.IsingModel, c: Array) -> Array:
    """Sites coupled to a site of ``c`` ((n, P) bool), or in ``c``."""
    if ising.is_dense(model):
        return c | ((model.J != 0).astype(jnp.float32) @ c.astype(jnp.float32) > 0)
    linked = (model.w != 0)[:, :, None]  # (n, d, 1); padding (own index, w = 0) links nothing
    return c | jnp.any(c[model.nbr] & linked, axis=1)


def cluster(model: ising.IsingModel, disagree: Array, start: Array) -> Array:
    """The connected cluster of ``disagree`` ((n, P) bool) holding the site ``start`` ((P,) int), per column;
    empty where ``start`` is not a disagreeing site."""
    n = disagree.shape[0]
    c0 = (jnp.arange(n)[:, None] == start[None, :]) & disagree

    def body(carry):
        c, _ = carry
        new = c
        for _ in range(STEPS):
            new = disagree & _spread(model, new)
        return new, jnp.any(new != c)

    return lax.while_loop(lambda carry: carry[1], body, (c0, jnp.array(True)))[0]


def move(key, model: ising.IsingModel, st: Array, a: Array, b: Array) -> Array:
    """One Houdayer move for each pair of columns ``(a[p], b[p])`` of the column spins ``st`` (n, R): a cluster of
    disagreeing sites, grown from a uniformly drawn one, is flipped in both columns (pairs that agree everywhere
    are left alone). The columns of different pairs must be distinct.

    Example:
        >>> m = ising.from_edges(4, [(0, 1), (1, 2), (2, 3), (3, 0)])
        >>> st = jnp.array([[1, 1], [1, -1], [1, -1], [1, 1]], jnp.int8)  # disagree on sites 1, 2
        >>> move(jax.random.key(0), m, st, jnp.array([0]), jnp.array([1])).T.tolist()
        [[1, -1, -1, 1], [1, 1, 1, 1]]
    """
    sa, sb = st[:, a], st[:, b]
    disagree = sa != sb
    u = jnp.where(disagree, jax.random.uniform(key, disagree.shape), -1.0)
    c = cluster(model, disagree, jnp.argmax(u, axis=0))
    return st.at[:, a].set(jnp.where(c, -sa, sa)).at[:, b].set(jnp.where(c, -sb, sb))
