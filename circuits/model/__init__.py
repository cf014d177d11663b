"""What a network is: Ising models (dense or padded-neighbour couplings), QUBOs and higher-order (HUBO) models."""
from circuits.model import hubo, ising, qubo  # noqa: F401
