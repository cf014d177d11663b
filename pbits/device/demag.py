"""Magnetometric demagnetising factors of rectangular prisms, circular and elliptic cylinders (exact).

A uniformly magnetised body has the energy (mu0 M_s^2 V/2) sum_i N_i m_i^2 with N_x + N_y + N_z = 1 (the
magnetometric, i.e. volume-averaged, factors; docs/physics.md §2.2). This module gives them exactly:

* rectangular prism 2a x 2b x 2c: the closed form of Aharoni, J. Appl. Phys. 83, 3432 (1998), eq. (1)
  (:func:`prism`);
* cylinder of elliptic cross-section (semi-axes a along x, b along y) and thickness t along z, circular disks
  included: the Fourier-space form (Beleggia, De Graef & Millev, J. Phys. D 38, 3333 (2005))

      N_z = (1/(pi t)) int_0^{2 pi} dphi I(g t)/g,
      N_x = (1/pi) int_0^{2 pi} dphi (cos^2 phi/(a^2 g^2)) [1/2 - I(g t)/(g t)],
      I(c) = int_0^inf J_1(r)^2 (1 - e^{-c r})/r^2 dr,   g(phi) = sqrt(cos^2 phi/a^2 + sin^2 phi/b^2),

  (N_y likewise with sin^2 phi/b^2), integrated numerically (:func:`elliptic_cylinder`, :func:`cylinder`). For a
  circular cylinder N_z = (2R/t) I(t/R), the magnetometric factor tabulated by Chen, Brug & Goldfarb, IEEE Trans.
  Magn. 27, 3601 (1991) (after Joseph, J. Appl. Phys. 37, 4639 (1966)): 0.3116 at length/diameter 1.

Numerics: J_1 from its power series (r < 12) and its Hankel asymptotic series (r >= 12), both summed to
double-precision rounding (Abramowitz & Stegun 9.1.10, 9.2.5); the r integral on a fine grid to r = 4000 plus the
tail of the mean <J_1^2> = 1/(pi r); the phi integral by the trapezoid rule (exponentially accurate for periodic
integrands). Accuracy ~1e-6 absolute, far inside the 4-digit tables.
"""
from __future__ import annotations

import functools
import math

import numpy as np


def _check(name: str, v, func: str) -> float:
    v = float(v)
    if not (math.isfinite(v) and v > 0):
        raise ValueError(f"demag.{func}: {name} must be a finite length > 0 [m], got {v!r}")
    return v


def prism(a: float, b: float, c: float) -> tuple[float, float, float]:
    """(N_x, N_y, N_z) of a rectangular prism with edges 2a (x), 2b (y), 2c (z) [any length unit].

    Aharoni, J. Appl. Phys. 83, 3432 (1998), eq. (1) for N_z; N_x and N_y by permuting the edges.

    Example:
        >>> [round(n, 6) for n in prism(1.0, 1.0, 1.0)]  # cube
        [0.333333, 0.333333, 0.333333]
    """
    a, b, c = (_check(n, v, "prism") for n, v in (("a", a), ("b", b), ("c", c)))
    return _aharoni(b, c, a), _aharoni(c, a, b), _aharoni(a, b, c)


def _aharoni(a: float, b: float, c: float) -> float:
    """Aharoni's N along the edge 2c of a 2a x 2b x 2c prism (J. Appl. Phys. 83, 3432 (1998), eq. (1))."""
    abc = math.sqrt(a * a + b * b + c * c)
    ab, bc, ac = math.hypot(a, b), math.hypot(b, c), math.hypot(a, c)
    ln = math.log
    s = ((b * b - c * c) / (2 * b * c) * ln((abc - a) / (abc + a))
         + (a * a - c * c) / (2 * a * c) * ln((abc - b) / (abc + b))
         + b / (2 * c) * ln((ab + a) / (ab - a))
         + a / (2 * c) * ln((ab + b) / (ab - b))
         + c / (2 * a) * ln((bc - b) / (bc + b))
         + c / (2 * b) * ln((ac - a) / (ac + a))
         + 2 * math.atan(a * b / (c * abc))
         + (a**3 + b**3 - 2 * c**3) / (3 * a * b * c)
         + (a * a + b * b - 2 * c * c) / (3 * a * b * c) * abc
         + c / (a * b) * (ac + bc)
         - (ab**3 + bc**3 + ac**3) / (3 * a * b * c))
    return s / math.pi


# --- J_1 and the radial integral I(c) -----------------------------------------------------------------------


