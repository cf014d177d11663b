"""Exact demagnetising factors (pbits.device.demag) against published values, limits, the sum rule and an
independent Monte Carlo of the surface-charge energy."""
import math

import numpy as np
import pytest

from pbits.device import demag


def _mc_nz(sample, area, thickness, n=400_000, seed=0):
    """N_z from the energy of the two charged faces: N_z = (S(0) - S(t))/(2 pi V), S(d) = int int dA dA'/|r - r'|
    over two faces a distance d apart; Monte Carlo mean with its standard error."""
    rng = np.random.default_rng(seed)
    (x1, y1), (x2, y2) = sample(rng, n), sample(rng, n)
    d2 = (x1 - x2) ** 2 + (y1 - y2) ** 2
    f = area * area * (1 / np.sqrt(d2) - 1 / np.sqrt(d2 + thickness**2)) / (2 * math.pi * area * thickness)
    return float(f.mean()), float(f.std(ddof=1) / math.sqrt(n))


def test_prism_cube_sum_rule_and_limits():
    assert demag.prism(1.0, 1.0, 1.0) == pytest.approx((1 / 3, 1 / 3, 1 / 3), abs=1e-12)
    for abc in ((1.0, 2.0, 3.0), (25.0, 75.0, 1.5), (1.0, 1.0, 50.0)):
        assert sum(demag.prism(*abc)) == pytest.approx(1.0, abs=1e-12)
    # thin plate -> N_z -> 1; long square bar -> N_z -> 0, N_x = N_y -> 1/2
    assert demag.prism(1.0, 1.0, 1e-4)[2] == pytest.approx(1.0, abs=2e-3)
    nx, ny, nz = demag.prism(1.0, 1.0, 1e4)
    assert nz < 1e-3 and nx == pytest.approx(0.5, abs=1e-3)


def test_prism_against_monte_carlo():
    a, b, c = 25.0, 75.0, 1.5  # a 50 x 150 x 3 prism (half edges)
    mean, se = _mc_nz(lambda rng, n: (a * (2 * rng.random(n) - 1), b * (2 * rng.random(n) - 1)), 4 * a * b, 2 * c)
    assert abs(demag.prism(a, b, c)[2] - mean) < 4 * se, (demag.prism(a, b, c), mean, se)


def test_cylinder_published_and_limits():
    # Chen, Brug & Goldfarb, IEEE Trans. Magn. 27, 3601 (1991), magnetometric N_m at chi = 0 (Joseph 1966):
    # length/diameter 1 -> 0.3116
    assert demag.cylinder(1.0, 2.0)[2] == pytest.approx(0.3116, abs=1e-4)
    for t in (0.01, 0.1, 2.0, 30.0):
        assert sum(demag.cylinder(1.0, t)) == pytest.approx(1.0, abs=1e-12)
    # thin disk: N_r = (t/(2 pi R)) (ln(8R/t) - 1/2) + O((t/R)^2 ln); long rod: N_z -> 8R/(3 pi t)
    r, t = 25.0, 0.5
    assert demag.cylinder(r, t)[0] == pytest.approx(t / (2 * math.pi * r) * (math.log(8 * r / t) - 0.5), rel=2e-3)
    assert demag.cylinder(1.0, 400.0)[2] == pytest.approx(8 / (3 * math.pi * 400.0), rel=5e-3)


def test_cylinder_against_monte_carlo():
    def disk(rng, n):
        r, th = np.sqrt(rng.random(n)), 2 * math.pi * rng.random(n)
        return r * np.cos(th), r * np.sin(th)

    for t in (2.0, 0.12):
        mean, se = _mc_nz(disk, math.pi, t, seed=int(t * 100))
        assert abs(demag.cylinder(1.0, t)[2] - mean) < 4 * se, (t, demag.cylinder(1.0, t), mean, se)


def test_elliptic_cylinder():
    a, b, t = 25.0, 75.0, 3.0
    nx, ny, nz = demag.elliptic_cylinder(a, b, t)
    assert nx + ny + nz == pytest.approx(1.0, abs=1e-9)
    assert nx > ny  # long axis y has the smaller factor
    # the circle limit and the Monte Carlo of N_z

    assert demag.elliptic_cylinder(25.0, 25.0 * (1 + 1e-6), t) == pytest.approx(demag.cylinder(25.0, t), abs=1e-6)

    def ellipse(rng, n):
        r, th = np.sqrt(rng.random(n)), 2 * math.pi * rng.random(n)
        return a * r * np.cos(th), b * r * np.sin(th)

    mean, se = _mc_nz(ellipse, math.pi * a * b, t, seed=5)
    assert abs(nz - mean) < 4 * se, (nz, mean, se)
    # swapping the axes swaps N_x and N_y
    assert demag.elliptic_cylinder(b, a, t) == pytest.approx((ny, nx, nz), abs=1e-9)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_bad_lengths_raise(bad):
    with pytest.raises(ValueError, match="must be a finite length > 0"):
        demag.cylinder(bad, 1.0)
