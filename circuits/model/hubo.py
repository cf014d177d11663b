"""Higher-order spin models (HUBO) over s in {-1, +1}^n, any order (docs/methods.md §1):

    E(s) = offset + sum_i c_i s_i + sum_{i<j} c_ij s_i s_j + sum_{i<j<k} c_ijk s_i s_j s_k + ...

A :class:`Hubo` keeps the terms of order >= 2 in one padded table (``terms``, one row per term, padded with the
out-of-range index n, which reads as a spin fixed at +1) and, for fast local fields, the same terms seen from each
spin (``others``: the other spins of every term that contains spin i, padded alike). The local field is the
p-bit's input with the sign of :func:`circuits.model.ising.local_field`:

    E(s) = -s_i I_i(s_{-i}) + (terms without s_i),    I_i = -dE/ds_i,    flipping s_i costs dE_i = 2 s_i I_i,

so a model built by :func:`from_ising` has the Ising model's fields. Binary polynomials over x in {0, 1} (HUBO in
the usual sense) are expanded exactly with x = (1 + s)/2 (:func:`from_binary`), as a QUBO is in
:mod:`circuits.model.qubo`. Builders validate in Python (indices, repeats, shapes, NaN) and raise errors by name;
the compute functions trust the model inside ``jit``. The plain-text problem format is :func:`read` / :func:`write`
(docs/formats.md).

Higher-order p-bit networks are those of the factoring and 3-XORSAT machines: Borders et al., Nature 573, 390
(2019); Nikhar et al., Nat. Commun. 15, 8977 (2024).
"""
from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import NamedTuple

import jax.numpy as jnp
import numpy as np
from jax import Array

from circuits.model import ising, textfile
from pbits.runtime import memory


class Hubo(NamedTuple):
    """A polynomial spin model (a pytree), energies in the units of its coefficients.

    Attributes:
        offset: () float32 constant.
        linear: (n,) float32 coefficients ``c_i`` of the 1-body terms.
        terms: (m, K) int32 spins of each term of order 2..K, ascending, padded with n (reads as +1).
        coef: (m,) float32 coefficient ``c_T`` of each term.
        others: (n, d, K-1) int32: row i lists, for each of the (at most d) terms containing spin i, its other spins
            (padded with n; unused slots all n).
        weight: (n, d) float32: the coefficients of those terms (0 in unused slots).
    """

    offset: Array
    linear: Array
    terms: Array
    coef: Array
    others: Array
    weight: Array


def n_spins(model: Hubo) -> int:
    """Number of spins n."""
    return int(model.linear.shape[-1])


def order(model: Hubo) -> int:
    """Highest order of a non-zero term (0 for a constant model)."""
    n = n_spins(model)
    if model.terms.shape[0]:
        return int(np.max(np.sum(np.asarray(model.terms) < n, 1)))
    return int(np.any(np.asarray(model.linear) != 0))


# ----------------------------------------------------------------------------------------- builders
def _index(key, where: str) -> tuple:
    """A term's key as a tuple of Python ints, or a ValueError naming it."""
    idx = (key,) if isinstance(key, (int, np.integer)) else tuple(key) if isinstance(key, (tuple, list)) else None
    if idx is None or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in idx):
        raise ValueError(f"{where}: term {key!r}: a term is a tuple of integer indices (i, j, ...), got {key!r}")
    idx = tuple(int(v) for v in idx)
    if len(set(idx)) != len(idx):
        dup = next(v for v in idx if idx.count(v) > 1)
        raise ValueError(f"{where}: term {key!r} repeats the index {dup}; a variable appears at most once in a term "
                         "(s_i^2 = 1 and x_i^2 = x_i: reduce the term first)")
    if idx and min(idx) < 0:
        raise ValueError(f"{where}: term {key!r} has a negative index {min(idx)}; indices are 0-based")
    return tuple(sorted(idx))


def _coefficient(c, what: str, where: str) -> float:
    try:
        v = float(c)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: {what} must be a real number, got {c!r}") from None
    if not np.isfinite(v):
        raise ValueError(f"{where}: {what} is {v}; replace NaN/inf by a finite number")
    return v


