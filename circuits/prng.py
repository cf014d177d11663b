"""The fast counter-based PRNG used by the samplers: re-exported from :mod:`pbits.prng`.

One implementation serves both layers (circuits imports pbits, never the reverse), so a key made here
and a key made by ``pbits.prng.key`` are the same key type. See :mod:`pbits.prng` for the generator
(two rounds of Wellons' lowbias32 hash over the element index) and BENCHMARKS.md for its speed.

Example:
    >>> import jax
    >>> jax.random.uniform(key(0), (3,)).shape
    (3,)
"""
from pbits.prng import FAST, key, normal_pair, resolve  # noqa: F401

__all__ = ["FAST", "key", "normal_pair", "resolve"]