def _j1(r: np.ndarray) -> np.ndarray:
    """Bessel J_1 (power series below 12, Hankel asymptotic series above; Abramowitz & Stegun 9.1.10, 9.2.5)."""
    r = np.asarray(r, dtype=float)
    out = np.empty_like(r)
    small = r < 12.0
    x = r[small] / 2
    term = x.copy()
    acc = term.copy()
    for k in range(1, 60):
        term = term * (-(x * x)) / (k * (k + 1))
        acc = acc + term
    out[small] = acc
    z = r[~small]
    mu = 4.0
    p, q = np.ones_like(z), np.zeros_like(z)
    coef = 1.0
    for k in range(1, 30):
        coef = coef * (mu - (2 * k - 1) ** 2) / (k * 8.0)
        t = coef / z**k
        if k % 2 == 1:
            q = q + (t if (k // 2) % 2 == 0 else -t)
        else:
            p = p + (t if (k // 2) % 2 == 0 else -t)
    w = z - 0.75 * math.pi
    out[~small] = np.sqrt(2 / (math.pi * z)) * (p * np.cos(w) - q * np.sin(w))
    return out


_R_MAX = 4000.0


@functools.lru_cache(maxsize=1)
def _grid():
    # fine near 0 (where 1 - e^{-cr} varies for large c), then uniform steps of 0.02 (~160 points per period)
    r = np.concatenate([np.linspace(0.0, 1.0, 2001)[1:], np.arange(1.0, _R_MAX + 1e-9, 0.02)[1:]])
    r = np.concatenate([[1e-12], r])
    w = np.empty_like(r)  # trapezoid weights
    d = np.diff(r)
    w[0], w[-1] = d[0] / 2, d[-1] / 2
    w[1:-1] = (d[:-1] + d[1:]) / 2
    return r, w * _j1(r) ** 2 / r**2


def radial_integral(c) -> np.ndarray:
    """I(c) = int_0^inf J_1(r)^2 (1 - e^{-c r})/r^2 dr for c >= 0 (module docstring; Beleggia et al. 2005).

    I(c) ~ c/2 for c -> 0 (thin film, N_z -> 1) and -> 4/(3 pi) for c -> inf. Accurate to ~1e-6 for the film
    range c <~ 10; the grid near r = 0 limits it to ~1e-3 relative for c >~ 100 (long rods).

    Example:
        >>> round(float(radial_integral(1e-4)[0]) / 5e-5, 3)  # thin-film limit c/2
        1.0
    """
    c = np.atleast_1d(np.asarray(c, dtype=float))
    r, w = _grid()
    # the tail beyond R_MAX: J_1^2 ~ 1/(pi r) on average and 1 - e^{-cr} ~ 1, i.e. 1/(2 pi R_MAX^2)
    out = np.array([np.sum(w * -np.expm1(-cc * r)) for cc in c]) + 1 / (2 * math.pi * _R_MAX**2)
    return out


@functools.lru_cache(maxsize=64)
def elliptic_cylinder(a: float, b: float, t: float, *, n_phi: int = 256) -> tuple[float, float, float]:
    """(N_x, N_y, N_z) of an elliptic cylinder: semi-axes ``a`` (x), ``b`` (y), thickness ``t`` (z) [same unit].

    The Fourier-space integrals of the module docstring (Beleggia, De Graef & Millev, J. Phys. D 38, 3333 (2005)),
    phi by the trapezoid rule on ``n_phi`` points. N_x + N_y + N_z = 1 to rounding.

    Example:
        >>> nx, ny, nz = elliptic_cylinder(25.0, 75.0, 3.0)  # a 50 x 150 x 3 nm ellipse, long axis y
        >>> round(nx + ny + nz, 9), nx > ny
        (1.0, True)
    """
    a, b, t = (_check(n, v, "elliptic_cylinder") for n, v in (("a", a), ("b", b), ("t", t)))
    if a == b:
        nr, _, nz = cylinder(a, t)
        return nr, nr, nz
    phi = np.arange(n_phi) * (2 * math.pi / n_phi)
    cx, sy = np.cos(phi) ** 2 / a**2, np.sin(phi) ** 2 / b**2
    g = np.sqrt(cx + sy)
    i = radial_integral(g * t)
    dphi = 2 * math.pi / n_phi
    nz = float(np.sum(i / g) * dphi / (math.pi * t))
    nx = float(np.sum(cx / g**2 * (0.5 - i / (g * t))) * dphi / math.pi)
    ny = float(np.sum(sy / g**2 * (0.5 - i / (g * t))) * dphi / math.pi)
    return nx, ny, nz


@functools.lru_cache(maxsize=64)
def cylinder(radius: float, t: float) -> tuple[float, float, float]:
    """(N_x, N_y, N_z) of a circular cylinder of ``radius`` and thickness (length) ``t`` along z [same unit].

    N_z = (2R/t) I(t/R), N_x = N_y = (1 - N_z)/2 (module docstring; Chen, Brug & Goldfarb, IEEE Trans. Magn. 27,
    3601 (1991), magnetometric factor).

    Example:
        >>> round(cylinder(1.0, 2.0)[2], 4)  # length = diameter
        0.3116
    """
    r, t = _check("radius", radius, "cylinder"), _check("t", t, "cylinder")
    nz = float(2 * r / t * radial_integral(t / r)[0])
    return (1 - nz) / 2, (1 - nz) / 2, nz
