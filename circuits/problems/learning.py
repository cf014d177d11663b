"""Boltzmann-machine learning with p-bit sampling (contrastive divergence and persistent CD).

Two models over +/-1 units, both plain NamedTuples:

* a fully visible Boltzmann machine (FVBM), ``E(v) = -1/2 v^T J v - b^T v``;
* a restricted Boltzmann machine (RBM), ``E(v, h) = -v^T W h - b^T v - c^T h``.

The log-likelihood gradient is ``<v_i h_j>_data - <v_i h_j>_model`` (Ackley, Hinton & Sejnowski,
Cognitive Science 9, 147 (1985); Hinton, Neural Computation 14, 1771 (2002) for CD-k; Tieleman,
ICML 2008 for persistent CD). The negative phase runs ``k`` chromatic Gibbs sweeps of behavioural
p-bits (:func:`circuits.sampling.gibbs.column_sweep`) on the model written as an Ising network: for the RBM the two
colour classes are the visible and the hidden layer, as in p-bit learning hardware (Niazi et al.,
"Training deep Boltzmann networks with sparse Ising machines", Nature Electronics 7, 610 (2024)).
Hidden-unit statistics use their exact conditional means ``tanh(c + W^T v)``.

For small models :func:`kl` computes ``KL(data || model)`` exactly by enumerating the visible states
(hidden units summed analytically), so training can be judged against the truth. Data sets are
generated in code (:func:`bars_and_stripes`, :func:`parity`): nothing is downloaded.
"""
from __future__ import annotations

import itertools
from functools import partial
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from circuits.model import ising
from circuits.sampling import coloring, exact, gibbs, rules
from pbits.runtime import chunks


class FVBM(NamedTuple):
    """Fully visible Boltzmann machine: J (n, n) symmetric, zero diagonal; b (n,) biases."""

    J: jax.Array
    b: jax.Array


class RBM(NamedTuple):
    """Restricted Boltzmann machine: W (n_visible, n_hidden); b (n_visible,); c (n_hidden,)."""

    W: jax.Array
    b: jax.Array
    c: jax.Array


# ----------------------------------------------------------------------------------------- data sets
def bars_and_stripes(size: int = 3) -> np.ndarray:
    """All bars-and-stripes images of ``size x size`` pixels as +/-1 rows (2^(size+1) - 2 distinct).

    Example:
        >>> bars_and_stripes(3).shape
        (14, 9)
    """
    if size < 2:
        raise ValueError(f"learning.bars_and_stripes: 'size' must be >= 2, got {size}")
    out = set()
    for rows in itertools.product((0, 1), repeat=size):
        img = np.repeat(np.array(rows)[:, None], size, 1)
        out.add(tuple(img.ravel()))
        out.add(tuple(img.T.ravel()))
    return np.array(sorted(out), np.int8) * 2 - 1


def parity(n: int = 4) -> np.ndarray:
    """All n-bit strings of even parity as +/-1 rows (2^(n-1) patterns)."""
    x = np.array(list(itertools.product((0, 1), repeat=n)))
    return (x[x.sum(1) % 2 == 0] * 2 - 1).astype(np.int8)


# -------------------------------------------------------------------------------------------- models
def init_rbm(key, n_visible: int, n_hidden: int, *, scale: float = 0.1) -> RBM:
    """Small random weights, zero biases."""
    W = scale * jax.random.normal(key, (n_visible, n_hidden), jnp.float32)
    return RBM(W, jnp.zeros(n_visible, jnp.float32), jnp.zeros(n_hidden, jnp.float32))


def init_fvbm(n: int) -> FVBM:
    """Zero couplings and biases (the uniform distribution)."""
    return FVBM(jnp.zeros((n, n), jnp.float32), jnp.zeros(n, jnp.float32))


