"""Meshes and placement: many replicas (or magnets) split over devices (``jax.sharding``) and hosts.

The samplers of ``circuits`` and :func:`pbits.sllg.simulate` take ``mesh=None`` (one device), ``mesh="auto"``
(all of ``jax.devices()``, on every host) or a ``jax.sharding.Mesh``. The batch axis (replicas of a sampler,
magnets of the sLLG engine) is split into equal contiguous blocks over all axes of the mesh (``NamedSharding``),
parameters are replicated, and ``jit`` (GSPMD) partitions the computation. Every random number is a function
of the key and of its global element index (:mod:`pbits.runtime.prng`), so a sharded run equals the
single-device run bit for bit. The batch must be a multiple of the device count: a clear ``ValueError`` says
which counts work (no padding, because padded entries would change the random streams of the others).

Several hosts: every process runs the same program with the same arguments (SPMD) after
``jax.distributed.initialize`` (the ``pbits`` command does it with ``--distributed``); results are gathered
to every process, process 0 writes checkpoints and decides when a time limit stops a run (:func:`agree`).
This module reads no environment variables; :func:`use_cpu_cores` writes ``XLA_FLAGS`` for the faces
(command line, benchmarks, notebooks) that ask it to.
"""
from __future__ import annotations

import math
import os

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity mask: taskset, cgroups, SLURM), not the host's count."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def use_cpu_cores(environ=None, cores: int | None = None) -> bool:
    """Give XLA one CPU device per core (set ``XLA_FLAGS`` before JAX starts its backend); True if set.

    XLA:CPU runs a small sweep mostly on one core; ``--xla_force_host_platform_device_count`` (one
    device per core) with ``--xla_cpu_multi_thread_eigen=false`` (no intra-op threads competing with
    them) lets ``mesh="auto"`` run one block of replicas per core: on 2 cores G22 x 64 replicas anneals
    about 1.6x faster (BENCHMARKS.md of the repository). The results are bit for bit those of one device. The ``pbits``
    command and the benchmarks call this first; in a notebook, call it before the first JAX computation.
    Leaves ``XLA_FLAGS`` alone if it already sets a device count, and does nothing on one core.
    This is a command-line-facing helper: library functions never read the environment.

    Args:
        environ: mapping to update instead of ``os.environ`` (tests).
        cores: devices to create (default :func:`usable_cores`).

    Example:
        >>> env = {}
        >>> use_cpu_cores(env, cores=2), env["XLA_FLAGS"]
        (True, '--xla_force_host_platform_device_count=2 --xla_cpu_multi_thread_eigen=false')
        >>> use_cpu_cores(env, cores=4)  # a device count is set already: left alone
        False
    """
    env = os.environ if environ is None else environ
    cores = usable_cores() if cores is None else int(cores)
    flags = env.get("XLA_FLAGS", "")
    if cores < 2 or "xla_force_host_platform_device_count" in flags:
        return False
    extra = f"--xla_force_host_platform_device_count={cores}"
    if "xla_cpu_multi_thread_eigen" not in flags:
        extra += " --xla_cpu_multi_thread_eigen=false"
    env["XLA_FLAGS"] = f"{flags} {extra}".strip()
    return True


def local_mesh(n_replicas: int):
    """``"auto"`` if the replicas split evenly over several local devices, else None (one device)."""
    d = len(jax.devices())
    return "auto" if d > 1 and n_replicas % d == 0 else None


def make_mesh(mesh, axis_name: str = "replicas") -> Mesh | None:
    """``None`` -> None (no sharding); ``"auto"`` -> a 1-D mesh ``(axis_name,)`` over all ``jax.devices()``;
    a ``Mesh`` is returned as it is.

    Example:
        >>> make_mesh("auto").axis_names
        ('replicas',)
    """
    if mesh is None or isinstance(mesh, Mesh):
        return mesh
    if isinstance(mesh, str) and mesh == "auto":
        return Mesh(np.array(jax.devices()), (axis_name,))
    raise ValueError(f"argument 'mesh' must be None, 'auto' or a jax.sharding.Mesh, got {mesh!r}")


