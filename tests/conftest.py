"""Shared fixtures: the data directory, Kaufman's exact 2D Ising energies and the 2D torus model.

Tests mirror the package tree (``tests/pbits``, ``tests/circuits``, ``tests/cli``); no test imports another
test: what several need lives here.
"""
import csv
import os
from pathlib import Path

import numpy as np
import pytest

from circuits.model import ising


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``$PBITS_SHARED``, else ``shared/`` beside the repository (the data the CLI reads too)."""
    env = os.environ.get("PBITS_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def kaufman(shared_dir) -> dict:
    """``{(L, T): exact energy per spin}`` of the ferromagnetic 2D Ising model on an L x L torus."""
    path = shared_dir / "ising2d" / "kaufman_finite_torus.csv"
    if not path.is_file():
        pytest.skip(f"exact 2D Ising data not found at {path} (set PBITS_SHARED)")
    with open(path, newline="") as f:
        return {(int(r["L"]), round(float(r["T"]), 6)): float(r["energy_per_spin"]) for r in csv.DictReader(f)}


def torus_model(L: int) -> ising.IsingModel:
    """The L x L ferromagnetic torus, J = +1 between nearest neighbours."""
    idx = np.arange(L * L).reshape(L, L)
    edges = np.concatenate([np.stack([idx.ravel(), np.roll(idx, -1, 0).ravel()], 1),
                            np.stack([idx.ravel(), np.roll(idx, -1, 1).ravel()], 1)])
    return ising.from_edges(L * L, edges)


@pytest.fixture(scope="session")
def torus():
    """``torus(L)``: the L x L ferromagnetic torus model (J = +1)."""
    return torus_model


@pytest.fixture(scope="session")
def random_hubo():
    """``make(n, order, seed)``: a random spin model of n spins with fields, n pair terms and n terms of each order
    3..order (normal coefficients, offset 0.5), for tests against enumeration."""
    from circuits.model import hubo

    def make(n, order, seed):
        rng = np.random.default_rng(seed)
        terms = {(i,): 0.3 * rng.normal() for i in range(n)}
        for k in range(2, order + 1):
            for _ in range(n):
                terms[tuple(sorted(rng.choice(n, k, replace=False).tolist()))] = rng.normal()
        return hubo.from_dict(terms, n, offset=0.5)

    return make