def _parse(terms, n, offset, where: str) -> tuple[int, dict]:
    """``(n, {sorted index tuple: coefficient})`` (float64, repeated terms added, the constant under ``()``)."""
    if not isinstance(terms, dict):
        raise ValueError(f"{where}: argument 'terms' must be a dict {{(i, j, ...): coefficient}}, got "
                         f"{type(terms).__name__}")
    poly = {(): _coefficient(offset, "argument 'offset'", where)}
    for key, c in terms.items():
        idx = _index(key, where)
        poly[idx] = poly.get(idx, 0.0) + _coefficient(c, f"the coefficient of term {key!r}", where)
    top = max((max(t) for t in poly if t), default=-1)
    if n is None:
        n = top + 1
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"{where}: argument 'n' must be a positive integer, got {n!r}")
    if top >= n:
        key = next(t for t in poly if t and max(t) == top)
        raise ValueError(f"{where}: term {key} has the index {top}, outside 0..{int(n) - 1}; pass n > {top}")
    return int(n), poly


def _assemble(n: int, poly: dict) -> Hubo:
    """The :class:`Hubo` of a validated polynomial ``{sorted index tuple: coefficient}`` (zeros dropped)."""
    linear = np.zeros(n)
    high = [(t, c) for t, c in sorted(poly.items(), key=lambda tc: (len(tc[0]), tc[0])) if len(t) >= 2 and c != 0]
    for t, c in poly.items():
        if len(t) == 1:
            linear[t[0]] += c
    K = max((len(t) for t, _ in high), default=2)
    terms = np.full((len(high), K), n, np.int64)
    for r, (t, _) in enumerate(high):
        terms[r, :len(t)] = t
    coef = np.array([c for _, c in high], np.float64)
    # incidence: (spin, other spins, coefficient) for every member of every term
    owner = np.concatenate([terms[:, p] for p in range(K)])
    rest = np.concatenate([np.delete(terms, p, 1) for p in range(K)])
    w = np.tile(coef, K)
    keep = owner < n
    owner, rest, w = owner[keep], rest[keep], w[keep]
    by = np.argsort(owner, kind="stable")
    owner, rest, w = owner[by], rest[by], w[by]
    deg = np.bincount(owner, minlength=n)
    d = max(int(deg.max(initial=0)), 1)
    # the incidence rows are padded to the busiest spin: n x d slots of K - 1 indices and a weight
    memory.check(n * d * (4.0 * K + 8.0), "hubo", f"{n} spins in up to {d} terms each, of order <= {K}",
                 "the terms of the busiest spin (split it into copies)")
    slot = np.arange(len(owner)) - np.concatenate([[0], np.cumsum(deg)[:-1]])[owner]
    others = np.full((n, d, K - 1), n, np.int32)
    weight = np.zeros((n, d))
    others[owner, slot] = rest
    weight[owner, slot] = w
    return Hubo(jnp.float32(poly.get((), 0.0)), jnp.asarray(linear, jnp.float32), jnp.asarray(terms, jnp.int32),
                jnp.asarray(coef, jnp.float32), jnp.asarray(others), jnp.asarray(weight, jnp.float32))


def from_dict(terms: dict, n: int | None = None, *, offset: float = 0.0) -> Hubo:
    """Build a model from ``{(i, j, ...): c}`` over spins: ``E(s) = offset + sum_T c_T prod_{i in T} s_i``.

    Args:
        terms: 0-based index tuples (any order; an int is a 1-body term, ``()`` the constant) -> coefficients.
            Keys naming the same set of spins add.
        n: number of spins (default: 1 + the largest index).
        offset: constant added to the energy.

    Returns:
        The :class:`Hubo`.

    Raises:
        ValueError: for a repeated index in one term, a negative or out-of-range index, or a NaN coefficient.

    Example:
        >>> m = from_dict({(0, 1, 2): -1.0, (2,): 0.5})
        >>> float(energy(m, jnp.array([1., 1., 1.]))), order(m)
        (-0.5, 3)
    """
    return _assemble(*_parse(terms, n, offset, "hubo.from_dict"))


def _subsets(t: tuple):
    return (s for r in range(len(t) + 1) for s in combinations(t, r))


