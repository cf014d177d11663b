"""Tasks mapped to networks and answers mapped back: Max-Cut (G-set files), QUBO problems, invertible logic and
multipliers, factoring, Boltzmann-machine learning, planted k-XORSAT."""
from circuits.problems import (  # noqa: F401
    factor_bits,
    factoring,
    graph_coloring,
    gset,
    independent_set,
    learning,
    logic,
    maxcut,
    multiplier,
    partitioning,
    xorsat,
)
