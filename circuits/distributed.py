"""Scale out: replicas sharded over devices (``jax.sharding``) and hosts (``jax.distributed``).

The samplers (:func:`circuits.gibbs.sample`, :func:`circuits.run.anneal`,
:func:`circuits.tempering.anneal`) take ``mesh=None`` (one device), ``mesh="auto"`` (all of
``jax.devices()``, on every host) or a ``jax.sharding.Mesh``. Spins are stored ``(n, R)``; the replica
axis R is split into equal contiguous blocks over all axes of the mesh (``NamedSharding`` with
``PartitionSpec(None, mesh.axis_names)``), couplings, colour classes and schedules are replicated, and
``jit`` (GSPMD) partitions the sweep. Every random number is a function of the key and of its global
element index, so a sharded run equals the single-device run bit for bit (tested with 4 forced host
devices). R must be a multiple of the device count: a clear ``ValueError`` says which counts work
(no padding, because padded replicas would change the random streams of the others).

Several hosts: start one process per host, call :func:`initialize` (or ``pbits maxcut --distributed``)
before anything else touches JAX, then pass ``mesh="auto"``: the mesh spans the devices of all processes.
Every process runs the same program with the same arguments (SPMD); results are gathered to every
process, process 0 writes checkpoints and decides when a time limit or ``interrupt`` stops the run
(Ctrl-C reaches one process only and is not coordinated).

Worked example, two hosts with the coordinator on ``host0`` (port 1234 open between them)::

    # on host0
    export PBITS_COORDINATOR=host0:1234 PBITS_NUM_PROCESSES=2 PBITS_PROCESS_ID=0
    pbits maxcut G81.txt --replicas 64 --distributed --json
    # on host1
    export PBITS_COORDINATOR=host0:1234 PBITS_NUM_PROCESSES=2 PBITS_PROCESS_ID=1
    pbits maxcut G81.txt --replicas 64 --distributed --json

Process 0 prints the result (and writes ``--checkpoint``); the others stay quiet. To try it on one
machine, run both commands in two shells with ``PBITS_COORDINATOR=localhost:1234`` (and, on CPU,
``XLA_FLAGS=--xla_force_host_platform_device_count=2`` to give each process two devices).

The same from Python: ``circuits.distributed.initialize()`` then
``circuits.run.anneal(0, model, n_replicas=64, mesh="auto")``. On a cluster manager that JAX detects
(SLURM, Open MPI, Kubernetes/TPU) the variables can be omitted: ``jax.distributed.initialize()`` finds
them itself. ``JAX_COORDINATOR_ADDRESS``, ``JAX_NUM_PROCESSES`` and ``JAX_PROCESS_ID`` are accepted
as alternative names. On CPU-only hosts JAX needs its gloo collectives, which
:func:`initialize` selects. Checked on one machine with two processes of two forced CPU devices each
(results equal to the one-device run bit for bit).
"""
from __future__ import annotations

import math
import os

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

_ENV = (("coordinator_address", ("PBITS_COORDINATOR", "JAX_COORDINATOR_ADDRESS")),
        ("num_processes", ("PBITS_NUM_PROCESSES", "JAX_NUM_PROCESSES")),
        ("process_id", ("PBITS_PROCESS_ID", "JAX_PROCESS_ID")))


def initialize(coordinator_address: str | None = None, num_processes: int | None = None,
               process_id: int | None = None, *, environ=None) -> dict:
    """Join a multi-host JAX job (``jax.distributed.initialize``); call once per process, first.

    Arguments left as None are read from ``PBITS_COORDINATOR`` / ``PBITS_NUM_PROCESSES`` /
    ``PBITS_PROCESS_ID`` (or the ``JAX_*`` names); if none is set, JAX's own cluster detection decides.
    This is a command-line-facing helper: library functions never read the environment.

    Args:
        coordinator_address: "host:port" of process 0.
        num_processes: number of processes (one per host).
        process_id: this process, 0 .. num_processes-1.
        environ: mapping to read instead of ``os.environ`` (tests).

    Returns:
        The arguments used, e.g. ``{"coordinator_address": "host0:1234", "num_processes": 2, "process_id": 0}``.

    Raises:
        ValueError: if a variable is malformed or ``process_id`` is out of range.

    Example:
        >>> resolve_args(environ={"PBITS_COORDINATOR": "h:1", "PBITS_NUM_PROCESSES": "2", "PBITS_PROCESS_ID": "1"})
        {'coordinator_address': 'h:1', 'num_processes': 2, 'process_id': 1}
    """
    kw = resolve_args(coordinator_address, num_processes, process_id, environ=environ)
    # cross-process collectives between CPU devices (harmless where accelerators do the work); asking
    # for the backend here would initialise it, which jax.distributed.initialize forbids
    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(**kw)
    return kw


def resolve_args(coordinator_address=None, num_processes=None, process_id=None, *, environ=None) -> dict:
    """The keyword arguments :func:`initialize` passes to ``jax.distributed.initialize`` (see there)."""
    env = os.environ if environ is None else environ
    given = {"coordinator_address": coordinator_address, "num_processes": num_processes, "process_id": process_id}
    out = {}
    for name, names in _ENV:
        value = given[name]
        if value is None:
            var = next((v for v in names if env.get(v)), None)
            if var is None:
                continue
            value = env[var]
            if name != "coordinator_address":
                try:
                    value = int(value)
                except ValueError:
                    raise ValueError(f"distributed.initialize: environment variable {var} must be an integer, "
                                     f"got {value!r}") from None
        out[name] = value
    n, i = out.get("num_processes"), out.get("process_id")
    if n is not None and n < 1:
        raise ValueError(f"distributed.initialize: argument 'num_processes' must be >= 1, got {n}")
    if n is not None and i is not None and not 0 <= i < n:
        raise ValueError(f"distributed.initialize: argument 'process_id' must be in 0..{n - 1}, got {i}")
    return out


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
    about 1.6x faster (BENCHMARKS.md). The results are bit for bit those of one device. The ``pbits``
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


def make_mesh(mesh) -> Mesh | None:
    """``None`` -> None (no sharding); ``"auto"`` -> a 1-D mesh ``("replicas",)`` over all ``jax.devices()``;
    a ``Mesh`` is returned as it is.

    Example:
        >>> make_mesh("auto").axis_names
        ('replicas',)
    """
    if mesh is None or isinstance(mesh, Mesh):
        return mesh
    if isinstance(mesh, str) and mesh == "auto":
        return Mesh(np.array(jax.devices()), ("replicas",))
    raise ValueError(f"argument 'mesh' must be None, 'auto' or a jax.sharding.Mesh, got {mesh!r}")


def check_replicas(mesh: Mesh | None, n_replicas: int, where: str) -> None:
    """Raise a ValueError naming the valid counts if ``n_replicas`` does not split evenly over ``mesh``."""
    if mesh is None:
        return
    d = mesh.size
    if n_replicas % d:
        lo, hi = d * (n_replicas // d), d * math.ceil(n_replicas / d)
        ok = f"{lo} or {hi}" if lo else f"{hi}"
        raise ValueError(f"{where}: {n_replicas} replicas cannot be split evenly over the mesh's {d} devices; "
                         f"use a multiple of {d} (e.g. {ok}) or a smaller mesh")


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
