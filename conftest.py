"""Repository-level pytest configuration: the doctests of the library modules run with the tests.

Doctests get ``jax``, ``jnp`` and ``np`` from ``doctest_namespace``; any other name an example needs it
imports itself, so no module imports a name only for its examples. The D-Wave adapter is an optional extra
whose module cannot be imported without dimod.
"""
import importlib.util

import pytest

collect_ignore = [] if importlib.util.find_spec("dimod") else ["circuits/dimod_sampler.py"]


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    import jax
    import jax.numpy as jnp
    import numpy as np

    doctest_namespace.update(jax=jax, jnp=jnp, np=np)
