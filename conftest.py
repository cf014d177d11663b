"""Repository-level pytest configuration: doctests of the library modules run with the tests."""
import importlib.util

# The D-Wave adapter is an optional extra; without dimod its module (and doctest) cannot be imported.
collect_ignore = [] if importlib.util.find_spec("dimod") else ["circuits/dimod_sampler.py"]
