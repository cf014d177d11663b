"""What is measured, or known exactly, about magnets: analytic macrospin results, trace statistics, switching
thresholds and probabilities, Joule energy."""
from pbits.analysis import analytic, energy, switching, traces  # noqa: F401
