"""pbits: device physics of dissipation-switched nanomagnets used as probabilistic bits.

The device is that of Choi et al., "Magnetization switching driven by magnonic spin dissipation", Nature
Communications (2025), doi:10.1038/s41467-025-61073-w; the model is written down in docs/physics.md.

Layers, each importing only those before it: :mod:`pbits.runtime` (PRNG, meshes, the chunked loop),
:mod:`pbits.device` (parameters and presets), :mod:`pbits.sllg` (the stochastic LLG engine),
:mod:`pbits.analysis` (what is measured or known exactly about magnets) and :mod:`pbits.pbit` (from a
device to a behavioural p-bit).
"""
__version__ = "0.1.0"

from pbits import analysis, constants, device, pbit, runtime, sllg  # noqa: E402,F401
