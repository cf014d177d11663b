"""pbits: device physics of dissipation-switched nanomagnets used as probabilistic bits.

Choi et al., "Magnetization switching driven by magnonic spin dissipation",
Nature Communications (2025), doi:10.1038/s41467-025-61073-w.
"""
__version__ = "0.1.0"

from pbits import analytic, constants, devices, energy, llg, magnet, observables, plotting, torques  # noqa: E402,F401
from pbits import calibrate, pbit_theory, random_bit, sllg, transfer  # noqa: E402,F401
