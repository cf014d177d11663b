"""Boltzmann sampling with diagnostics: chains at one or several inverse temperatures, recorded in chunks, reduced
on the fly to what a user checks (energies, marginals, correlations, state counts) — never the whole trajectory.

``run(key, model, betas, ...)`` runs C chains at every beta by chromatic Gibbs, all betas in one batch of B x C chains
(one compiled chunk program, :mod:`circuits.sampling.chains`; heat-bath p-bit rule by default, which samples
``exp(-beta E)`` exactly: Camsari et al., PRX 7, 031014 (2017)). The model is an Ising model or a higher-order one
(:class:`circuits.model.hubo.Hubo`, colour classes of its factor hypergraph: :mod:`circuits.sampling.higher`);
``tempering=True`` adds replica exchange between neighbouring betas (parallel tempering). Each chunk of records is reduced to sums; between chunks a ``progress``
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

from circuits.model import hubo, ising
from circuits.sampling import chains, diagnostics, exact, higher, rules
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
        swap_acceptance: (B-1,) accepted / attempted replica exchanges between betas j and j+1 after burn-in
            (tempering), else None.
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
    swap_acceptance: np.ndarray | None = None


def edges(model: ising.IsingModel) -> np.ndarray:
    """(m, 2) coupled pairs i < j with ``J_ij != 0`` (either layout)."""
    if ising.is_dense(model):
        i, j = np.nonzero(np.triu(np.asarray(model.J), 1))
        return np.stack([i, j], 1).astype(np.int64)
    nbr, w = np.asarray(model.nbr), np.asarray(model.w)
    i = np.repeat(np.arange(nbr.shape[0]), nbr.shape[1]).reshape(nbr.shape)
    keep = (nbr > i) & (w != 0)
    return np.stack([i[keep], nbr[keep]], 1).astype(np.int64)


def _check(model, betas, n_chains, n_records, thin, burn_in, tempering):
    if isinstance(model, hubo.Hubo):
        hubo.check(model, "boltzmann.run")
    else:
        ising.check(model, "boltzmann.run")
    b = np.atleast_1d(np.asarray(betas, np.float64))
    if b.ndim != 1 or b.size == 0 or not np.all(np.isfinite(b)) or np.any(b < 0):
        raise ValueError(f"boltzmann.run: argument 'betas' must be one or more finite betas >= 0 (beta = 1/T), got "
                         f"{np.asarray(betas).tolist()}")
    if tempering and (b.size < 2 or np.any(np.diff(b) <= 0)):
        raise ValueError(f"boltzmann.run: with tempering the betas are the ladder and must be >= 2 increasing values "
                         f"(e.g. 0.2 0.4 0.8), got {b.tolist()}; sort them, drop repeats, or leave tempering out")
    for name, v, least in (("n_chains", n_chains, 1), ("n_records", n_records, 2), ("thin", thin, 1),
                           ("burn_in", burn_in, 0)):
        if int(v) != v or v < least:
            raise ValueError(f"boltzmann.run: argument '{name}' must be an integer >= {least}, got {v!r}")
    return b


def n_spins(model) -> int:
    """Spins of an IsingModel or a Hubo."""
    return hubo.n_spins(model) if isinstance(model, hubo.Hubo) else ising.n_spins(model)


def couplings(model) -> np.ndarray:
    """(m, 2) pairs i < j whose correlations are reported: the couplings of an IsingModel (:func:`edges`), the
    pairs that share a term of a Hubo (:func:`circuits.sampling.higher.primal_edges`)."""
    return higher.primal_edges(model) if isinstance(model, hubo.Hubo) else edges(model)


def energy_exact(model, spins) -> np.ndarray:
    """float64 energies of (..., n) +/-1 spins of an IsingModel or a Hubo (its offset included)."""
    return (hubo.energy_exact if isinstance(model, hubo.Hubo) else ising.energy_exact)(model, spins)


def run(key, model, betas, *, n_chains: int = 32, n_records: int = 2000, thin: int = 1,
        burn_in: int | None = None, update=rules.behavioural, tempering: bool = False,
        time_limit: float | None = None, progress: Callable | None = None) -> Samples:
    """Sample ``exp(-beta E(s))`` at each of ``betas`` with ``n_chains`` chains each.

    Args:
        key: PRNG key or integer seed.
        model: an IsingModel (``E = -1/2 s^T J s - h^T s``) or a :class:`circuits.model.hubo.Hubo` (terms of any
            order, sampled by :mod:`circuits.sampling.higher`'s chromatic Gibbs of the factor hypergraph).
        betas: one beta or a list [1/energy]; with ``tempering`` >= 2 increasing ones, the ladder.
        n_chains: independent chains per beta (random initial states).
        n_records: records per chain; thin: sweeps between records.
        burn_in: sweeps discarded first (default ``n_records * thin // 10``).
        update: p-bit update rule (default the heat bath, exact for sampling).
        tempering: after every sweep, propose replica exchanges between neighbouring betas
            (:mod:`circuits.sampling.chains`); each beta's records stay Boltzmann at that beta, and chains cross
            the barriers of hard (glassy, ordered) models through the hot end of the ladder.
        time_limit: stop after this many wall seconds [s], keeping the records so far (at least 2).
        progress: ``progress(done, total, None) -> bool | None`` between chunks (True stops).

    Example:
        >>> m = ising.from_dense([[0., 1.], [1., 0.]])
        >>> r = run(0, m, [0.5, 1.0], n_chains=4, n_records=50, tempering=True)
        >>> r.energy.shape, r.counts.shape, r.swap_acceptance.shape
        ((50, 2, 4), (2, 4), (1,))
    """
    burn_in = n_records * thin // 10 if burn_in is None else burn_in
    b = _check(model, betas, n_chains, n_records, thin, burn_in, tempering)
    n, pairs = n_spins(model), couplings(model)
    B, C = b.size, int(n_chains)
    memory.check(8.0 * n_records * B * C + 8.0 * B * (n + len(pairs)), "boltzmann.run",
                 f"{n_records} records of {B} x {C} chains", "n_records or n_chains")
    rules.check(update, n, "boltzmann.run")
    key, _ = prng.key_and_seed(key)
    kinit, key = jax.random.split(key)
    state = chains.init(kinit, n, B, C)
    sweep, energy_fn, classes = chains.kernels(model)
    per = max(1, min(n_records, int(CHUNK_BYTES // max(1, B * C * n))))

    def advance(state, t0, k, th):
        return chains.chunk(key, model, classes, state, jnp.asarray(b, jnp.float32), rules.as_rule(update),
                            jnp.int32(t0), jnp.int32(k), jnp.int32(th), sweep=sweep, energy=energy_fn, size=per,
                            tempering=bool(tempering))

    t0 = time.perf_counter()
    energy, mag = np.empty((n_records, B, C)), np.empty((n_records, B, C))
    spin_sum, pair_sum = np.zeros((B, n)), np.zeros((B, len(pairs)))
    counts = np.zeros((B, 2 ** n), np.int64) if n <= EXACT_SPINS else None
    done, stopped = 0, "done"
    try:
        if burn_in:  # the same program as the records: one record of burn_in sweeps, then the counters restart
            state = advance(state, 0, 1, burn_in)[0]
            state = state._replace(accepted=jnp.zeros_like(state.accepted), attempted=jnp.zeros_like(state.attempted))
        while done < n_records:
            k = min(per, n_records - done)
            state, rec = advance(state, burn_in + done * thin, k, thin)
            s = np.asarray(rec)[:k].reshape(k, B, C, n)
            energy[done:done + k] = energy_exact(model, s)
            mag[done:done + k] = s.mean(-1, dtype=np.float64)
            spin_sum += s.sum((0, 2), dtype=np.float64)
            if len(pairs):
                pair_sum += (s[..., pairs[:, 0]].astype(np.int32) * s[..., pairs[:, 1]]).sum((0, 2))
            if counts is not None:
                idx = exact.state_index(s)  # (k, B, C)
                for j in range(B):
                    counts[j] += np.bincount(idx[:, j].ravel(), minlength=2 ** n)
            done += k
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
                   np.asarray(state.spins).T.reshape(B, C, n), done * thin, int(burn_in), int(thin),
                   time.perf_counter() - t0, stopped, chains.acceptance(state) if tempering else None)


def report(model, r: Samples) -> list[dict]:
    """Per beta: mean energy with its standard error, tau_int [sweeps], ESS, split R-hat (of the energy, and of the
    magnetisation: chains stuck in one of two ordered states agree on the energy, not on it), marginals
    ``<s_i>``, pair correlations ``<s_i s_j>`` on the couplings, and for n <= 20 ``kl_exact`` (KL of the sampled
    state distribution to the exact Boltzmann one) next to ``kl_floor`` (:func:`kl_floor` at N = the energy's
    effective sample size): samples that follow the Boltzmann law give ``kl_exact`` near ``kl_floor``. For a
    Hubo the correlations are on the pairs that share a term and the energies include its offset; after tempering
    every beta but the last has ``swap_acceptance``, the exchange rate with the next beta."""
    n = n_spins(model)
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
        if r.swap_acceptance is not None and j < B - 1:
            row["swap_acceptance"] = float(r.swap_acceptance[j])  # with the next beta
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
