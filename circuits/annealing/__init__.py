"""Long runs: beta schedules, the annealers' chunked driver and checkpoints, simulated annealing (pairwise and
higher-order models), parallel tempering, and time-to-solution metrics."""
from circuits.annealing import checkpoint, driver, higher_order, metrics, schedules, simulated, tempering  # noqa: F401
