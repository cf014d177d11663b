"""Long runs: beta schedules, the annealers' chunked driver and checkpoints, simulated annealing, parallel
tempering, and time-to-solution metrics."""
from circuits.annealing import checkpoint, driver, metrics, schedules, simulated, tempering  # noqa: F401
