"""sLLG throughput: magnet-steps per second of pbits vs cmtj (or a NumPy reference), side by side.

Same physics in every column: the low-barrier in-plane CoFeB disk preset (easy y, H_D ~ M_s,
alpha = 0.01, T = 300 K), stochastic Heun with the Brown thermal field, dt = 0.1 ps, renormalised.
pbits columns: float32 with JAX's threefry key and with the fast counter-hash key ``pbits.runtime.prng.key``
(Box-Muller normals), the weak ``noise="uniform"`` variant (sqrt(3) U(-1, 1); statistics only, reported
apart from the Gaussian figures), the fast key with the magnets sharded over 2 forced host devices
(``mesh="auto"``, run in a subprocess), and float64 with the fast key.

    python benchmarks/sllg.py            # full table (a few minutes on 2 cores)
    python benchmarks/sllg.py --quick    # smaller step counts

cmtj (pip install cmtj; the `bench` extra) integrates one junction at a time, so its rate does not
depend on N: it is measured on three junctions, again in each row (the machine is shared, so rates drift). The NumPy reference is the
same Heun step as pbits, vectorised over magnets in float64, with numpy's default generator.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
if "--worker" in sys.argv:  # the sharded column: host devices must be forced before JAX starts
    _nd = sys.argv[sys.argv.index("--worker") + 1]
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count={_nd}"

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)  # script-level: lets the float64 column run; float32 stays float32

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402

from pbits import constants as C  # noqa: E402
import pbits.sllg as sllg  # noqa: E402
from pbits.device import magnet  # noqa: E402
from pbits.device.stack import Device  # noqa: E402
from pbits.runtime import prng  # noqa: E402

DT = 1e-13
SIZES = (1, 1_000, 10_000, 100_000)


def steps_for(n: int, quick: bool) -> int:
    base = {1: 20_000, 1_000: 4_000, 10_000: 1_000, 100_000: 200}[n]
    return max(base // (4 if quick else 1), 50)


def bench_pbits(n, steps, dtype, impl, repeats=5, noise="gaussian", mesh=None):
    dev = Device(magnet.preset("inplane_low_barrier"))
    m0 = jnp.asarray(sllg.initial(n, (0.0, 1.0, 0.0)), dtype=dtype)
    key = jax.random.key(0, impl=impl)
    kw = dict(dt=DT, n_steps=steps, record=(), record_every=steps, chunk_steps=steps, noise=noise, mesh=mesh)
    sllg.simulate(key, dev, m0, **kw)  # compile
    best = np.inf
    for r in range(repeats):
        t0 = time.perf_counter()
        sllg.simulate(jax.random.fold_in(key, r + 1), dev, m0, **kw)
        best = min(best, time.perf_counter() - t0)
    return n * steps / best


def numpy_heun(n, steps, seed=0):
    """Plain NumPy reference: the same LL-form Heun step, float64, vectorised over magnets."""
    mag = magnet.preset("inplane_low_barrier")
    a = float(mag.alpha)
    k = C.GAMMA0 * DT / (1 + a * a)
    hk = k * float(mag.hk)
    dem = k * float(mag.ms) * np.asarray(mag.demag)
    nvec = np.asarray(mag.easy_axis)
    sig = k * np.sqrt(2 * a * C.KB * float(mag.temperature) / (C.GAMMA0 * C.MU0 * float(mag.ms) * float(mag.volume) * DT))
    rng = np.random.default_rng(seed)
    m = np.zeros((3, n))
    m[1] = 1.0

    def inc(m, h):
        p = hk * (nvec @ m) * nvec[:, None] - dem[:, None] * m + h
        b = a * p
        c = np.cross(m, b, axis=0)
        return -np.cross(m, p, axis=0) - np.cross(m, c, axis=0)

    t0 = time.perf_counter()
    for _ in range(steps):
        h = sig * rng.standard_normal((3, n))
        d0 = inc(m, h)
        mp = m + d0
        mp /= np.linalg.norm(mp, axis=0)
        m = m + 0.5 * (d0 + inc(mp, h))
        m /= np.linalg.norm(m, axis=0)
    return n * steps / (time.perf_counter() - t0)


def cmtj_rate(steps, junctions=3):
    """cmtj, one junction at a time, Heun solver with temperature (its p-bit example setup)."""
    try:
        import cmtj
    except ImportError:
        return None
    mag = magnet.preset("inplane_low_barrier")
    demag = [cmtj.CVector(*row) for row in np.diag(np.asarray(mag.demag))]
    ms_t = C.MU0 * float(mag.ms)  # cmtj takes M_s in tesla
    area = float(mag.volume) / float(mag.thickness)
    k_u = C.MU0 * float(mag.ms) * float(mag.hk) / 2  # J/m^3
    total = 0.0
    for j in range(junctions):
        layer = cmtj.Layer("free", mag=cmtj.CVector(0.0, 1.0, 0.0), anis=cmtj.CVector(0.0, 1.0, 0.0), Ms=ms_t,
                           thickness=float(mag.thickness), cellSurface=area, demagTensor=demag,
                           damping=float(mag.alpha))
        junction = cmtj.Junction([layer])
        junction.setLayerAnisotropyDriver("free", cmtj.constantDriver(k_u))
        junction.setLayerTemperatureDriver("free", cmtj.constantDriver(float(mag.temperature)))
        t0 = time.perf_counter()
        junction.runSimulation(steps * DT, DT, steps * DT, solverMode=cmtj.SolverMode.Heun)
        total += time.perf_counter() - t0
    return junctions * steps / total


def sharded(devices, sizes, quick):
    """{N: rate} of the fast key with ``mesh="auto"`` over ``devices`` forced host devices (a subprocess)."""
    cmd = [sys.executable, __file__, "--worker", str(devices), "--sizes", *map(str, sizes)]
    cmd += ["--quick"] if quick else []
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        print(r.stderr[-2000:], file=sys.stderr)
        return {}
    return {int(k): v for k, v in json.loads(r.stdout.strip().splitlines()[-1]).items()}


def worker(devices, sizes, quick):
    assert len(jax.devices()) == devices, jax.devices()
    out = {n: bench_pbits(n, steps_for(n, quick), jnp.float32, prng.FAST, mesh="auto")
           for n in sizes if n % devices == 0}
    print(json.dumps(out))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps per measurement")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SIZES))
    parser.add_argument("--devices", type=int, default=2, help="host devices of the sharded column")
    parser.add_argument("--worker", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.sizes, args.quick)

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, jax {jax.__version__}, "
          f"backend {jax.default_backend()}")
    c_rate = cmtj_rate(steps_for(1, args.quick))
    peer = "cmtj (Heun, 1 junction at a time)" if c_rate is not None else "cmtj not installed"
    print(f"peer: {peer}: {c_rate:.3g} magnet-steps/s" if c_rate else f"peer: {peer}")
    shard = f"f32 fast {args.devices} dev"
    cols = ["f32 threefry", "f32 fast", shard, "f32 fast uniform*", "f64 fast", "numpy f64", "cmtj"]
    rows = []
    for n in args.sizes:
        steps = steps_for(n, args.quick)
        row = {"N": n, "steps": steps}
        row["f32 threefry"] = bench_pbits(n, steps, jnp.float32, "threefry2x32")
        row["f32 fast"] = bench_pbits(n, steps, jnp.float32, prng.FAST)
        row["f32 fast uniform*"] = bench_pbits(n, steps, jnp.float32, prng.FAST, noise="uniform")
        row["f64 fast"] = bench_pbits(n, steps, jnp.float64, prng.FAST)
        row["numpy f64"] = numpy_heun(n, max(steps // 4, 20))
        row["cmtj"] = cmtj_rate(steps_for(1, args.quick) // 2) if c_rate is not None else None  # re-measured per row
        rows.append(row)
        print(f"N = {n:>6d}: " + ", ".join(f"{k} {v:.3g}" for k, v in row.items() if k not in ("N", "steps") and v),
              flush=True)
    two = sharded(args.devices, args.sizes, args.quick)
    for row in rows:
        row[shard] = two.get(row["N"])

    def ratio(a, b):
        return f"{a / b:.2g}x" if a and b else "n/a"

    print("\n| N | " + " | ".join(cols) + " | fast / cmtj | best Gaussian / cmtj | uniform* / cmtj |")
    print("|---:|" + "---:|" * (len(cols) + 3))
    for row in rows:
        best = max(row[c] or 0 for c in cols[:3])
        print(f"| {row['N']} | " + " | ".join(f"{row[c]:.3g}" if row[c] else "n/a" for c in cols)
              + f" | {ratio(row['f32 fast'], row['cmtj'])} | {ratio(best, row['cmtj'])} |"
              f" {ratio(row['f32 fast uniform*'], row['cmtj'])} |")
    print("\n(magnet-steps per second; higher is better. fast = pbits.runtime.prng.key, Box-Muller normals; "
          f"{args.devices} dev = magnet axis sharded over {args.devices} forced host devices; "
          "* weak noise sqrt(3) U(-1, 1), statistics only, not a Gaussian figure)")


if __name__ == "__main__":
    main()
