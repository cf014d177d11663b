"""Boltzmann sampling with diagnostics: chains at one or several inverse temperatures, recorded in chunks, reduced
on the fly to what a user checks (energies, marginals, correlations, state counts) — never the whole trajectory.

``run(key, model, betas, ...)`` runs C chains at every beta by chromatic Gibbs (:func:`circuits.sampling.gibbs.sample`,
all betas in one batch of B x C chains; heat-bath p-bit rule by default, which samples ``exp(-beta E)`` exactly:
Camsari et al., PRX 7, 031014 (2017)). Each chunk of records is reduced to sums; between chunks a ``progress``
callback, a time limit and Ctrl-C act, and what was recorded so far is kept. :func:`report` turns the result into the
estimates with their standard errors (:mod:`circuits.sampling.diagnostics`) and, for n <= 20, the KL divergence to
exact enumeration next to its finite-sample floor (docs/methods.md §3).
"""
from __future__ import annotations

import time
from typing import Callable, NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from circuits.model import ising
from circuits.sampling import coloring, diagnostics, exact, gibbs, rules
from pbits.runtime import memory, prng

CHUNK_BYTES = 32e6  # int8 spins recorded per chunk (B C n bytes a record)
EXACT_SPINS = 20  # state counts (and the exact KL) up to this many spins


class Samples(NamedTuple):
    """What a sampling run kept (numpy; B betas, C chains per beta, T records per chain, n spins, m couplings).

    Attributes:
        betas: (B,) inverse temperatures [1/energy].
        energy: (T, B, C) float64 energy of every record [energy units].
        magnetisation: (T, B, C) float64 ``sum_i s_i / n`` of every record.
        spin_sum: (B, n) sum of s_i over records and chains.
        pair_sum: (B, m) sum of s_i s_j over records and chains, for the couplings ``edges``.
        edges: (m, 2) int64 coupled pairs i < j.
        counts: (B, 2^n) int64 records of each state (n <= 20), else None.
        spins: (B, C, n) int8 final states (a run continues from them).
        sweeps: sweeps per chain after burn-in; burn_in, thin: as run.
        wall_time: seconds; stopped: "done", "time" or "keyboard".
    """

    betas: np.ndarray
    energy: np.ndarray
    magnetisation: np.ndarray
    spin_sum: np.ndarray
    pair_sum: np.ndarray
    edges: np.ndarray
    counts: np.ndarray | None
    spins: np.ndarray
    sweeps: int
    burn_in: int
    thin: int
    wall_time: float
    stopped: str


def edges(model: ising.IsingModel) -> np.ndarray:
    """(m, 2) coupled pairs i < j with ``J_ij != 0`` (either layout)."""
    if ising.is_dense(model):
        i, j = np.nonzero(np.triu(np.asarray(model.J), 1))
        return np.stack([i, j], 1).astype(np.int64)
    nbr, w = np.asarray(model.nbr), np.asarray(model.w)
    i = np.repeat(np.arange(nbr.shape[0]), nbr.shape[1]).reshape(nbr.shape)
    keep = (nbr > i) & (w != 0)
    return np.stack([i[keep], nbr[keep]], 1).astype(np.int64)


def _check(model, betas, n_chains, n_records, thin, burn_in):
    ising.check(model, "boltzmann.run")
    b = np.atleast_1d(np.asarray(betas, np.float64))
    if b.ndim != 1 or b.size == 0 or not np.all(np.isfinite(b)) or np.any(b < 0):
        raise ValueError(f"boltzmann.run: argument 'betas' must be one or more finite betas >= 0 (beta = 1/T), got "
                         f"{np.asarray(betas).tolist()}")
    for name, v, least in (("n_chains", n_chains, 1), ("n_records", n_records, 2), ("thin", thin, 1),
                           ("burn_in", burn_in, 0)):
        if int(v) != v or v < least:
            raise ValueError(f"boltzmann.run: argument '{name}' must be an integer >= {least}, got {v!r}")
    return b


