"""How p-bits update: update rules, graph colouring, one chromatic (or packed) sweep, fixed-temperature
samplers, the replica-exchange move, and exact references by enumeration."""
from circuits.sampling import coloring, dense, exact, exchange, gibbs, higher, packed, rules  # noqa: F401
