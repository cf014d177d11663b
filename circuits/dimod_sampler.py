"""Optional adapter for D-Wave Ocean users: the p-bit annealer as a ``dimod`` sampler.

Installed with the ``dwave`` extra (``pip install -e ".[dwave]"``); the rest of the package never
imports this module or dimod.

Example:
    >>> import dimod
    >>> ss = PbitSampler().sample_ising({}, {("a", "b"): -1.0}, num_reads=4, num_sweeps=50, seed=1)
    >>> float(ss.first.energy)
    -1.0
"""
from __future__ import annotations

import dimod
import numpy as np

from circuits.annealing import schedules, simulated
from circuits.model import ising


class PbitSampler(dimod.Sampler):
    """Simulated annealing with chromatic Gibbs sweeps of behavioural p-bits, as a dimod Sampler.

    ``num_reads`` replicas run in parallel; each read is its replica's final state, as in
    dwave-samplers' SimulatedAnnealingSampler. The schedule is geometric over ``beta_range`` (default from the coupling
    scale, :func:`circuits.annealing.schedules.default_beta_range`).
    """

    parameters = {"num_reads": [], "num_sweeps": [], "beta_range": [], "seed": [], "time_limit": []}
    properties = {"description": "pbits chromatic-Gibbs p-bit annealer (JAX)"}

    def sample_ising(self, h, J, *, num_reads: int = 16, num_sweeps: int = 1000, beta_range=None,
                     seed: int = 0, time_limit: float | None = None, **kwargs) -> dimod.SampleSet:
        """Sample ``E(s) = sum h_i s_i + sum J_ij s_i s_j`` (dimod's sign convention)."""
        if kwargs:
            raise ValueError(f"PbitSampler: unknown parameter(s) {sorted(kwargs)}; known: {sorted(self.parameters)}")
        variables = list(dict.fromkeys(list(h) + [v for edge in J for v in edge]))
        if not variables:
            return dimod.SampleSet.from_samples([], "SPIN", energy=[])
        pos = {v: i for i, v in enumerate(variables)}
        n = len(variables)
        Jm, hv = np.zeros((n, n)), np.zeros(n)
        for v, b in h.items():
            hv[pos[v]] -= b  # dimod: +h s  ->  ours: -h s
        for (u, v), b in J.items():
            if u == v:
                raise ValueError(f"PbitSampler: self-coupling on variable {u!r} is not an Ising interaction")
            Jm[pos[u], pos[v]] -= b  # dimod: +J s s (each pair once) -> ours: -1/2 s^T J s
            Jm[pos[v], pos[u]] -= b
        model = ising.from_dense(Jm, hv, layout="sparse")
        betas = None
        if beta_range is not None:
            betas = schedules.geometric(float(beta_range[0]), float(beta_range[1]), int(num_sweeps))
        res = simulated.anneal(int(seed), model, betas, n_sweeps=int(num_sweeps), n_replicas=int(num_reads),
                         time_limit=time_limit)
        samples = np.asarray(res.final_spins)
        bqm = dimod.BinaryQuadraticModel.from_ising(h, J)
        info = {"wall_time_s": res.wall_time, "sweeps": res.sweeps, "stopped": res.stopped,
                "spin_updates_per_s": res.spin_updates_per_s}
        return dimod.SampleSet.from_samples_bqm((samples.astype(np.int8), variables), bqm, info=info)