def check_split(mesh: Mesh | None, n: int, where: str, what: str = "replicas") -> None:
    """Raise a ValueError naming the valid counts if ``n`` ``what`` (replicas, magnets) do not split evenly
    over ``mesh``.

    Example:
        >>> check_split(None, 3, "demo")  # one device: anything goes
    """
    if mesh is None:
        return
    d = mesh.size
    if n % d:
        lo, hi = d * (n // d), d * math.ceil(n / d)
        ok = f"{lo} or {hi}" if lo else f"{hi}"
        fits = " or ".join(str(k) for k in range(1, d + 1) if n % k == 0)
        raise ValueError(f"{where}: N = {n} {what} cannot be split evenly over the mesh's {d} devices; "
                         f"use a multiple of {d} {what} (e.g. {ok}) or a mesh of {fits} devices")


def replica_sharding(mesh: Mesh, ndim: int, axis: int) -> NamedSharding:
    """Sharding of an ``ndim`` array whose ``axis`` is the replica axis (split over all mesh axes)."""
    spec = [None] * ndim
    spec[axis] = tuple(mesh.axis_names)
    return NamedSharding(mesh, PartitionSpec(*spec))


def put(x, mesh: Mesh | None, axis: int | None = None):
    """Place array ``x`` on ``mesh``: replica ``axis`` sharded, or replicated if ``axis`` is None.

    Works with several processes too (each process supplies the same global value).
    """
    if mesh is None:
        return x
    if hasattr(x, "sharding") and hasattr(x, "is_fully_addressable") and not x.is_fully_addressable:
        return x  # already a global array
    sharding = NamedSharding(mesh, PartitionSpec()) if axis is None else replica_sharding(mesh, np.ndim(x), axis)
    if jax.process_count() == 1:
        return jax.device_put(x, sharding)
    if jax.dtypes.issubdtype(getattr(x, "dtype", None), jax.dtypes.prng_key):
        return jax.device_put(x, sharding)
    host = np.asarray(x)
    return jax.make_array_from_callback(host.shape, sharding, lambda idx: host[idx])


def put_tree(tree, mesh: Mesh | None, axis: int | None = None):
    """:func:`put` on every array leaf of a pytree (None leaves stay None)."""
    if mesh is None:
        return tree
    return jax.tree_util.tree_map(lambda x: put(x, mesh, axis), tree)


def put_batch_last(tree, n: int, mesh: Mesh | None):
    """Place every leaf on ``mesh``: split along its last axis if that axis has length ``n`` (the batch of
    magnets or replicas), else replicated. Only where data live depends on this guess; results do not."""
    if mesh is None:
        return tree
    axes = tuple(mesh.axis_names)

    def place(x):
        x = x if isinstance(x, jax.Array) else jnp.asarray(x)
        spec = PartitionSpec(*(None,) * (x.ndim - 1), axes) if x.ndim and x.shape[-1] == n else PartitionSpec()
        return jax.device_put(x, NamedSharding(mesh, spec))

    return jax.tree_util.tree_map(place, tree)


def to_host(x) -> np.ndarray:
    """A numpy copy of ``x``, gathered from all processes if it spans several hosts."""
    if hasattr(x, "is_fully_addressable") and not x.is_fully_addressable and not x.is_fully_replicated:
        from jax.experimental import multihost_utils

        return np.asarray(multihost_utils.process_allgather(x, tiled=True))
    return np.asarray(x)


def agree(choice, options):
    """Process 0's ``choice`` (None or one of ``options``) on every process, so that all processes stop
    a run after the same chunk (clocks and callbacks differ between hosts). One process: ``choice``."""
    if jax.process_count() == 1:
        return choice
    from jax.experimental import multihost_utils

    code = 0 if choice is None else 1 + list(options).index(choice)
    code = int(multihost_utils.broadcast_one_to_all(np.int32(code)))
    return None if code == 0 else options[code - 1]
