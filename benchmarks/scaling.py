"""Throughput against device count: spin updates/s of ``simulated.anneal`` on G22 with replicas sharded,
and magnet-steps/s of ``sllg.simulate`` with the magnet axis sharded.

    JAX_PLATFORMS=cpu python benchmarks/scaling.py [--devices 1 2 4 8] [--replicas 64] [--sweeps 200]
                                                   [--magnets 100000] [--steps 2000]

One subprocess per device count N, started with ``XLA_FLAGS=--xla_force_host_platform_device_count=N``
(the flag only acts when JAX starts) and ``mesh="auto"``; each reports the best of ``--repeats`` runs
after a warm-up (compilation excluded: ``Result.run_time``). On a GPU machine, pass ``--platform gpu``
to use the real devices instead of forced host devices (then N is capped by ``jax.devices()``).

Forced host devices split one CPU's cores between them, so on a machine with c cores the throughput
can grow at most up to N = c and is flat (or drops, from the partitioning overhead) beyond.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from _common import SHARED  # noqa: E402  (benchmarks/ is on sys.path when a script runs)

CHILD = """
import json, sys
import jax, numpy as np
from circuits.annealing import schedules, simulated
from circuits.problems import gset, maxcut
graph, R, sweeps, repeats, ndev = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
g = gset.read(graph)
model = maxcut.to_ising(g)
b0, b1 = schedules.default_beta_range(model)
betas = schedules.geometric(b0, b1, sweeps)
mesh = jax.sharding.Mesh(np.array(jax.devices()[:ndev]), ("replicas",))
first = simulated.anneal(0, model, betas, n_replicas=R, mesh=mesh)
rates = [simulated.anneal(s, model, betas, n_replicas=R, mesh=mesh).spin_updates_per_s for s in range(1, repeats + 1)]
print("RESULT" + json.dumps({"devices": ndev, "platform": jax.devices()[0].platform, "compile_s": first.compile_time,
                             "ups": max(rates), "cut": float(maxcut.cut_value(g, first.best_spins))}))
"""

SLLG_CHILD = """
import json, sys, time
import jax, jax.numpy as jnp, numpy as np
import pbits.sllg as sllg
from pbits.device import magnet, torques
from pbits.device.stack import Device
from pbits.runtime import prng
N, steps, repeats, ndev = (int(a) for a in sys.argv[1:5])
mag = magnet.preset("inplane_low_barrier")
device = Device(mag, torques.drive_self(torques.preset_self("ni"), mag), jnp.zeros(3))
m0 = jnp.tile(jnp.array([[0.0], [1.0], [0.0]], jnp.float32), (1, N))
mesh = jax.sharding.Mesh(np.array(jax.devices()[:ndev]), ("magnets",))
run = lambda s: sllg.simulate(prng.key(s), device, m0, dt=1e-13, n_steps=steps, record=(), record_every=steps,
                              mesh=mesh).m  # returned on the host: the run has finished
run(0)
times = []
for s in range(1, repeats + 1):
    t = time.perf_counter(); run(s); times.append(time.perf_counter() - t)
print("RESULT" + json.dumps({"devices": ndev, "platform": jax.devices()[0].platform, "msps": N * steps / min(times)}))
"""


def measure(n_devices, graph, replicas, sweeps, repeats, platform, child=CHILD):
    env = dict(os.environ)
    if platform == "cpu":
        env.update(JAX_PLATFORMS="cpu", XLA_FLAGS=f"--xla_force_host_platform_device_count={n_devices}")
    args = [str(graph), str(replicas), str(sweeps)] if child is CHILD else [str(replicas), str(sweeps)]
    proc = subprocess.run([sys.executable, "-c", child, *args, str(repeats), str(n_devices)], env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"{n_devices} devices: {proc.stderr[-2000:]}")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--graph", default="G22")
    p.add_argument("--devices", type=int, nargs="*", default=[1, 2, 4, 8])
    p.add_argument("--replicas", type=int, default=64)
    p.add_argument("--sweeps", type=int, default=200)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--platform", choices=("cpu", "gpu"), default="cpu")
    p.add_argument("--magnets", type=int, default=100_000, help="sLLG magnets (a multiple of every device count)")
    p.add_argument("--steps", type=int, default=2000, help="sLLG steps per timed run")
    a = p.parse_args(argv)
    graph = SHARED / "gset" / f"{a.graph}.txt"
    if not graph.is_file():
        print(f"{graph} not found (set PBITS_SHARED)", file=sys.stderr)
        return 1
    print(f"# {a.graph}, {a.replicas} replicas, {a.sweeps} sweeps, replicas sharded with mesh over N devices; "
          f"{os.cpu_count()} CPU cores")
    print("| devices | platform | spin updates/s | flips/ns | vs 1 device | compile s |")
    print("|---:|---|---:|---:|---:|---:|")
    base = None
    for n in a.devices:
        r = measure(n, graph, a.replicas, a.sweeps, a.repeats, a.platform)
        base = base or r["ups"]
        print(f"| {n} | {r['platform']} | {r['ups']:.3g} | {r['ups'] / 1e9:.3f} | {r['ups'] / base:.2f} | "
              f"{r['compile_s']:.2f} |", flush=True)
    print(f"\n# sLLG: {a.magnets} in-plane low-barrier magnets, {a.steps} Heun steps, float32, FAST key, "
          "magnet axis sharded")
    print("| devices | platform | magnet-steps/s | vs 1 device |")
    print("|---:|---|---:|---:|")
    base = None
    for n in a.devices:
        r = measure(n, None, a.magnets, a.steps, a.repeats, a.platform, child=SLLG_CHILD)
        base = base or r["msps"]
        print(f"| {n} | {r['platform']} | {r['msps']:.3g} | {r['msps'] / base:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