def run(key, model: ising.IsingModel, betas, *, n_chains: int = 32, n_records: int = 2000, thin: int = 1,
        burn_in: int | None = None, update=rules.behavioural, time_limit: float | None = None,
        progress: Callable | None = None) -> Samples:
    """Sample ``exp(-beta E(s))`` at each of ``betas`` with ``n_chains`` chains each.

    Args:
        key: PRNG key or integer seed.
        model: the IsingModel (``E = -1/2 s^T J s - h^T s``).
        betas: one beta or a list [1/energy].
        n_chains: independent chains per beta (random initial states).
        n_records: records per chain; thin: sweeps between records.
        burn_in: sweeps discarded first (default ``n_records * thin // 10``).
        update: p-bit update rule (default the heat bath, exact for sampling).
        time_limit: stop after this many wall seconds [s], keeping the records so far (at least 2).
        progress: ``progress(done, total, None) -> bool | None`` between chunks (True stops).

    Example:
        >>> m = ising.from_dense([[0., 1.], [1., 0.]])
        >>> r = run(0, m, [0.5, 1.0], n_chains=4, n_records=50)
        >>> r.energy.shape, r.counts.shape
        ((50, 2, 4), (2, 4))
    """
    burn_in = n_records * thin // 10 if burn_in is None else burn_in
    b = _check(model, betas, n_chains, n_records, thin, burn_in)
    n = ising.n_spins(model)
    B, C = b.size, int(n_chains)
    memory.check(8.0 * n_records * B * C + 8.0 * B * (n + len(edges(model))), "boltzmann.run",
                 f"{n_records} records of {B} x {C} chains", "n_records or n_chains")
    key, _ = prng.key_and_seed(key)
    kinit, key = jax.random.split(key)
    spins = jnp.where(jax.random.bernoulli(kinit, 0.5, (B * C, n)), 1, -1).astype(jnp.int8)
    beta = jnp.asarray(np.repeat(b, C), jnp.float32)
    classes = coloring.greedy(model)
    pairs = edges(model)
    per = max(1, min(n_records, int(CHUNK_BYTES // max(1, B * C * n))))
    t0 = time.perf_counter()
    energy, mag = np.empty((n_records, B, C)), np.empty((n_records, B, C))
    spin_sum, pair_sum = np.zeros((B, n)), np.zeros((B, len(pairs)))
    counts = np.zeros((B, 2 ** n), np.int64) if n <= EXACT_SPINS else None
    done, stopped = 0, "done"
    try:
        if burn_in:
            spins = gibbs.sample(jax.random.fold_in(key, 0), model, spins, beta, n_samples=1, thin=burn_in,
                                 classes=classes, update=update)[-1]
        chunk = 1
        while done < n_records:
            k = min(per, n_records - done)
            rec = gibbs.sample(jax.random.fold_in(key, chunk), model, spins, beta, n_samples=k, thin=thin,
                               classes=classes, update=update)
            spins, s = rec[-1], np.asarray(rec).reshape(k, B, C, n)
            energy[done:done + k] = ising.energy_exact(model, s)
            mag[done:done + k] = s.mean(-1, dtype=np.float64)
            spin_sum += s.sum((0, 2), dtype=np.float64)
            if len(pairs):
                pair_sum += (s[..., pairs[:, 0]].astype(np.int32) * s[..., pairs[:, 1]]).sum((0, 2))
            if counts is not None:
                idx = exact.state_index(s)  # (k, B, C)
                for j in range(B):
                    counts[j] += np.bincount(idx[:, j].ravel(), minlength=2 ** n)
            done, chunk = done + k, chunk + 1
            if progress is not None and progress(done, n_records, None):
                stopped = "progress"
                break
            if time_limit is not None and time.perf_counter() - t0 > time_limit and done < n_records:
                stopped = "time"
                break
    except KeyboardInterrupt:
        stopped = "keyboard"
    if done < 2:
        raise KeyboardInterrupt if stopped == "keyboard" else ValueError(
            f"boltzmann.run: fewer than 2 records in time_limit = {time_limit} s; raise it or lower n_chains")
    return Samples(b, energy[:done], mag[:done], spin_sum, pair_sum, pairs, counts,
                   np.asarray(spins).reshape(B, C, n), done * thin, int(burn_in), int(thin),
                   time.perf_counter() - t0, stopped)


def report(model: ising.IsingModel, r: Samples) -> list[dict]:
    """Per beta: mean energy with its standard error, tau_int [sweeps], ESS, split R-hat (of the energy, and of the
    magnetisation: chains stuck in one of two ordered states agree on the energy, not on it), marginals
    ``<s_i>``, pair correlations ``<s_i s_j>`` on the couplings, and for n <= 20 ``kl_exact`` (KL of the sampled
    state distribution to the exact Boltzmann one) next to ``kl_floor`` (:func:`kl_floor` at N = the energy's
    effective sample size): samples that follow the Boltzmann law give ``kl_exact`` near ``kl_floor``."""
    n = ising.n_spins(model)
    T, B, C = r.energy.shape
    out = []
    for j, beta in enumerate(r.betas):
        d, dm = diagnostics.summarise(r.energy[:, j, :]), diagnostics.summarise(r.magnetisation[:, j, :])
        row = {"beta": float(beta), "energy": d.mean, "energy_stderr": d.stderr, "energy_per_spin": d.mean / n,
               "energy_std": d.std, "specific_heat_per_spin": float(beta) ** 2 * d.std ** 2 / n,
               "tau_int_sweeps": d.tau_int * r.thin, "ess": d.ess, "rhat": d.rhat,
               "magnetisation": dm.mean, "rhat_magnetisation": dm.rhat, "records": T * C,
               "marginals": (r.spin_sum[j] / (T * C)).tolist(),
               "correlations": (r.pair_sum[j] / (T * C)).tolist() if len(r.edges) else []}
        if r.counts is not None:
            p = exact.boltzmann(model, float(beta))
            row["kl_exact"] = exact.kl(r.counts[j] / r.counts[j].sum(), p)
            row["kl_floor"] = kl_floor(p, max(1, int(round(d.ess))))
        out.append(row)
    return out


def kl_floor(p, n_samples: int, *, draws: int = 5, seed: int = 0) -> float:
    """The KL divergence that ``n_samples`` perfect (independent, exact) samples of ``p`` show, by drawing them:
    the mean of ``KL(empirical || p)`` over ``draws`` multinomial draws (numpy, fixed ``seed``). For N >> K states
    it tends to ``(K - 1) / (2 N)`` (:func:`circuits.sampling.exact.kl_floor`); for N << K, where that formula
    overestimates, it stays exact.

    Example:
        >>> f = kl_floor(np.full(4, 0.25), 10000, draws=400)  # 2N KL ~ chi^2 with 3 dof: mean 3/(2N), sd sqrt(6)/(2N)
        >>> bool(abs(f - 3 / 20000) < 4 * 6**0.5 / 20000 / 400**0.5)
        True
    """
    p = np.asarray(p, np.float64)
    rng = np.random.default_rng(seed)
    return float(np.mean([exact.kl(rng.multinomial(int(n_samples), p / p.sum()) / n_samples, p)
                          for _ in range(draws)]))
