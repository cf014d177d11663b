"""Spin-pumping damping: the sink that absorbs the FM's spin current also damps the precessing magnet.

By Onsager reciprocity an interface that takes up spin current from the ferromagnet also takes up the spin current
the precessing magnetisation pumps into it, which adds to the Gilbert damping (Tserkovnyak, Brataas & Bauer, PRL 88,
117601 (2002), eq. (4); docs/physics.md §1.8):

    delta_alpha = g mu_B g_r/(4 pi M_s t_F),

with g_r the (effective) spin-mixing conductance per area in units of e^2/h. For the self-torque stack g_r follows
from the same spin-loss fractions that set the torque (:func:`mixing_conductance_self`); for a heavy metal from its
spin conductance (:func:`mixing_conductance_heavy_metal`). :func:`pbits.device.stack.drives` adds it to each
scheme's magnet. Device: Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w.
"""
from __future__ import annotations

import numpy as np
from jax.typing import ArrayLike

from pbits import constants as C
from pbits.device import torques
from pbits.device.magnet import Magnet

G_FACTOR = 2.0  # Lande g of the FM [-]
MU_B = 9.2740100783e-24  # Bohr magneton [J/T]
H_OVER_E2 = 2 * np.pi * C.HBAR / C.E_CHARGE**2  # h/e^2, the resistance quantum [Ohm]


def spin_pumping_damping(g_mix: ArrayLike, ms: ArrayLike, thickness: ArrayLike) -> np.ndarray:
    """Gilbert damping added by spin pumping into a sink: delta_alpha = g mu_B g_r/(4 pi M_s t_F) [-].

    g_r [1/m^2] is the (effective) spin-mixing conductance per area, in units of e^2/h (Tserkovnyak, Brataas & Bauer,
    PRL 88, 117601 (2002), eq. (4)); g = 2.

    Example:
        >>> round(float(spin_pumping_damping(1e19, 8e5, 5e-9)), 4)  # a Py(5 nm)/Pt-like interface
        0.0037
    """
    return G_FACTOR * MU_B * np.asarray(g_mix, dtype=float) / (4 * np.pi * np.asarray(ms, dtype=float)
                                                                * np.asarray(thickness, dtype=float))


def mixing_conductance_self(st: torques.SelfTorque) -> np.ndarray:
    """g_r [1/m^2] of the FM's two sink interfaces (AFMI and cap) from the spin-loss fractions that set xi_DL.

    a = G/(G + sigma_F/lambda) (docs/physics.md §1.4) gives G = (sigma_F/lambda) a/(1 - a) [S/m^2] per interface and
    g_r = (h/e^2) G. The AFMI's a is the one at the stack's polarisation (:func:`pbits.device.torques.loss_fraction`), the same number that
    sets the torque: by Onsager reciprocity the interface that absorbs the spin current also pumps spin out of the
    precessing magnet (Tserkovnyak, Brataas & Bauer, PRL 88, 117601 (2002)). The conductance convention (G = (e^2/h)
    g_r or 2 e^2/h g_r) is uncertain by a factor 2.

    Example:
        >>> round(float(mixing_conductance_self(torques.preset_self("ni"))) / 1e20, 2)  # a_AFMI = 0.8 on Ni
        4.13
    """
    out = 0.0
    for a in (np.asarray(torques.loss_fraction(st), dtype=float), np.asarray(st.a_cap, dtype=float)):
        if np.any(a >= 1):
            raise ValueError(f"torques.mixing_conductance_self: a spin-loss fraction of 1 is a perfect sink with an "
                             f"infinite spin-pumping damping; use a < 1 or spin_pumping=False, got {a!r}")
        out = out + (1.0 / (np.asarray(st.rho_fm) * np.asarray(st.lam))) * a / (1 - a) * H_OVER_E2
    return out


def mixing_conductance_heavy_metal(hm: torques.HeavyMetal) -> np.ndarray:
    """g_r [1/m^2] of a heavy-metal spin sink: (h/e^2) tanh(t_HM/lambda_s)/(rho_HM lambda_s).

    The spin conductance of a diffusive normal metal of thickness t_HM (Tserkovnyak, Brataas, Bauer & Halperin, Rev. Mod.
    Phys. 77, 1375 (2005)), taken as the effective mixing conductance, i.e. an interface that does not limit it
    (an upper bound) [P].

    Example:
        >>> round(float(mixing_conductance_heavy_metal(torques.preset_heavy_metal("pt"))) / 1e19, 2)
        5.72
    """
    lam = np.asarray(hm.lambda_s, dtype=float)
    return H_OVER_E2 * np.tanh(np.asarray(hm.thickness) / lam) / (np.asarray(hm.rho_hm) * lam)


def spin_pumping_self(st: torques.SelfTorque, mag: Magnet) -> np.ndarray:
    """delta_alpha of the FM on the AFMI/cap stack (0 with ``st.spin_pumping`` off); see :func:`mixing_conductance_self`.

    Example:
        >>> from pbits.device import magnet
        >>> round(float(spin_pumping_self(torques.preset_self("ni"), magnet.preset("ni_afmi"))), 3)  # ~0.1 a/(1 - a)
        0.423
    """
    if not st.spin_pumping:
        return np.zeros_like(np.asarray(mag.alpha, dtype=float))
    return spin_pumping_damping(mixing_conductance_self(st), mag.ms, mag.thickness)


def spin_pumping_heavy_metal(hm: torques.HeavyMetal, mag: Magnet) -> np.ndarray:
    """delta_alpha of the FM on the heavy metal (0 with ``hm.spin_pumping`` off); see
    :func:`mixing_conductance_heavy_metal`.

    Example:
        >>> from pbits.device import magnet
        >>> round(float(spin_pumping_heavy_metal(torques.preset_heavy_metal("pt"), magnet.preset("ni_afmi"))), 3)
        0.059
    """
    if not hm.spin_pumping:
        return np.zeros_like(np.asarray(mag.alpha, dtype=float))
    return spin_pumping_damping(mixing_conductance_heavy_metal(hm), mag.ms, mag.thickness)
