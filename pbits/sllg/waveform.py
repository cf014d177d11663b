"""Current waveforms and initial states for the sLLG driver (components-first arrays).

A :class:`Waveform` is data, not a function, so a new waveform of the same shape does not recompile the
driver; levels may be per magnet, which gives every magnet its own current history (device-to-device
variation, pulse sweeps; docs/physics.md §3.3).
"""
from __future__ import annotations

from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from jax.typing import ArrayLike


class Waveform(NamedTuple):
    """Piecewise-constant current: ``levels[k]`` flows until ``t_end[k]`` (the last level persists)."""

    levels: ArrayLike  # currents, shape (K,) or (K, N) [A]
    t_end: ArrayLike  # end time of each segment, shape (K,) [s] (use inf for the last)


def initial(n: int, direction: ArrayLike = (0.0, 0.0, 1.0), dtype=jnp.float32):
    """N magnets pointing along ``direction``, shape (3, n).

    Example:
        >>> initial(4, (0, 1, 0)).shape
        (3, 4)
    """
    d = np.asarray(direction, dtype=float)
    norm = np.sqrt(np.sum(d * d))
    if norm == 0 or not np.isfinite(norm):
        raise ValueError(f"sllg.initial: direction must be a finite non-zero vector, got {direction!r}")
    return jnp.broadcast_to(jnp.asarray(d / norm, dtype=dtype)[:, None], (3, n))


def constant(current: ArrayLike) -> Waveform:
    """A constant current [A], () or (N,), as a :class:`Waveform`.

    Example:
        >>> constant(1e-6).levels.shape
        (1,)
    """
    return Waveform(jnp.asarray(current)[None], jnp.array([np.inf]))


def pulses(levels: ArrayLike, durations: ArrayLike) -> Waveform:
    """Consecutive constant segments: ``levels[k]`` [A] for ``durations[k]`` [s]; the last level persists.

    Example:
        >>> w = pulses([1e-3, 0.0], [1e-9, 2e-9])
        >>> [round(float(x) * 1e9, 6) for x in w.t_end]
        [1.0, 3.0]
    """
    d = np.asarray(durations, dtype=float)
    if d.ndim != 1 or np.any(~np.isfinite(d)) or np.any(d < 0):
        raise ValueError(f"sllg.pulses: durations must be a 1-D array of finite times >= 0 s, got {durations!r}")
    lv = jnp.asarray(levels)
    if lv.shape[:1] != d.shape:
        raise ValueError(f"sllg.pulses: levels must have shape (K,) or (K, N) with K = len(durations) = {d.size}, "
                         f"got shape {lv.shape}")
    return Waveform(lv, np.cumsum(d))
