"""Accelerator throughput in one short run: spin flips per ns and sLLG magnet-steps per second.

    python benchmarks/gpu.py              # on whatever JAX finds first (a GPU when there is one), < 8 minutes
    python benchmarks/gpu.py --quick      # a smoke run of the same code paths (CPU, seconds)

Rows (each timed after a warm-up run of the same shapes, best of ``--repeats``):

* 2D Ising: the L x L periodic ferromagnet (J = +1) at beta_c = ln(1 + sqrt 2) / 2, chromatic (checkerboard)
  sweeps of R replicas, packed layout where it applies; *flips/ns* counts attempted single-spin updates per
  nanosecond of wall time (n R sweeps / seconds / 1e9), the figure thrml and FPGA p-computers report.
* G-set: G22 from the shared data (or a generated 2000-node random graph of the same density), an annealing run
  of R replicas (the Max-Cut sweep of ``pbits maxcut``).
* sLLG: N low-barrier in-plane magnets (the p-bit preset), stochastic Heun at dt = 0.1 ps, fast counter-based
  PRNG; *magnet-steps/s*.

Nothing here is CPU-specific: the replicas are sharded over all local devices of the default backend
(``mesh="auto"`` when R divides evenly); on a CPU the script first asks XLA for one device per core, as the
``pbits`` command does. Target on one GPU: >= 100 flips/ns (thrml reports about 23 per B200).
"""
from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time

from pbits.runtime import sharding

sharding.use_cpu_cores()  # CPU only; before JAX starts its backend

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from circuits.annealing import schedules, simulated  # noqa: E402
from circuits.problems import gset, instances, maxcut  # noqa: E402
from circuits.sampling import rules  # noqa: E402

from _common import SHARED  # noqa: E402


def best_of(run, repeats: int) -> float:
    """Fastest wall time of ``run()`` over ``repeats`` calls, after one warm-up call [s]."""
    run()
    best = math.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def spin_rate(graph, replicas: int, sweeps: int, betas, repeats: int) -> dict:
    """Spin updates per ns of ``simulated.anneal`` on ``graph`` (run time only: compilation excluded)."""
    model = maxcut.to_ising(graph)
    mesh = sharding.local_mesh(replicas)
    chunk = min(sweeps, 1024)
    times = []

    def run():
        r = simulated.anneal(len(times), model, betas, n_replicas=replicas, update=rules.metropolis, mesh=mesh,
                             chunk=chunk)
        times.append(r.run_time)
        return r

    best_of(run, repeats)
    t = min(times[1:])
    return dict(seconds=t, flips_per_ns=graph.n * replicas * sweeps / t / 1e9)


def sllg_rate(n: int, steps: int, repeats: int) -> float:
    """Magnet-steps per second of the sLLG integrator on ``n`` p-bit magnets."""
    import pbits.sllg as sllg
    from pbits.device import magnet
    from pbits.device.stack import Device
    from pbits.runtime import prng

    dev = Device(magnet.preset("inplane_low_barrier"))
    m0 = jnp.asarray(sllg.initial(n, (0.0, 1.0, 0.0)), jnp.float32)
    kw = dict(dt=1e-13, n_steps=steps, record=(), record_every=steps, chunk_steps=steps)
    key = prng.key(0)
    t = best_of(lambda: jax.block_until_ready(sllg.simulate(key, dev, m0, **kw)), repeats)
    return n * steps / t


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="small sizes (a smoke test of the code paths)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", metavar="FILE", help="also write the rows to FILE")
    a = p.parse_args(argv)
    backend = jax.default_backend()
    on_cpu = backend == "cpu"
    quick = a.quick
    L = 64 if quick else (1024 if not on_cpu else 256)
    R_ising = 8 if quick else (256 if not on_cpu else 64)
    R_gset = 8 if quick else (1024 if not on_cpu else 64)
    sweeps = 50 if quick else (1000 if not on_cpu else 200)
    magnets = 10_000 if quick else (10_000_000 if not on_cpu else 100_000)
    steps = 100 if quick else (1000 if not on_cpu else 200)
    print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; backend {backend}, "
          f"{len(jax.local_devices())} device(s): {jax.local_devices()[0].device_kind}; {platform.processor()}")
    rows = []
    t0 = time.perf_counter()
    beta_c = math.log(1 + math.sqrt(2)) / 2
    ferro = instances.torus2d(L, seed=0)
    ferro = ferro._replace(weights=-np.ones(len(ferro.edges)), name=f"ising2d_L{L}")  # w = -J, J = +1
    r = spin_rate(ferro, R_ising, sweeps, schedules.constant(beta_c, sweeps), a.repeats)
    rows.append(dict(row="2D Ising", size=f"{L}x{L} x {R_ising} replicas", **r))
    g = gset.read(SHARED / "gset" / "G22.txt") if (SHARED / "gset" / "G22.txt").is_file() else \
        gset.random_graph(2000, 0.01, seed=0)
    b0, b1 = schedules.default_beta_range(maxcut.to_ising(g))
    r = spin_rate(g, R_gset, sweeps, schedules.lazy_geometric(b0, b1, sweeps), a.repeats)
    rows.append(dict(row=f"G-set {g.name}", size=f"{g.n} x {R_gset} replicas", **r))
    rate = sllg_rate(magnets, steps, a.repeats)
    rows.append(dict(row="sLLG", size=f"{magnets} magnets x {steps} steps", magnet_steps_per_s=rate))
    print("| row | size | flips/ns | magnet-steps/s |")
    print("|---|---|---:|---:|")
    for row in rows:
        f = row.get("flips_per_ns")
        m = row.get("magnet_steps_per_s")
        print(f"| {row['row']} | {row['size']} | {'' if f is None else f'{f:.3g}'} | "
              f"{'' if m is None else f'{m:.3g}'} |")
    print(f"# total {time.perf_counter() - t0:.0f} s")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(dict(backend=backend, devices=len(jax.local_devices()), rows=rows), fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
