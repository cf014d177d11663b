"""Checkpoints of the annealers (:mod:`circuits.annealing.simulated`, :mod:`circuits.annealing.tempering`):
``.npz`` files.

A checkpoint holds the sampler state (spins, energies, best-so-far), the key (data and implementation), the
seed, the sweeps done, the traces and the wall time so far, plus what identifies the run (the schedule or
ladder), so that a resumed run continues bit for bit and a checkpoint of another run is refused by name.
"""
from __future__ import annotations

from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np

from pbits.runtime import prng, sharding


def save(path, **arrays) -> None:
    """Write a checkpoint atomically (``.npz``; written to a temporary name, then renamed); with several
    processes, process 0 writes it."""
    if jax.process_index() != 0:  # several hosts: every process holds the same gathered arrays
        return
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **arrays)
    tmp.replace(path)


def load(path) -> dict:
    """Read a checkpoint written by :func:`save`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint file '{path}' does not exist")
    with np.load(path, allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def state_arrays(state) -> dict:
    """The fields of a sampler state (a NamedTuple of arrays) as host numpy arrays (gathered from all devices)."""
    return {f: sharding.to_host(x) for f, x in zip(state._fields, state)}


def common_arrays(key, seed, done: int, trace, wall: float) -> dict:
    """Key, seed, sweeps done, the run's trace (:class:`circuits.annealing.driver.Trace`) and wall time: the
    part of a checkpoint every annealer writes."""
    return dict(key=np.asarray(jax.random.key_data(key)), key_impl=np.array(str(jax.random.key_impl(key))),
                seed=np.array("" if seed is None else str(int(seed))), sweeps=np.array(done), trace_best=trace.best,
                trace_mean=trace.mean, trace_time=trace.time, trace_sweep=trace.sweep, wall_time=np.array(wall))


def check_resume(ck, path, where, shape, *same) -> None:
    """Named errors for a checkpoint that does not belong to this run (spins shape, schedule/ladder...)."""
    n, R = shape
    if ck["spins"].shape != (n, R):
        raise ValueError(f"{where}: checkpoint '{path}' holds spins of shape {ck['spins'].shape[::-1]} "
                         f"(R, n) but this run has ({R}, {n}); use the same model and --replicas")
    for name, value, what in same:
        if name not in ck:
            raise ValueError(f"{where}: checkpoint '{path}' has no '{name}'; it was written by another driver")
        if not np.array_equal(ck[name], value):
            raise ValueError(f"{where}: checkpoint '{path}' was made with another {name}; use the same {what}")


def key_of(ck):
    """``(key, seed)`` stored in a checkpoint (the seed as written, any Python int, or None for a key)."""
    key = jax.random.wrap_key_data(jnp.asarray(ck["key"]), impl=prng.resolve(str(ck["key_impl"])))
    seed = str(ck["seed"])
    return key, (int(seed) if seed else None)
