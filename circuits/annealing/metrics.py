"""Time-to-solution metrics of annealing runs: residual energy, success probability with a Wilson interval,
TTS99 (docs/methods.md §4; Ronnow et al., Science 345, 420 (2014)).
"""
from __future__ import annotations

import math

import jax.numpy as jnp


def residual_energy(energy, e_ground: float):
    """``rho = (<E> - E_gs) / |E_gs|`` (relative residual energy)."""
    return (jnp.mean(jnp.asarray(energy)) - e_ground) / abs(e_ground)


def success_probability(successes: int, runs: int, z: float = 1.96):
    """``(p_hat, lo, hi)``: success fraction with a Wilson score interval.

    Example:
        >>> [round(x, 3) for x in success_probability(5, 10)]
        [0.5, 0.237, 0.763]
    """
    if runs <= 0:
        raise ValueError(f"metrics.success_probability: argument 'runs' must be positive, got {runs}")
    p = successes / runs
    den = 1 + z * z / runs
    c = (p + z * z / (2 * runs)) / den
    half = z * math.sqrt(p * (1 - p) / runs + z * z / (4 * runs * runs)) / den
    return p, max(0.0, c - half), min(1.0, c + half)


def tts99(t_run: float, p_success: float, target: float = 0.99) -> float:
    """Time to solution with 99 % confidence, ``t_run ln(1 - 0.99) / ln(1 - p_s)`` (Ronnow et al. 2014).

    Equals ``t_run`` when ``p_s >= 0.99`` and is infinite when ``p_s = 0``.

    Example:
        >>> round(tts99(1.0, 0.5), 3)
        6.644
    """
    if p_success >= target:
        return float(t_run)
    if p_success <= 0:
        return math.inf
    return float(t_run * math.log(1 - target) / math.log(1 - p_success))
