"""circuits: Ising/QUBO networks of p-bits, samplers, annealers and problems."""
__version__ = "0.1.0"
