"""Physical constants in SI units (CODATA 2018), as used throughout pbits.

Values as listed in docs/physics.md §0 (Choi et al., Nature Communications 2025,
doi:10.1038/s41467-025-61073-w, is the device this package models).
"""
import math

MU0 = 4e-7 * math.pi  # vacuum permeability mu0 [T m/A] (docs/physics.md §0)
GAMMA = 1.76085963e11  # gyromagnetic ratio gamma [rad s^-1 T^-1]
GAMMA0 = MU0 * GAMMA  # gamma0 = mu0*gamma [m A^-1 s^-1], for fields in A/m (~2.21276e5)
HBAR = 1.054571817e-34  # reduced Planck constant [J s]
E_CHARGE = 1.602176634e-19  # elementary charge e [C]
KB = 1.380649e-23  # Boltzmann constant k_B [J/K]
UOHM_CM = 1e-8  # one micro-ohm centimetre in ohm metre [Ohm m]
