"""Tasks mapped to networks and answers mapped back: Max-Cut (G-set files and generated instances: lattice glasses,
SK, regular graphs, D-Wave topologies, planted ground states), QUBO problems, invertible logic and multipliers,
factoring, Boltzmann-machine learning, planted k-XORSAT."""
from circuits.problems import (  # noqa: F401
    factor_bits,
    factoring,
    graph_coloring,
    gset,
    independent_set,
    instances,
    learning,
    logic,
    maxcut,
    multiplier,
    partitioning,
    planted,
    topologies,
    xorsat,
)
