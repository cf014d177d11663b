"""Checkpoints of the annealers (:mod:`circuits.annealing.simulated`, :mod:`circuits.annealing.tempering`):
``.npz`` files.

A checkpoint holds the sampler state (spins, energies, best-so-far), the key (data and implementation), the
seed, the sweeps done, the traces and the wall time so far, plus what identifies the run (:func:`identity`: a
hash of the model's couplings and fields, the update rule, the schedule or ladder, the layout, the package
version), so that a resumed run continues bit for bit and a checkpoint of another run is refused by name.
Files that are not such a checkpoint (truncated, empty, foreign, hand-edited) get a one-line error naming the
file; nothing is ever unpickled.
"""
from __future__ import annotations

from pathlib import Path

import hashlib
import zipfile

import jax
import jax.numpy as jnp
import numpy as np

import pbits
from pbits.runtime import prng, sharding

VERSION = pbits.__version__  # the package version written into every checkpoint
_COMMON = ("spins", "energy", "best_spins", "best_energy", "key", "key_impl", "seed", "sweeps", "trace_best",
           "trace_mean", "trace_time", "trace_sweep", "wall_time")


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
    """Read a checkpoint written by :func:`save`; a file that is not one raises a ValueError naming it."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint file '{path}' does not exist")
    try:
        with np.load(path, allow_pickle=False) as z:
            if not hasattr(z, "files"):
                raise ValueError("a bare array, not an archive")
            ck = {k: z[k] for k in z.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as err:
        raise ValueError(f"checkpoint '{path}' is not a pbits checkpoint (truncated, empty or another file: "
                         f"{type(err).__name__}: {err}); remove it or pass the file that --checkpoint wrote") from None
    missing = [k for k in _COMMON if k not in ck]
    if missing:
        raise ValueError(f"checkpoint '{path}' is not a pbits checkpoint: it lacks {', '.join(missing)}")
    _check_values(ck, path)
    return ck


def _check_values(ck, path) -> None:
    """The values a resume trusts: spins +/-1, a non-negative sweep count within the traces, finite energies."""
    for name in ("spins", "best_spins"):
        a = ck[name]
        if a.ndim != 2 or not np.all(np.abs(a) == 1):
            raise ValueError(f"checkpoint '{path}': '{name}' must be a 2-D array of +/-1 spins; the file was edited "
                             "or damaged, start the run afresh")
    done = ck["sweeps"]
    if done.shape != () or not np.issubdtype(done.dtype, np.integer) or int(done) < 0 \
            or int(done) != ck["trace_best"].shape[0]:
        raise ValueError(f"checkpoint '{path}': 'sweeps' = {done!r} does not match its trace of "
                         f"{ck['trace_best'].shape[0]} sweeps; the file was edited or damaged, start the run afresh")
    for name in ("energy", "best_energy"):
        if not np.all(np.isfinite(ck[name])):
            raise ValueError(f"checkpoint '{path}': '{name}' is not finite; start the run afresh")


def fingerprint(*arrays) -> str:
    """A short SHA-256 of arrays (shape, dtype and bytes), or of their pytree leaves (None leaves skipped)."""
    h = hashlib.sha256()
    for a in jax.tree_util.tree_leaves(arrays):
        a = np.ascontiguousarray(np.asarray(a))
        h.update(f"{a.dtype}{a.shape}".encode())
        h.update(a.tobytes())
    return h.hexdigest()[:16]


def rule_name(update) -> str:
    """What identifies an update rule: its function's qualified name and a fingerprint of its array parameters."""
    func = getattr(update, "func", update)
    args = getattr(update, "args", ())
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', repr(func))}" + (
        f"[{fingerprint(*args)}]" if args else "")


def identity(driver: str, model, update, packed: bool) -> dict:
    """The fields that identify a run besides its state: the driver ("anneal", "tempering"), the model, the
    rule, the layout and the package version."""
    return {"driver": driver, "model": fingerprint(model), "rule": rule_name(update),
            "layout": "packed" if packed else "int8", "version": VERSION}


_FIX = {"driver": "resume it with the driver that wrote it (--method)",
        "model": "resume with the same graph or model file", "rule": "resume with the same --rule / update rule",
        "layout": "resume with packed=None (the saved layout is kept)",
        "seed": "resume with the seed it was written with",
        "version": "finish the run with the version that wrote it, or start afresh"}


def check_identity(ck, path, where, ident: dict, seed=None) -> None:
    """Refuse, by name, a checkpoint whose identity differs from this run's (``seed``: an int seed given)."""
    now = dict(ident)
    saved = {k: str(ck[f"id_{k}"]) for k in now if f"id_{k}" in ck}
    if seed is not None and str(ck["seed"]):
        now["seed"], saved["seed"] = str(int(seed)), str(ck["seed"])
    for k in now:
        if k in saved and saved[k] != now[k]:
            raise ValueError(f"{where}: checkpoint '{path}' belongs to another run: its {k} is {saved[k]!r}, this "
                             f"run's is {now[k]!r}; {_FIX[k]}")
        if k not in saved and k != "seed":
            raise ValueError(f"{where}: checkpoint '{path}' does not record its {k}; it was written by another "
                             "version or program: start the run afresh")


def identity_arrays(ident: dict) -> dict:
    """The identity fields as checkpoint arrays ``id_<field>``."""
    return {f"id_{k}": np.array(v) for k, v in ident.items()}


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
