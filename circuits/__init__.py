"""circuits: Ising/QUBO networks of p-bits, their samplers and annealers, and the problems they solve.

Layers, each importing only those below it (and ``pbits``): :mod:`circuits.model` (what a network is),
:mod:`circuits.sampling` (how p-bits update), :mod:`circuits.annealing` and :mod:`circuits.device_network`
(long runs), :mod:`circuits.problems` (tasks mapped to networks), and the faces :mod:`circuits.cli` (the
``pbits`` command) and :mod:`circuits.plotting`. ``circuits.dimod_sampler`` (the optional D-Wave adapter) is not
imported here: it needs the ``dwave`` extra.
"""
__version__ = "0.1.0"

from circuits import annealing, device_network, model, problems, sampling  # noqa: E402,F401