def to_ising(params) -> ising.IsingModel:
    """The model as an Ising network (for the RBM: visible units first, then hidden).

    Builds the pytree directly (no validation), so it can be called inside ``jit``.
    """
    if isinstance(params, RBM):
        nv, nh = params.W.shape
        J = jnp.zeros((nv + nh, nv + nh), jnp.float32)
        J = J.at[:nv, nv:].set(params.W).at[nv:, :nv].set(params.W.T)
        return ising.IsingModel(h=jnp.concatenate([params.b, params.c]), J=J)
    return ising.IsingModel(h=params.b, J=params.J)


def color_classes(params) -> tuple:
    """Colour classes of the network: visible and hidden layers for the RBM, one unit each for the FVBM."""
    if isinstance(params, RBM):
        nv, nh = params.W.shape
        return (np.arange(nv), np.arange(nv, nv + nh))
    return tuple(np.array([i]) for i in range(params.b.shape[0]))


def log_prob(params, v) -> np.ndarray:
    """Exact ``ln p(v)`` of visible states v (k, n_visible), by enumeration (n_visible <= 20)."""
    v = np.asarray(v, np.float64)
    allv = exact.states(v.shape[-1]).astype(np.float64)

    def free(x):  # -F(v): ln sum_h exp(-E(v, h))
        if isinstance(params, RBM):
            W, b, c = (np.asarray(a, np.float64) for a in params)
            return x @ b + np.sum(np.logaddexp(c + x @ W, -(c + x @ W)), -1)
        J, b = np.asarray(params.J, np.float64), np.asarray(params.b, np.float64)
        return 0.5 * np.einsum("ki,ij,kj->k", x, J, x) + x @ b

    f = free(allv)
    logz = np.logaddexp.reduce(f)
    return free(v) - logz


def kl(params, data) -> float:
    """Exact ``KL(P_data || P_model)`` in nats, with P_data the empirical distribution of ``data``."""
    d = np.asarray(data)
    idx, counts = np.unique(exact.state_index(d), return_counts=True)
    p = counts / counts.sum()
    allv = exact.states(d.shape[-1])
    return float(np.sum(p * (np.log(p) - log_prob(params, allv[idx]))))


# ------------------------------------------------------------------------------------------ training
def _stats(params, v):
    """Sufficient statistics averaged over rows v (k, n_visible) (hidden means for the RBM)."""
    if isinstance(params, RBM):
        h = jnp.tanh(params.c + v @ params.W)
        return RBM(v.T @ h / v.shape[0], v.mean(0), h.mean(0))
    J = v.T @ v / v.shape[0]
    return FVBM(J * (1.0 - jnp.eye(J.shape[0])), v.mean(0))


