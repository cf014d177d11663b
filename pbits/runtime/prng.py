"""A fast counter-based PRNG for p-bit sweeps and sLLG noise, usable as a ``jax.random`` key implementation.

Gibbs sweeps of large networks and sLLG thermal noise spend much of their time drawing random numbers with
JAX's default threefry2x32 (20 rounds per pair of words). ``FAST`` is a counter-based generator in the same spirit
(output = keyed hash of the element index) with two rounds of Wellons' ``lowbias32``/``triple32``-style
integer hash (multiply-xorshift), about 4x cheaper per number on a CPU. Keys are ordinary typed JAX
keys, so every sampler works unchanged and a run is still reproducible bit for bit from its key:

    key = jax.random.key(seed, impl=pbits.runtime.prng.FAST)

Key data are two uint32 words ``(k0, k1)``; ``bits_i = H(H(i ^ k0) ^ k1)``. ``split`` and ``fold_in``
derive new words by hashing, so streams of different keys are unrelated permutations. It is not a
cryptographic generator; the exact-enumeration and 2D Ising tests run with it as well as with threefry.
Measured speed and the choice are in the repository's BENCHMARKS.md.
"""
from __future__ import annotations

import hashlib

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.extend.random import define_prng_impl

_M1 = np.uint32(0x7FEB352D)
_M2 = np.uint32(0x846CA68B)
_GOLD = np.uint32(0x9E3779B9)


def _hash(x):
    """lowbias32 (C. Wellons, 'Prospecting for hash functions', 2018): an invertible 32-bit mixer."""
    x = x ^ (x >> 16)
    x = x * _M1
    x = x ^ (x >> 15)
    x = x * _M2
    return x ^ (x >> 16)


def _mix(i, k0, k1):
    return _hash(_hash(i ^ k0) + k1)


def _seed(seed):
    s = jnp.asarray(seed).astype(jnp.int64) if jax.config.jax_enable_x64 else jnp.asarray(seed)
    lo = lax.convert_element_type(s, jnp.uint32)
    hi = lax.convert_element_type(s >> 32, jnp.uint32) if s.dtype.itemsize == 8 else jnp.uint32(0)
    return jnp.stack([_hash(lo ^ _GOLD), _hash(hi + _hash(lo + np.uint32(0x632BE5AB)))])


def _split(key, shape):
    n = int(np.prod(shape)) if shape else 1
    i = lax.iota(jnp.uint32, n)
    k0 = _mix(i * np.uint32(2), key[0], key[1])
    k1 = _mix(i * np.uint32(2) + np.uint32(1), key[1], key[0])
    return jnp.stack([k0, k1], -1).reshape(*shape, 2)


def _fold_in(key, data):
    d = lax.convert_element_type(data, jnp.uint32)
    return jnp.stack([_mix(d, key[0], key[1] ^ np.uint32(0x5BD1E995)), _mix(d, key[1], key[0] + _GOLD)])


def _random_bits(key, bit_width, shape):
    n = int(np.prod(shape)) if shape else 1
    if bit_width == 64:
        i = lax.iota(jnp.uint32, 2 * n)
        b = _mix(i, key[0], key[1]).reshape(n, 2).astype(jnp.uint64)
        return ((b[:, 0] << 32) | b[:, 1]).reshape(shape)
    b = _mix(lax.iota(jnp.uint32, n), key[0], key[1])
    dtype = {8: jnp.uint8, 16: jnp.uint16, 32: jnp.uint32}[bit_width]
    if bit_width < 32:
        b = b >> (32 - bit_width)
    return b.astype(dtype).reshape(shape)


FAST = define_prng_impl(key_shape=(2,), seed=_seed, split=_split, random_bits=_random_bits, fold_in=_fold_in,
                        name="pbits_hash32", tag="h32")


def resolve(name: str):
    """The key implementation called ``name`` (``"pbits_hash32"`` or a JAX built-in name)."""
    return FAST if name in ("pbits_hash32", str(FAST)) else name


