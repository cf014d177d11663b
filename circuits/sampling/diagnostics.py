"""Can these samples be trusted? Integrated autocorrelation time, effective sample size, the Monte Carlo
standard error and the split-chain potential scale reduction, for traces of R chains (docs/methods.md §3).

A trace is a (T, R) array: T records (one per sweep, or per ``thin`` sweeps) of R independent chains. Times are
in records. The estimators are the standard ones of Markov-chain Monte Carlo:

* ``tau_int = 1/2 + sum_{t >= 1} rho(t)``, summed up to Sokal's self-consistent window ``W >= c tau_int(W)``
  (c = 6; A. D. Sokal, "Monte Carlo methods in statistical mechanics", Cargèse lectures 1996), with ``rho`` the
  autocorrelation averaged over chains about the pooled mean;
* ``ESS = T R / (2 tau_int)`` independent samples, and the standard error of the mean
  ``sigma / sqrt(ESS)`` (Madras & Sokal, J. Stat. Phys. 50, 109 (1988));
* split R-hat (Gelman et al., Bayesian Data Analysis, 3rd ed., §11.4): each chain cut in two halves; values
  near 1 (below ~1.01-1.05) say the chains agree, larger ones that they have not mixed.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

WINDOW = 6.0  # Sokal's window constant c


class Diagnostics(NamedTuple):
    """Summary of one observable's trace over R chains."""

    mean: float  # mean over all records and chains
    stderr: float  # Monte Carlo standard error of ``mean`` (with the autocorrelation)
    std: float  # standard deviation of the observable
    tau_int: float  # integrated autocorrelation time [records]
    ess: float  # effective number of independent samples
    rhat: float  # split-chain potential scale reduction (nan with fewer than 4 records per chain)


def _trace(x, where: str) -> np.ndarray:
    x = np.asarray(x, np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"{where}: expected a (T, R) trace with T >= 2 records, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{where}: the trace holds NaN or infinite values")
    return x


def autocorrelation(x) -> np.ndarray:
    """rho(t), t = 0..T-1, of a (T, R) trace about its pooled mean, averaged over chains (FFT, zero padded).

    Example:
        >>> float(autocorrelation(np.random.default_rng(0).normal(size=(1000, 4)))[0])
        1.0
    """
    x = _trace(x, "diagnostics.autocorrelation")
    t = x.shape[0]
    d = x - x.mean()
    f = np.fft.rfft(d, n=2 * t, axis=0)
    c = np.fft.irfft(f * np.conj(f), axis=0)[:t].mean(axis=1) / np.arange(t, 0, -1)
    return c / c[0] if c[0] > 0 else np.where(np.arange(t) == 0, 1.0, 0.0)


def integrated_time(x, *, window: float = WINDOW) -> float:
    """``tau_int`` of a (T, R) trace in records, Sokal's adaptive window (0.5 for independent records).

    Example:
        >>> rng = np.random.default_rng(1); x = np.zeros((20000, 8))
        >>> for k in range(1, 20000): x[k] = 0.8 * x[k - 1] + rng.normal(size=8)
        >>> round(integrated_time(x), 1)  # (1 + 0.8) / (2 (1 - 0.8)) = 4.5
        4.5
    """
    rho = autocorrelation(x)
    tau = 0.5
    for w in range(1, rho.size):
        tau += rho[w]
        if w >= window * tau:
            break
    return float(max(tau, 0.5))


def split_rhat(x) -> float:
    """Split R-hat of a (T, R) trace: the chains' halves as 2R chains; nan below 4 records."""
    x = _trace(x, "diagnostics.split_rhat")
    h = x.shape[0] // 2
    if h < 2:
        return float("nan")
    parts = np.concatenate([x[:h], x[h:2 * h]], axis=1)
    w = parts.var(axis=0, ddof=1).mean()
    b = h * parts.mean(axis=0).var(ddof=1)
    if w <= 0:
        return 1.0 if b <= 0 else float("inf")
    return float(np.sqrt(((h - 1) / h * w + b / h) / w))


def summarise(x) -> Diagnostics:
    """:class:`Diagnostics` of a (T, R) trace (or a (T,) trace of one chain).

    Example:
        >>> d = summarise(np.random.default_rng(2).normal(size=(4000, 4)))
        >>> round(d.tau_int, 1), bool(abs(d.mean) < 3 * d.stderr), bool(d.rhat < 1.01)
        (0.5, True, True)
    """
    x = _trace(x, "diagnostics.summarise")
    tau = integrated_time(x)
    n = x.size
    ess = n / (2.0 * tau)
    std = float(x.std(ddof=1)) if n > 1 else 0.0
    return Diagnostics(float(x.mean()), std / np.sqrt(ess), std, tau, float(ess), split_rhat(x))