@partial(jax.jit, static_argnames=("k", "persistent"))
def _train(key, params, chains, classes, data, lr, k, persistent):
    update = rules.as_rule(rules.behavioural)
    nv = data.shape[1]

    def step(carry, xs):
        params, st = carry
        key, lr_t = xs
        model = to_ising(params)
        if not persistent:  # CD-k: chains restart from the data (cycled over the chain axis)
            reps = st.shape[1]
            st = st.at[:nv].set(jnp.tile(data.T, (1, reps // data.shape[0] + 1))[:, :reps].astype(st.dtype))
        keys = jax.random.split(key, k)
        st = lax.fori_loop(0, k, lambda i, s: gibbs.column_sweep(keys[i], model, classes, s, 1.0, update)[0], st)
        pos = _stats(params, data)  # hidden means depend on the current weights
        neg = _stats(params, st[:nv].T.astype(jnp.float32))
        params = jax.tree.map(lambda p, a, b: p + lr_t * (a - b), params, pos, neg)
        return (params, st), None

    (params, chains), _ = lax.scan(step, (params, chains), (jax.random.split(key, lr.shape[0]), lr))
    return params, chains


class History(NamedTuple):
    """Training record: ``epochs`` (int array) and the exact ``kl`` after each of them."""

    epochs: np.ndarray
    kl: np.ndarray


def train(key, params, data, *, n_epochs: int = 1000, lr: float = 0.05, k: int = 1, n_chains: int = 1024,
          persistent: bool = True, eval_every: int = 25, progress: Callable | None = None):
    """Train an FVBM or RBM on +/-1 data with p-bit sampling in the negative phase.

    Full-batch gradient ascent on the log-likelihood with a learning rate decaying linearly from
    ``lr`` to 0; the model expectation comes from ``n_chains``
    p-bit chains after ``k`` chromatic Gibbs sweeps per epoch: persistent (PCD, chains carried over)
    or restarted at the data (CD-k).

    Args:
        key: PRNG key.
        params: an :class:`RBM` or :class:`FVBM` (e.g. :func:`init_rbm`).
        data: (n_data, n_visible) +/-1 training set.
        n_epochs: gradient steps.
        lr: learning rate.
        k: Gibbs sweeps per step.
        n_chains: negative-phase chains (replicas).
        persistent: PCD (True) or CD-k (False).
        eval_every: epochs between exact KL evaluations (n_visible <= 20): the chunk of the training loop
            (:func:`pbits.runtime.chunks.run_chunks`).
        progress: ``progress(epochs_done, n_epochs, kl) -> bool | None`` after every chunk; True stops.

    Returns:
        ``(params, History)``.

    Example:
        >>> data = bars_and_stripes(2)
        >>> p, hist = train(jax.random.key(0), init_fvbm(4), data, n_epochs=100, eval_every=100)
        >>> bool(hist.kl[-1] < hist.kl[0])
        True
    """
    d = np.asarray(data)
    if d.ndim != 2 or not np.all(np.abs(d) == 1):
        raise ValueError(f"learning.train: 'data' must be a (n_data, n_visible) array of +/-1, got shape {d.shape}")
    nv = (params.W.shape[0] if isinstance(params, RBM) else params.b.shape[0])
    if d.shape[1] != nv:
        raise ValueError(f"learning.train: data has {d.shape[1]} columns but the model has {nv} visible units")
    if lr <= 0 or k < 1 or n_chains < 1 or n_epochs < 1 or eval_every < 1:
        raise ValueError("learning.train: lr must be > 0 and k, n_chains, n_epochs, eval_every >= 1")
    n_total = nv + (params.W.shape[1] if isinstance(params, RBM) else 0)
    kc, key = jax.random.split(key)
    chains = jnp.where(jax.random.bernoulli(kc, 0.5, (n_total, n_chains)), 1, -1).astype(jnp.int8)
    data_j = jnp.asarray(d, jnp.float32)
    classes = jnp.asarray(coloring.padded(color_classes(params), n_total))
    # linear decay to 0 stabilises the end of PCD training (Tieleman 2008)
    rates = jnp.asarray(lr * (1.0 - np.arange(n_epochs) / n_epochs), jnp.float32)

    def advance(state, done, m):
        params, chains, key = state
        key, sub = jax.random.split(key)
        params, chains = _train(sub, params, chains, classes, data_j, rates[done:done + m], int(k), bool(persistent))
        return (params, chains, key), kl(params, d)

    loop = chunks.run_chunks(advance, (params, chains, key), total=n_epochs, chunk=eval_every, progress=progress)
    return loop.state[0], History(np.concatenate([[0], loop.dones]), np.array([kl(params, d), *loop.records]))


def sample_visible(key, params, n_samples: int, *, n_sweeps: int = 50) -> np.ndarray:
    """Independent visible samples from the model: ``n_samples`` chains, ``n_sweeps`` Gibbs sweeps each."""
    model = to_ising(params)
    n = model.h.shape[0]
    nv = params.W.shape[0] if isinstance(params, RBM) else n
    k0, k1 = jax.random.split(key)
    s0 = jnp.where(jax.random.bernoulli(k0, 0.5, (n_samples, n)), 1.0, -1.0)
    out = gibbs.sample(k1, model, s0, 1.0, n_samples=1, burn_in=n_sweeps, classes=color_classes(params))
    return np.asarray(out[0, :, :nv])
