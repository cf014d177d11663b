"""circuits: Ising/QUBO networks of p-bits, samplers, annealers and problems.

``circuits.dimod_sampler`` (the optional D-Wave adapter) is not imported here: it needs the ``dwave`` extra.
"""
__version__ = "0.1.0"

from circuits import (  # noqa: E402,F401
    anneal,
    checkpoint,
    coloring,
    device_network,
    distributed,
    exact,
    factoring,
    gibbs,
    gset,
    ising,
    learning,
    logic,
    maxcut,
    packed,
    pbit,
    prng,
    problems,
    product_factor,
    run,
    tempering,
)