def from_binary(terms: dict, n: int | None = None, *, offset: float = 0.0) -> Hubo:
    """Build the spin model of a binary polynomial ``P(x) = offset + sum_T c_T prod_{i in T} x_i``, x in {0, 1}^n.

    With ``x_i = (1 + s_i)/2``, ``prod_{i in T} x_i = 2^-|T| sum_{S subset T} prod_{i in S} s_i`` exactly, so
    ``energy(model, s) = P((1 + s)/2)`` on every state (the constant included).

    Args, Raises: as :func:`from_dict`, for bits.

    Example:
        >>> m = from_binary({(0, 1): 4.0}, offset=1.0)        # 1 + 4 x0 x1
        >>> energy_exact(m, [[1, 1], [1, -1]]).tolist()
        [5.0, 1.0]
    """
    n, poly = _parse(terms, n, offset, "hubo.from_binary")
    spin: dict = {}
    for t, c in poly.items():
        for s in _subsets(t):
            spin[s] = spin.get(s, 0.0) + c / 2.0 ** len(t)
    return _assemble(n, spin)


def from_ising(model: ising.IsingModel, offset: float = 0.0) -> Hubo:
    """The model of ``E(s) = -1/2 s^T J s - h^T s + offset``: ``c_i = -h_i``, ``c_ij = -J_ij`` (i < j).

    Example:
        >>> m = ising.from_dense([[0., 2.], [2., 0.]], [1., 0.])
        >>> as_dict(from_ising(m))
        {(): 0.0, (0,): -1.0, (0, 1): -2.0}
    """
    ising.check(model, "hubo.from_ising")
    if ising.is_dense(model):
        J = np.asarray(model.J, np.float64)
        i, j = np.nonzero(np.triu(J, 1))
        v = J[i, j]
    else:  # the neighbour lists, without an n x n matrix (G81: 20000 spins)
        w = np.asarray(model.w, np.float64)
        i, k = np.nonzero(w)
        j, v = np.asarray(model.nbr)[i, k], w[i, k]
        i, j, v = i[i < j], j[i < j], v[i < j]
    poly = {(int(a),): -float(c) for a, c in enumerate(np.asarray(model.h, np.float64)) if c != 0}
    poly.update({(int(a), int(b)): -float(c) for a, b, c in zip(i, j, v)})
    return from_dict(poly, ising.n_spins(model), offset=offset)


def as_dict(model: Hubo) -> dict:
    """``{(): offset, (i,): c_i, (i, j, ...): c_T}`` (float64 of the stored float32; zero 1-body terms omitted)."""
    n = n_spins(model)
    out = {(): float(model.offset)}
    out.update({(i,): float(c) for i, c in enumerate(np.asarray(model.linear)) if c != 0})
    for row, c in zip(np.asarray(model.terms), np.asarray(model.coef)):
        out[tuple(int(v) for v in row if v < n)] = float(c)
    return out


def to_binary(model: Hubo) -> dict:
    """The binary polynomial ``{(): constant, (i, ...): c}`` of the model, with ``s_i = 2 x_i - 1``
    (``prod_{i in T} s_i = sum_{S subset T} 2^|S| (-1)^(|T| - |S|) prod_{i in S} x_i``); inverse of :func:`from_binary`.

    Example:
        >>> to_binary(from_binary({(0, 1): 4.0}, offset=1.0))
        {(): 1.0, (0, 1): 4.0}
    """
    out: dict = {}
    for t, c in as_dict(model).items():
        for s in _subsets(t):
            out[s] = out.get(s, 0.0) + c * 2.0 ** len(s) * (-1.0) ** (len(t) - len(s))
    return {t: c for t, c in sorted(out.items(), key=lambda tc: (len(tc[0]), tc[0])) if c != 0 or t == ()}


