"""Invertible Boolean logic with p-bits: gates as penalty Hamiltonians, composed on shared nodes.

Every gate is a QUBO penalty ``P(x) = x^T Q x + c`` over its bits ``x in {0, 1}`` that is **0 on
the rows of its truth table and >= 1 on every other row** (Camsari, Faria, Sutton & Datta,
"Stochastic p-bits for invertible logic", PRX 7, 031014 (2017); Borders et al., Nature 573, 390
(2019)). Adding penalties on shared nodes composes gates into circuits whose ground states are
exactly the consistent assignments of the whole circuit, so the same network runs forwards (inputs
pinned), backwards (outputs pinned) or free (all valid rows equally likely).

The Ising energy used for sampling is ``E(s) = scale * P(x)`` with ``x = (1 + s)/2`` and
``scale = 4`` by default: with it the AND gate is exactly Camsari's bipolar AND,
``J = [[0, -1, 2], [-1, 0, 2], [2, 2, 0]]``, ``h = [1, 1, -2]`` (order A, B, C), so
``beta = I0`` of that paper. Invalid rows then cost at least ``4`` energy units.

Penalties (all checked exhaustively in the tests):

* AND  c = a b:                 ``3c + ab - 2ac - 2bc``
* OR   c = a + b - a b:         ``a + b + c + ab - 2ac - 2bc``
* NOT  c = 1 - a:               ``1 - a - c + 2ac``
* COPY c = a:                   ``a + c - 2ac``
* half adder a + b = s + 2c:    ``(a + b - s - 2c)^2``
* full adder a + b + ci = s + 2co: ``(a + b + ci - s - 2co)^2``
* XOR  c = a xor b:             the half adder with an auxiliary carry bit.

A circuit is a plain NamedTuple (node names and the penalty QUBO); builders are pure functions. Multipliers
built from these gates are :mod:`circuits.problems.multiplier` (docs/methods.md §7).
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np

import jax
import jax.numpy as jnp

from circuits.model import ising, qubo
from circuits.sampling import gibbs

SCALE = 4.0  # Ising energy per unit of penalty (Camsari 2017 normalisation)


class Circuit(NamedTuple):
    """A penalty Hamiltonian over named bits.

    Attributes:
        nodes: node names in bit (and spin) order.
        Q: (n, n) float64 upper-triangular QUBO; the diagonal holds the linear terms.
        offset: constant, so that ``x^T Q x + offset`` is 0 on valid assignments.
        gates: ``((kind, nodes), ...)`` the gates it was built from, in the order given.
    """

    nodes: tuple
    Q: np.ndarray
    offset: float
    gates: tuple = ()


def _poly(kind: str, nodes: Sequence[str], terms: dict, offset: float = 0.0) -> Circuit:
    """Circuit from a polynomial ``{(i,): c}`` (linear) / ``{(i, j): c}`` (quadratic) over positions."""
    nodes = tuple(str(v) for v in nodes)
    if len(set(nodes)) != len(nodes):
        raise ValueError(f"logic: a gate's nodes must be distinct, got {nodes}; use COPY to join two names")
    Q = np.zeros((len(nodes), len(nodes)))
    for idx, c in terms.items():
        i, j = (idx[0], idx[0]) if len(idx) == 1 else sorted(idx)
        Q[i, j] += c
    return Circuit(nodes, Q, float(offset), ((kind, nodes),))


def _square(kind: str, nodes: Sequence[str], coeffs: Sequence[float]) -> Circuit:
    """Penalty ``(sum_k coeffs[k] x_k)^2`` (x^2 = x on bits)."""
    terms = {}
    for i, a in enumerate(coeffs):
        terms[(i,)] = a * a
        for j in range(i + 1, len(coeffs)):
            terms[(i, j)] = 2 * a * coeffs[j]
    return _poly(kind, nodes, terms)


def AND(a: str, b: str, c: str) -> Circuit:
    """``c = a AND b``. Example: ``logic.AND("A", "B", "C")``."""
    return _poly("AND", (a, b, c), {(2,): 3, (0, 1): 1, (0, 2): -2, (1, 2): -2})


def OR(a: str, b: str, c: str) -> Circuit:
    """``c = a OR b``."""
    return _poly("OR", (a, b, c), {(0,): 1, (1,): 1, (2,): 1, (0, 1): 1, (0, 2): -2, (1, 2): -2})


def NOT(a: str, c: str) -> Circuit:
    """``c = NOT a``."""
    return _poly("NOT", (a, c), {(0,): -1, (1,): -1, (0, 1): 2}, offset=1.0)


def COPY(a: str, c: str) -> Circuit:
    """``c = a`` (a wire between two names)."""
    return _poly("COPY", (a, c), {(0,): 1, (1,): 1, (0, 1): -2})


def half_adder(a: str, b: str, s: str, c: str) -> Circuit:
    """``a + b = s + 2 c`` (sum s = a XOR b, carry c = a AND b)."""
    return _square("HA", (a, b, s, c), (1, 1, -1, -2))


def full_adder(a: str, b: str, cin: str, s: str, cout: str) -> Circuit:
    """``a + b + cin = s + 2 cout``."""
    return _square("FA", (a, b, cin, s, cout), (1, 1, 1, -1, -2))


def XOR(a: str, b: str, c: str, aux: str | None = None) -> Circuit:
    """``c = a XOR b`` with an auxiliary p-bit (``aux`` defaults to ``"{c}.aux"``; it equals a AND b).

    No quadratic penalty over (a, b, c) alone has exactly the XOR rows as ground states, hence the
    auxiliary bit.
    """
    return half_adder(a, b, c, aux if aux is not None else f"{c}.aux")


def compose(*parts: Circuit) -> Circuit:
    """Sum the penalties of circuits on their shared node names.

    Nodes keep the order of first appearance. Valid assignments of the composition are those valid
    for every part, so its ground states (penalty 0) are the consistent rows of the whole circuit.

    Example:
        >>> c = compose(AND("a", "b", "t"), OR("t", "c", "y"))   # y = (a AND b) OR c
        >>> c.nodes
        ('a', 'b', 't', 'c', 'y')
    """
    if not parts:
        raise ValueError("logic.compose: give at least one circuit")
    order: dict = {}
    for p in parts:
        for v in p.nodes:
            order.setdefault(v, len(order))
    Q = np.zeros((len(order), len(order)))
    offset = 0.0
    gates = tuple(g for p in parts for g in p.gates)
    for p in parts:
        idx = np.array([order[v] for v in p.nodes])
        lo, hi = np.minimum.outer(idx, idx), np.maximum.outer(idx, idx)
        np.add.at(Q, (lo, hi), p.Q)
        offset += p.offset
    return Circuit(tuple(order), Q, offset, gates)


def penalty(circuit: Circuit, bits) -> np.ndarray:
    """Penalty ``x^T Q x + offset`` of bits (..., n) in {0, 1}; 0 exactly on valid assignments."""
    x = np.asarray(bits, np.float64)
    return np.einsum("...i,ij,...j->...", x, circuit.Q, x) + circuit.offset


_FORWARD = {
    "AND": lambda a, b: (a & b,),
    "OR": lambda a, b: (a | b,),
    "NOT": lambda a: (1 - a,),
    "COPY": lambda a: (a,),
    "HA": lambda a, b: (a ^ b, a & b),
    "FA": lambda a, b, c: (a ^ b ^ c, (a & b) | (a & c) | (b & c)),
}
_N_OUT = {"AND": 1, "OR": 1, "NOT": 1, "COPY": 1, "HA": 2, "FA": 2}


def evaluate(circuit: Circuit, inputs: dict) -> np.ndarray:
    """Run the circuit forwards: the bits of all nodes given its free inputs.

    Gates are evaluated in the order they were composed, which must be topological (every gate's inputs known
    before it runs), as for :func:`circuits.problems.multiplier.multiplier`. Integer numpy arrays of any common
    shape may be given to evaluate many input rows at once.

    Args:
        circuit: the Circuit.
        inputs: ``{node name: 0/1 or int array}`` for every node that no gate drives.

    Returns:
        (..., n) int64 bits in node order; their penalty is 0.

    Example:
        >>> evaluate(AND("a", "b", "c"), {"a": 1, "b": 1}).tolist()
        [1, 1, 1]
    """
    val = {k: np.asarray(v, np.int64) for k, v in inputs.items()}
    for kind, nodes in circuit.gates:
        k = _N_OUT[kind]
        ins, outs = nodes[:-k], nodes[-k:]
        missing = [v for v in ins if v not in val]
        if missing:
            raise ValueError(f"logic.evaluate: gate {kind}{nodes} needs input(s) {missing}; give them in "
                             "'inputs' or compose the gates in topological order")
        for name, bit in zip(outs, _FORWARD[kind](*(val[v] for v in ins))):
            val[name] = bit
    missing = [v for v in circuit.nodes if v not in val]
    if missing:
        raise ValueError(f"logic.evaluate: node(s) {missing} are neither inputs nor gate outputs")
    return np.stack(np.broadcast_arrays(*(val[v] for v in circuit.nodes)), -1)


def index(circuit: Circuit, names) -> np.ndarray:
    """Spin indices of node ``names`` (a name or a sequence of names)."""
    pos = {v: i for i, v in enumerate(circuit.nodes)}
    names = [names] if isinstance(names, str) else list(names)
    missing = [v for v in names if v not in pos]
    if missing:
        raise ValueError(f"logic: unknown node(s) {missing}; the circuit has {list(circuit.nodes)[:12]}...")
    return np.array([pos[v] for v in names], np.int64)


def to_ising(circuit: Circuit, clamp: dict | None = None, *, strength: float = 8.0, scale: float = SCALE,
             layout: str = "dense") -> tuple[ising.IsingModel, float]:
    """The circuit as an Ising model ``E(s) = scale * P((1 + s)/2)``, with pinned nodes.

    Pinning (clamping) a node to bit ``b`` adds a bias field ``strength * (2b - 1)`` on its p-bit,
    as in hardware. Because the penalty is >= 0 and 0 on valid rows, the valid rows that satisfy all
    pins are the ground states for any ``strength > 0``; a state that breaks a pin costs at least
    ``2 * strength`` more, so at inverse temperature ``beta`` pins hold with probability about
    ``1 - exp(-2 beta strength)`` per pinned p-bit (default 8: > 0.9999 at beta = 1).

    Args:
        circuit: the Circuit.
        clamp: ``{node name: 0 or 1}`` pinned nodes (forward mode: inputs; reverse mode: outputs).
        strength: pinning field [energy units], > 0.
        scale: Ising energy per unit of penalty (default 4, Camsari's normalisation).
        layout: "dense" (default) or "sparse".

    Returns:
        ``(model, e_valid)``: the IsingModel and the energy of every valid assignment that satisfies
        all pins (the ground-state energy when one exists).

    Example:
        >>> model, e0 = to_ising(AND("A", "B", "C"))
        >>> np.asarray(model.J).tolist(), np.asarray(model.h).tolist()
        ([[0.0, -1.0, 2.0], [-1.0, 0.0, 2.0], [2.0, 2.0, 0.0]], [1.0, 1.0, -2.0])
    """
    if not strength > 0 or not np.isfinite(strength):
        raise ValueError(f"logic.to_ising: argument 'strength' must be a positive number, got {strength!r}")
    model, off = qubo.to_ising(scale * circuit.Q, layout="dense")
    h = np.asarray(model.h, np.float64).copy()
    clamp = clamp or {}
    for name, bit in clamp.items():
        if bit not in (0, 1, True, False):
            raise ValueError(f"logic.to_ising: clamp value for node {name!r} must be 0 or 1, got {bit!r}")
        h[index(circuit, name)[0]] += strength * (2 * int(bit) - 1)
    J = np.asarray(model.J, np.float64)
    model = ising.from_dense(J, h, layout=layout)
    e_valid = -off - scale * circuit.offset - strength * len(clamp)
    return model, float(e_valid)


def sample(key, circuit: Circuit, clamp: dict | None = None, *, beta: float = 2.0, n_chains: int = 512,
           burn_in: int = 1000, strength: float = 8.0) -> np.ndarray:
    """Run the circuit with pins: bit rows of ``n_chains`` independent p-bit chains after ``burn_in`` sweeps.

    The network of :func:`to_ising` (pins as bias fields of ``strength``) is sampled by chromatic Gibbs at
    inverse temperature ``beta`` from uniformly random starts (:func:`circuits.sampling.gibbs.sample`); with
    inputs pinned this is the forward mode, with outputs pinned the reverse mode, without pins the free mode.

    Returns:
        (n_chains, n) int64 bits in node order.

    Example:
        >>> bits = sample(jax.random.key(0), AND("A", "B", "C"), {"A": 1, "B": 1}, n_chains=64, burn_in=50)
        >>> float(bits[:, 2].mean()) > 0.95
        True
    """
    model, _ = to_ising(circuit, clamp, strength=strength)
    k0, k1 = jax.random.split(key)
    s0 = jnp.where(jax.random.bernoulli(k0, 0.5, (int(n_chains), len(circuit.nodes))), 1.0, -1.0)
    s = gibbs.sample(k1, model, s0, beta, n_samples=1, burn_in=int(burn_in))[0]
    return (np.asarray(s) > 0).astype(np.int64)


def bits_of(value: int, width: int) -> list[int]:
    """Little-endian bits of a non-negative integer: ``bits_of(6, 4) == [0, 1, 1, 0]``."""
    return [(int(value) >> k) & 1 for k in range(width)]


def integer(spins, idx) -> np.ndarray:
    """Little-endian integer encoded by the +/-1 spins at ``idx``: (..., n) -> (...,) int64."""
    s = np.asarray(spins)[..., np.asarray(idx)] > 0
    return (s.astype(np.int64) << np.arange(len(idx))).sum(-1)


def truth_table(circuit: Circuit, nodes: Sequence[str]) -> np.ndarray:
    """The valid rows over ``nodes`` (by exhaustive search over all bits, n <= 20): (rows, k) int."""
    n = len(circuit.nodes)
    if n > 20:
        raise ValueError(f"logic.truth_table: exhaustive search needs <= 20 nodes, the circuit has {n}")
    x = ((np.arange(2 ** n)[:, None] >> np.arange(n)) & 1)
    valid = np.isclose(penalty(circuit, x), 0.0)
    rows = x[valid][:, index(circuit, nodes)]
    return np.unique(rows, axis=0)
