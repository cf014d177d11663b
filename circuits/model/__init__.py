"""What a network is: Ising models (dense or padded-neighbour couplings) and QUBOs."""
from circuits.model import ising, qubo  # noqa: F401