def to_ising(model: Hubo, *, layout: str = "sparse") -> tuple[ising.IsingModel, float]:
    """``(IsingModel, offset)`` with ``E_hubo(s) = E_ising(s) + offset`` for a model of order <= 2.

    Example:
        >>> m, c = to_ising(from_dict({(0, 1): -2.0, (1,): 1.0}, offset=3.0))
        >>> float(ising.energy(m, jnp.array([1., 1.]))) + c
        2.0
    """
    if order(model) > 2:
        raise ValueError(f"hubo.to_ising: the model has terms of order {order(model)}; an Ising model holds order <= 2 "
                         "only: sample it with circuits.sampling.higher or circuits.annealing.higher_order")
    n = n_spins(model)
    t, c = np.asarray(model.terms), np.asarray(model.coef, np.float64)
    return ising.from_edges(n, t[:, :2], -c, -np.asarray(model.linear, np.float64), layout=layout), float(model.offset)


# -------------------------------------------------------------------------------------- observables
def _padded(xp, model: Hubo, spins, where: str):
    """Spins (..., n) with a trailing +1 at index n (what the padding reads)."""
    s = xp.asarray(spins, xp.float32 if xp is jnp else np.float64)
    if s.ndim < 1 or s.shape[-1] != n_spins(model):
        raise ValueError(f"{where}: argument 'spins' must have shape (..., {n_spins(model)}), got {s.shape}")
    return xp.concatenate([s, xp.ones(s.shape[:-1] + (1,), s.dtype)], -1)


def energy(model: Hubo, spins) -> Array:
    """``E(s)`` of (..., n) +/-1 spins: (...,) float32 (traceable).

    Example:
        >>> float(energy(from_dict({(0, 1, 2, 3): 2.0}, offset=1.0), -jnp.ones(4)))
        3.0
    """
    s = _padded(jnp, model, spins, "hubo.energy")
    return model.offset + s[..., :-1] @ model.linear + jnp.prod(s[..., model.terms], -1) @ model.coef


def energy_exact(model: Hubo, spins) -> np.ndarray:
    """``E(s)`` in float64 numpy (no compilation), for (..., n) +/-1 spins.

    Example:
        >>> energy_exact(from_dict({(0, 1): 1.0, (0, 1, 2): -0.5}), [[1, 1, 1], [1, -1, -1]]).tolist()
        [0.5, -1.5]
    """
    s = _padded(np, model, spins, "hubo.energy_exact")
    t, c = np.asarray(model.terms), np.asarray(model.coef, np.float64)
    return float(model.offset) + s[..., :-1] @ np.asarray(model.linear, np.float64) + np.prod(s[..., t], -1) @ c


def local_field(model: Hubo, spins) -> Array:
    """The p-bit inputs ``I_i = -dE/ds_i = -(c_i + sum_{T containing i} c_T prod_{j in T, j != i} s_j)``, (..., n).

    ``E = -s_i I_i + (terms without s_i)``, so flipping spin i changes the energy by ``2 s_i I_i``.

    Example:
        >>> local_field(from_dict({(0, 1, 2): 1.0, (0,): 0.5}), jnp.array([1., -1., 1.])).tolist()
        [0.5, -1.0, 1.0]
    """
    s = _padded(jnp, model, spins, "hubo.local_field")
    return -(model.linear + jnp.sum(model.weight * jnp.prod(s[..., model.others], -1), -1))


def check(model: Hubo, where: str = "hubo.check") -> Hubo:
    """The model, if it is a :class:`Hubo` with consistent shapes and finite coefficients, else a ValueError (once,
    when a run starts; never inside jit).

    Example:
        >>> check(from_dict({(0, 1, 2): 1.0})._replace(coef=jnp.array([jnp.nan])))
        Traceback (most recent call last):
        ...
        ValueError: hubo.check: the model has NaN/inf coefficients; build it with hubo.from_dict
    """
    if not isinstance(model, Hubo):
        raise ValueError(f"{where}: expected a hubo.Hubo, got {type(model).__name__}; build one with hubo.from_dict, "
                         "from_binary, from_ising or read")
    n, (m, K) = n_spins(model), np.shape(model.terms)
    shapes = (np.shape(model.linear), np.shape(model.coef), np.shape(model.others)[::2], np.shape(model.weight)[:1])
    if shapes != ((n,), (m,), (n, K - 1), (n,)) or np.ndim(model.offset):
        raise ValueError(f"{where}: the model's arrays have inconsistent shapes; build it with hubo.from_dict")
    if not all(np.all(np.isfinite(np.asarray(a))) for a in (model.offset, model.linear, model.coef, model.weight)):
        raise ValueError(f"{where}: the model has NaN/inf coefficients; build it with hubo.from_dict")
    return model