def seed_words(seed: int) -> tuple[int, int]:
    """``(lo, hi)``: 32-bit words of any Python int seed, distinct for distinct seeds in [-2^63, 2^63).

    Seeds in that range are taken as 64-bit two's complement (so -1, 2^32 - 1 and 2^32 all differ); larger
    magnitudes are folded to 64 bits by a BLAKE2b hash of their digits (a collision has probability 2^-64).

    Example:
        >>> seed_words(1), seed_words(2**32), seed_words(-1)
        ((1, 0), (0, 1), (4294967295, 4294967295))
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"prng: a seed must be an integer, got {seed!r}")
    seed = int(seed)
    if not -2**63 <= seed < 2**63:
        seed = int.from_bytes(hashlib.blake2b(str(seed).encode(), digest_size=8).digest(), "little") - 2**63
    return seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF


def key(seed: int, *, fast: bool = True):
    """A typed key from any integer seed: the fast generator by default, threefry2x32 with ``fast=False``.

    The seed's 64-bit words (:func:`seed_words`) make the key, so seeds 0 and 2^32, or 2^63 and beyond, give
    distinct streams; for 0 <= seed < 2^31 the key equals ``jax.random.key(seed, impl=...)``.

    Example:
        >>> k = key(0)
        >>> jax.random.uniform(k, (3,)).shape
        (3,)
        >>> bool(jnp.any(jax.random.key_data(key(2**32)) != jax.random.key_data(key(0))))
        True
    """
    lo, hi = seed_words(seed)
    if not fast:
        return jax.random.wrap_key_data(jnp.asarray(np.array([hi, lo], np.uint32)), impl="threefry2x32")
    lo, hi = np.uint32(lo), np.uint32(hi)
    with np.errstate(over="ignore"):
        words = np.array([_hash(lo ^ _GOLD), _hash(hi + _hash(lo + np.uint32(0x632BE5AB)))], np.uint32)
    return jax.random.wrap_key_data(jnp.asarray(words), impl=FAST)


def key_and_seed(seed_or_prng):
    """``(key, seed)``: an integer seed gives a key of :data:`FAST` and itself; a key is passed through
    with seed None. The one place where the drivers turn a seed into a key.

    Example:
        >>> k, s = key_and_seed(3)
        >>> s, str(jax.random.key_impl(k)) == str(FAST)
        (3, True)
    """
    if isinstance(seed_or_prng, (int, np.integer)) and not isinstance(seed_or_prng, bool):
        return key(int(seed_or_prng)), int(seed_or_prng)
    if not isinstance(seed_or_prng, (jax.Array, np.ndarray)):
        raise ValueError(f"expected an integer seed or a typed jax.random key, got {type(seed_or_prng).__name__} "
                         f"{seed_or_prng!r:.60}; pass e.g. 0 or jax.random.key(0)")
    return seed_or_prng, None


# --------------------------------------------------------------------------------------------
# Gaussian numbers straight from the hash (sLLG thermal noise)

_SIN = tuple(np.float32(c) for c in (-1 / 6, 1 / 120, -1 / 5040, 1 / 362880))  # Taylor, |x| <= pi/4: error < 3e-9
_COS = tuple(np.float32(c) for c in (-1 / 2, 1 / 24, -1 / 720, 1 / 40320, -1 / 3628800))


def _unit_circle(b):
    """(cos t, sin t) for t uniform on [0, 2 pi) from 32 random bits: 3 bits pick the octant (swap of
    cos/sin and two signs), 29 bits the angle x in [0, pi/4), where short Taylor polynomials are float32-exact."""
    x = (lax.convert_element_type(b >> 3, jnp.int32).astype(jnp.float32) + np.float32(0.5)) * np.float32(
        np.pi / 4 * 2.0**-29)
    x2 = x * x
    s = x + x * x2 * (_SIN[0] + x2 * (_SIN[1] + x2 * (_SIN[2] + x2 * _SIN[3])))
    c = np.float32(1) + x2 * (_COS[0] + x2 * (_COS[1] + x2 * (_COS[2] + x2 * (_COS[3] + x2 * _COS[4]))))
    swap = (b & np.uint32(1)) != 0
    c, s = jnp.where(swap, s, c), jnp.where(swap, c, s)
    return jnp.where((b & np.uint32(2)) != 0, -c, c), jnp.where((b & np.uint32(4)) != 0, -s, s)


def normal_pair(key, shape=(), dtype=jnp.float32):
    """Two independent arrays of standard normals from a :data:`FAST` key, by Box-Muller on the hash words.

    z0 = r cos t, z1 = r sin t with r = sqrt(-2 ln u), u = (b0/2 + 1/2) 2^-31 in (0, 1) from 31 bits of the
    first word and t uniform from the second (G. E. P. Box and M. E. Muller, Ann. Math. Statist. 29, 610
    (1958)). Exact to float32 rounding (|z| up to 6.6). On a CPU 2.5x cheaper than ``jax.random.normal``
    (inverse error function) with the same key, 6x cheaper than threefry normals; like every draw here a
    function of the element index only, so it partitions across devices bit for bit. Computed in float32
    and cast to ``dtype``.

    Example:
        >>> z0, z1 = normal_pair(key(0), (100_000,))
        >>> round(float(z0.std()), 2), abs(float(z1.mean())) < 0.01
        (1.0, True)
    """
    k0, k1 = jax.random.split(key)
    b0 = jax.random.bits(k0, shape, jnp.uint32)
    b1 = jax.random.bits(k1, shape, jnp.uint32)
    u = (lax.convert_element_type(b0 >> 1, jnp.int32).astype(jnp.float32) + np.float32(0.5)) * np.float32(2.0**-31)
    r = jnp.sqrt(np.float32(-2) * jnp.log(u))
    c, s = _unit_circle(b1)
    return (r * c).astype(dtype), (r * s).astype(dtype)
