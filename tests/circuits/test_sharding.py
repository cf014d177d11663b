"""Replicas sharded over 4 forced host devices equal the single-device run bit for bit.

The device count is fixed when JAX starts, so the sharded runs happen in one subprocess started with
``XLA_FLAGS=--xla_force_host_platform_device_count=4``; it compares sharded and unsharded results for
the same key and prints a JSON report that the tests below check. Agreement is *bitwise* (spins,
energies, traces, samples, the adapted ladder): every random number is a function of the key and of the
global element index, so the partitioning cannot change the streams.
"""
import json
import os
import subprocess
import sys
import textwrap

import pytest

from pbits.runtime import sharding

SCRIPT = textwrap.dedent("""
    import json
    import jax, jax.numpy as jnp, numpy as np
    from pbits.runtime import sharding
    from circuits.sampling import gibbs
    from circuits.problems import gset
    from circuits.problems import maxcut
    from pbits.runtime import prng
    from circuits.annealing import simulated
    from circuits.annealing import tempering

    out = {"devices": len(jax.devices())}
    g = gset.random_graph(120, 0.08, seed=5)
    model = maxcut.to_ising(g)
    same = lambda a, b: bool(np.array_equal(np.asarray(a), np.asarray(b)))

    a = simulated.anneal(3, model, n_sweeps=40, n_replicas=8, chunk=16)
    b = simulated.anneal(3, model, n_sweeps=40, n_replicas=8, chunk=16, mesh="auto")
    out["anneal"] = [same(a.final_spins, b.final_spins), same(a.replica_best_energy, b.replica_best_energy),
                     same(a.trace_best, b.trace_best), same(a.trace_mean, b.trace_mean), a.packed, b.packed]
    a8 = simulated.anneal(3, model, n_sweeps=40, n_replicas=8, chunk=16, packed=False)
    b8 = simulated.anneal(3, model, n_sweeps=40, n_replicas=8, chunk=16, packed=False, mesh="auto")
    out["anneal_int8"] = [same(a8.final_spins, b8.final_spins), same(a8.trace_best, b8.trace_best)]

    from circuits.problems import instances
    from circuits.model import ising
    kd = maxcut.to_ising(instances.complete(80, seed=1), layout="dense")  # the dense path, int8 products
    rng = np.random.default_rng(0)
    jf = np.triu(rng.normal(size=(40, 40)), 1)
    fd = ising.from_dense(jf + jf.T, rng.normal(size=40))  # float couplings: float32 products
    out["anneal_dense"] = []
    for m in (kd, fd):
        one = simulated.anneal(3, m, n_sweeps=40, n_replicas=8, chunk=16, dense=True)
        many = simulated.anneal(3, m, n_sweeps=40, n_replicas=8, chunk=16, dense=True, mesh="auto")
        out["anneal_dense"] += [same(one.final_spins, many.final_spins), same(one.trace_best, many.trace_best),
                                one.dense, many.dense]

    s0 = jnp.where(jax.random.bernoulli(jax.random.key(2), 0.5, (8, 120)), 1.0, -1.0)
    out["sample"] = []
    for key in (prng.key(1), jax.random.key(1)):  # fast generator and threefry
        x = gibbs.sample(key, model, s0, jnp.linspace(0.2, 1.0, 8), n_samples=4, thin=2)
        y = gibbs.sample(key, model, s0, jnp.linspace(0.2, 1.0, 8), n_samples=4, thin=2, mesh="auto")
        out["sample"].append(same(x, y))
    out["sample_sharded"] = len(y.sharding.device_set)

    p, pi = tempering.anneal(3, model, n_sweeps=48, n_rungs=4, n_chains=2, chunk=16)
    q, qi = tempering.anneal(3, model, n_sweeps=48, n_rungs=4, n_chains=2, chunk=16, mesh="auto")
    out["tempering"] = [same(p.final_spins, q.final_spins), same(p.trace_best, q.trace_best),
                        same(pi.betas, qi.betas), same(pi.acceptance, qi.acceptance)]

    mesh = jax.sharding.Mesh(np.array(jax.devices()[:2]), ("r",))  # an explicit 2-device mesh
    c = simulated.anneal(3, model, n_sweeps=40, n_replicas=8, chunk=16, mesh=mesh)
    out["mesh2"] = same(a.final_spins, c.final_spins)

    errors = []
    for call in (lambda: simulated.anneal(0, model, n_sweeps=4, n_replicas=6, mesh="auto"),
                 lambda: gibbs.sample(prng.key(0), model, s0[:5], 1.0, n_samples=1, mesh="auto"),
                 lambda: tempering.anneal(0, model, n_sweeps=4, n_rungs=3, n_chains=1, mesh="auto")):
        try:
            call()
            errors.append(None)
        except ValueError as e:
            errors.append(str(e))
    out["errors"] = errors
    import argparse, contextlib, io
    from circuits.cli import maxcut as cli_maxcut
    runs = []
    for extra in ([], ["--shard"]):
        parser = argparse.ArgumentParser()
        cli_maxcut.configure(parser)
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            cli_maxcut.run(parser.parse_args(["--json", "--sweeps", "30", "--replicas", "8", "--bound-time", "0"] + extra))
        runs.append(json.loads(buf.getvalue()))
    out["cli"] = [runs[1]["devices"], runs[0]["best_cut"] == runs[1]["best_cut"]]
    print("REPORT" + json.dumps(out))
""")


@pytest.fixture(scope="module")
def report():
    env = dict(os.environ, XLA_FLAGS="--xla_force_host_platform_device_count=4", JAX_PLATFORMS="cpu")
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT"))
    return json.loads(line[len("REPORT"):])


def test_four_forced_devices(report):
    assert report["devices"] == 4


def test_sharded_anneal_is_bitwise_equal(report):
    assert report["anneal"] == [True] * 6  # the byte-packed sweep (chosen for this +/-1 graph, R = 8) ...
    assert report["anneal_int8"] == [True, True]  # ... and the int8 one
    assert report["anneal_dense"] == [True] * 8  # the dense path, integer and float couplings
    assert report["mesh2"]


def test_sharded_gibbs_sample_is_bitwise_equal_for_both_generators(report):
    assert report["sample"] == [True, True]
    assert report["sample_sharded"] == 4


def test_sharded_tempering_is_bitwise_equal(report):
    assert report["tempering"] == [True] * 4


def test_cli_shard_flag(report):
    assert report["cli"] == [4, True]


def test_non_divisible_replica_count_names_the_valid_counts(report):
    anneal_err, sample_err, pt_err = report["errors"]
    assert anneal_err.startswith("simulated.anneal: N = 6 replicas cannot be split evenly over the mesh's 4 devices")
    assert "use a multiple of 4 replicas (e.g. 4 or 8)" in anneal_err
    assert sample_err.startswith("gibbs.sample: N = 5 replicas") and "(e.g. 4 or 8)" in sample_err
    assert pt_err.startswith("tempering.anneal (n_rungs * n_chains): N = 3 replicas") and "(e.g. 4)" in pt_err


def test_bad_mesh_is_named():
    with pytest.raises(ValueError, match="'mesh' must be None, 'auto' or a jax.sharding.Mesh"):
        sharding.make_mesh("all")
