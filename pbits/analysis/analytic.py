"""Exact results for a uniaxial macrospin (numpy quadrature): equilibrium, tau_int, first passage.

For an axially symmetric energy beta E(x) = -Delta x^2 - xi x of x = m.n, m.n is distributed with the
*flat* measure on [-1, 1], p(x) ~ exp(Delta x^2 + xi x), and obeys the exact 1-D Fokker-Planck equation
2 tau_N dW/dt = d/dx[(1 - x^2)(dW/dx + W d(beta E)/dx)] with D(x) = (1 - x^2)/(2 tau_N)
(Brown, Phys. Rev. 130, 1677 (1963); Coffey et al., PRE 49, 1869 (1994); docs/physics.md §3.1-3.4).
These are the oracles of the sLLG engine and the exact PMA p-bit transfer curve <m> = F(xi, Delta)
for the device of Choi et al., Nature Communications 2025, doi:10.1038/s41467-025-61073-w.
Times are in units of tau_N.
"""
from __future__ import annotations

import math

import numpy as np


def _grid(n: int = 40001):
    return np.linspace(-1.0, 1.0, n)


def _log_p(x, delta, xi):
    return delta * x * x + xi * x


def _cumtrapz(y, x):
    out = np.zeros_like(y)
    out[1:] = np.cumsum(0.5 * (y[1:] + y[:-1]) * np.diff(x))
    return out


def equilibrium_moments(delta: float, xi: float = 0.0, *, n: int = 40001) -> tuple[float, float]:
    """(<x>, <x^2>) of p(x) ~ exp(Delta x^2 + xi x) on [-1, 1] (docs/physics.md §3.1).

    Example:
        >>> round(equilibrium_moments(2.0)[1], 5)
        0.53126
    """
    x = _grid(n)
    lp = _log_p(x, delta, xi)
    w = np.exp(lp - lp.max())
    z = np.trapezoid(w, x)
    return float(np.trapezoid(x * w, x) / z), float(np.trapezoid(x * x * w, x) / z)


def mean_m(xi: float, delta: float) -> float:
    """F(xi, Delta) = <m_z> for the uniaxial magnet in an axial field xi = mu0 M_s V H/(k_B T).

    Langevin function at Delta = 0, tanh(xi) for Delta -> inf (docs/physics.md §3.1, §3.4).

    Example:
        >>> round(mean_m(1.0, 3.0), 5)
        0.53199
    """
    return equilibrium_moments(delta, xi)[0]


def cdf(x: np.ndarray, delta: float, xi: float = 0.0, *, n: int = 40001) -> np.ndarray:
    """Cumulative distribution of x = m.n in equilibrium (for KS tests and sampling).

    Example:
        >>> round(float(cdf(np.array([0.0]), 1.0)[0]), 6)
        0.5
    """
    g = _grid(n)
    lp = _log_p(g, delta, xi)
    c = _cumtrapz(np.exp(lp - lp.max()), g)
    return np.interp(x, g, c / c[-1])


def sample(rng: np.random.Generator, size: int, delta: float, xi: float = 0.0, *, n: int = 40001) -> np.ndarray:
    """Samples of the equilibrium m, shape (3, size), easy axis z (inverse-CDF in m_z, uniform azimuth).

    Example:
        >>> sample(np.random.default_rng(0), 5, 2.0).shape
        (3, 5)
    """
    g = _grid(n)
    lp = _log_p(g, delta, xi)
    c = _cumtrapz(np.exp(lp - lp.max()), g)
    z = np.interp(rng.uniform(size=size), c / c[-1], g)
    phi = rng.uniform(0, 2 * np.pi, size=size)
    r = np.sqrt(np.clip(1 - z * z, 0, None))
    return np.stack([r * np.cos(phi), r * np.sin(phi), z])


def tau_int(delta: float, xi: float = 0.0, *, n: int = 200001) -> float:
    """Exact integral relaxation time of m_z in units of tau_N (Risken/Coffey form, docs/physics.md §3.2).

        tau_int = (1/<dx^2>) int dx [int_{-1}^x (z - <x>) p(z) dz]^2 / [D(x) p(x)],  D = (1 - x^2)/2.

    Example:
        >>> round(tau_int(5.0), 2)
        14.59
    """
    x = _grid(n)
    lp = _log_p(x, delta, xi)
    p = np.exp(lp - lp.max())
    p /= np.trapezoid(p, x)
    mean = np.trapezoid(x * p, x)
    var = np.trapezoid((x - mean) ** 2 * p, x)
    inner = _cumtrapz((x - mean) * p, x)
    d = (1 - x * x) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(d > 0, inner**2 / (d * p), 0.0)
    return float(np.trapezoid(f, x) / var)


def mfpt(delta: float, x0: float, xa: float, xi: float = 0.0, *, n: int = 200001) -> float:
    """Exact mean first-passage time [tau_N] from x = x0 to the absorbing level xa (docs/physics.md §3.2).

    Downward (xa < x0, reflecting at +1): T = int_{xa}^{x0} dy e^{bE(y)}/D(y) int_y^1 e^{-bE(z)} dz;
    upward passages use the mirror image x -> -x, xi -> -xi. bE = -Delta x^2 - xi x, D = (1 - y^2)/2.

    Example:
        >>> round(mfpt(4.0, 1.0, -0.9), 2)
        17.25
    """
    if xa > x0:
        return mfpt(delta, -x0, -xa, -xi, n=n)
    y = _grid(n)
    lp = _log_p(y, delta, xi)  # = -beta E
    shift = lp.max()
    w = np.exp(lp - shift)
    tail = np.trapezoid(w, y) - _cumtrapz(w, y)  # int_y^1
    d = (1 - y * y) / 2
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        f = np.where(d > 0, np.exp(-(lp - shift)) * tail / d, 0.0)
    # the integrand is finite at y = +-1 (tail ~ 1 - y); extrapolate the endpoint values linearly
    f[0], f[-1] = 2 * f[1] - f[2], 2 * f[-2] - f[-3]
    mask = (y >= xa) & (y <= x0)
    return float(np.trapezoid(f[mask], y[mask]))


def brown_tau(delta: float) -> float:
    """Brown's high-barrier relaxation time tau_B/tau_N = (sqrt(pi)/2) Delta^-3/2 e^Delta (docs/physics.md §3.2).

    Example:
        >>> round(tau_int(20.0) / brown_tau(20.0), 3)
        1.054
    """
    return math.sqrt(math.pi) / 2 * delta**-1.5 * math.exp(delta)


def inplane_moments(delta: float, hd_over_hk: float, *, n: int = 1201) -> tuple[float, float]:
    """(<|m_y|>, <m_z^2>) for E/k_BT = -Delta m_y^2 + Delta (H_D/H_K) m_z^2 (2-D quadrature, §3.1).

    Example:
        >>> [round(v, 4) for v in inplane_moments(4.0, 10.0)]
        [0.9035, 0.0115]
    """
    u = np.linspace(-1, 1, n)[:, None]  # m_z, flat measure
    phi = np.linspace(0, 2 * np.pi, 2 * n)[None, :]
    my = np.sqrt(1 - u * u) * np.sin(phi)
    w = np.exp(delta * my * my - delta * hd_over_hk * u * u)
    z = np.trapezoid(np.trapezoid(w, phi[0], axis=1), u[:, 0])
    avg = lambda f: float(np.trapezoid(np.trapezoid(f * w, phi[0], axis=1), u[:, 0]) / z)  # noqa: E731
    return avg(np.abs(my)), avg(u * u * np.ones_like(phi))