# ------------------------------------------------------------------------------------- file format
HEADER = "'spin n m [offset]' or 'binary n m [offset]'"


def write(path, model: Hubo, *, vartype: str = "spin") -> None:
    """Write the plain-text problem file of docs/formats.md: header ``spin|binary n m offset``, then m lines
    ``i [j [k ...]] c`` with 0-based indices (``vartype="binary"`` writes the polynomial over x = (1 + s)/2).

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "p.txt")
        >>> write(p, from_binary({(0, 1): 4.0}), vartype="binary")
        >>> open(p).read().splitlines()[1:]
        ['binary 2 1 0.0', '0 1 4.0']
    """
    if vartype not in ("spin", "binary"):
        raise ValueError(f"hubo.write: argument 'vartype' must be 'spin' or 'binary', got {vartype!r}")
    poly = as_dict(model) if vartype == "spin" else to_binary(model)
    offset = poly.pop((), 0.0)
    with open(path, "w") as f:
        f.write(f"# E = offset + sum of c * product of the listed {vartype} variables; 0-based indices\n")
        f.write(f"{vartype} {n_spins(model)} {len(poly)} {offset!r}\n")
        f.writelines(" ".join(map(str, t)) + f" {c!r}\n" for t, c in poly.items())


def read(path) -> Hubo:
    """Read a problem file (docs/formats.md): Ising, QUBO or HUBO, over spins or bits; errors name the file and line.

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "p.txt")
        >>> _ = open(p, "w").write("binary 3 2 1.0\\n0 1 2 -1.0\\n2 0.5\\n")
        >>> as_dict(read(p)) == as_dict(from_binary({(0, 1, 2): -1.0, (2,): 0.5}, offset=1.0))
        True
    """
    name, where = Path(path).name, "hubo.read"
    lines = textfile.lines(path, where, what="a problem file", header=HEADER)
    k, head = lines[0]
    parts = head.split()
    try:
        if len(parts) not in (3, 4) or parts[0] not in ("spin", "binary"):
            raise ValueError
        vartype, n, m = parts[0], int(parts[1]), int(parts[2])
        offset = float(parts[3]) if len(parts) == 4 else 0.0
        if n < 1 or m < 0 or not np.isfinite(offset):
            raise ValueError
    except ValueError:
        raise ValueError(f"{where}: line {k} of '{name}': expected the header {HEADER} with n >= 1, m >= 0 and a "
                         f"finite offset, got {head!r}") from None
    body = lines[1:]
    if len(body) != m:
        at = f"line {body[m][0]}" if len(body) > m else f"line {k}"
        raise ValueError(f"{where}: {at} of '{name}': the header announces {m} terms but the file has {len(body)}")
    memory.check(8.0 * n, where, f"{n} variables from '{name}'", "the header's n")
    poly: dict = {}
    for k, ln in body:
        at, parts = f"{where}: line {k} of '{name}'", ln.split()
        try:
            idx, c = [int(v) for v in parts[:-1]], float(parts[-1])
            if not idx:
                raise ValueError
        except ValueError:
            raise ValueError(f"{at}: expected 'i [j [k ...]] coefficient' with integer indices, got {ln!r}") from None
        bad = [v for v in idx if not 0 <= v < n]
        if bad:
            raise ValueError(f"{at}: the index {bad[0]} is outside 0..{n - 1} (indices are 0-based), got {ln!r}")
        if len(set(idx)) != len(idx):
            raise ValueError(f"{at}: an index repeats in one term, got {ln!r}; write x_i x_i as 'i c' (binary) and "
                             "drop s_i s_i (spin: it is 1)")
        if not np.isfinite(c):
            raise ValueError(f"{at}: the coefficient is {c}, got {ln!r}; replace NaN/inf by a finite number")
        t = tuple(sorted(idx))
        poly[t] = poly.get(t, 0.0) + c
    return (from_dict if vartype == "spin" else from_binary)(poly, n, offset=offset)
