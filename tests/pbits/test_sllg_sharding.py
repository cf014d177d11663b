"""sLLG driver sharded over devices: ``simulate(mesh=...)`` equals the one-device run bit for bit.

The noise of every key implementation used here is a function of (key, step, magnet index) — threefry
with ``jax_threefry_partitionable`` (JAX's default) and the counter hash of ``pbits.runtime.prng`` — and the step
is elementwise over magnets, so splitting the magnet axis changes no bit. Four host devices are forced in
a subprocess, since XLA_FLAGS only act before JAX starts.
"""
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent("""
    import jax
    import numpy as np
    import pytest
    from pbits.device import magnet
    from pbits.runtime import prng
    import pbits.sllg as sllg
    from pbits.device import stack, torques

    assert len(jax.devices()) == 4, jax.devices()
    n = 16
    mag = magnet.uniaxial(np.linspace(1.0, 3.0, n), 0.5)  # per-magnet Delta (sharded), scalar alpha (replicated)
    dev = stack.Device(mag, torques.Drive(1e3, 2e2, (0.0, 1.0, 0.0), (0.0, 0.0, 0.0)))
    cur = np.linspace(-1.0, 1.0, n)
    wave = sllg.pulses(np.stack([cur, 0 * cur]), [5e-12, 1.0])  # per-magnet pulse, then zero
    m0 = np.stack([np.full(n, 0.1), np.zeros(n), np.ones(n)])
    mesh = jax.sharding.Mesh(np.array(jax.devices()), ("magnets",))
    for key in (jax.random.key(3), prng.key(3)):
        for noise in ("gaussian", "uniform"):
            kw = dict(dt=1e-13, n_steps=120, current=wave, record=("m", "mz", "mean"), record_every=10,
                      events=sllg.Events(), noise=noise, chunk_steps=60)
            a = sllg.simulate(key, dev, m0, **kw)
            for m in (mesh, "auto"):
                b = sllg.simulate(key, dev, m0, mesh=m, **kw)
                for x, y in [(a.m, b.m), (a.trace["m"], b.trace["m"]), (a.trace["mz"], b.trace["mz"]),
                             (a.mean_m, b.mean_m), *zip(a.events, b.events)]:
                    np.testing.assert_array_equal(x, y)
            print("bitwise", jax.random.key_impl(key), noise)
    with pytest.raises(ValueError, match=r"N = 10 magnets .* 4 devices.* multiple of 4 magnets \\(e.g. 8 or 12\\)"):
        sllg.simulate(prng.key(0), dev._replace(magnet=magnet.uniaxial(2.0, 0.5)), sllg.initial(10), dt=1e-13,
                      n_steps=10, mesh="auto")
    with pytest.raises(ValueError, match="'mesh' must be"):
        sllg.simulate(prng.key(0), stack.Device(mag), m0, dt=1e-13, n_steps=10, mesh="all")
    print("ok")
""")


def test_sharded_simulate_equals_single_device_bitwise():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=4", JAX_PLATFORMS="cpu")
    r = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    print(r.stdout, r.stderr[-3000:])
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.count("bitwise") == 4 and r.stdout.strip().endswith("ok")
