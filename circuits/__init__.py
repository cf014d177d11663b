"""circuits: Ising/QUBO networks of p-bits, samplers, annealers and problems."""
__version__ = "0.1.0"

from circuits import (  # noqa: E402,F401
    anneal,
    coloring,
    exact,
    gibbs,
    gset,
    ising,
    maxcut,
    pbit,
    prng,
    run,
    tempering,
)
