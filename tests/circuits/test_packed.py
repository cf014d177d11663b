"""Byte-packed replicas (circuits.sampling.packed) against exact results: Boltzmann enumeration, Kaufman's 2D Ising
energies, the exact energy, and the same optima as the int8 layout."""
import jax
import jax.numpy as jnp
import networkx as nx
import numpy as np
import pytest
from jax import lax

from circuits.annealing import simulated
from circuits.model import ising
from circuits.problems import gset, maxcut
from circuits.sampling import coloring, exact, packed, rules
from pbits.runtime import prng, sharding

R = 4096          # independent chains (a multiple of 4)
N_REC = 48        # records per chain
THIN = 3          # sweeps between records
N = R * N_REC     # samples; KL floor (K-1)/(2N)


def _pm1_network(n, seed, fields=True):
    """A random +/-1 network (about 35 % of pairs coupled) with uniform fields in [-0.5, 0.5]."""
    rng = np.random.default_rng(seed)
    G = nx.gnp_random_graph(n, 0.35, seed=seed)
    for u, v in G.edges:
        G[u][v]["weight"] = float(rng.choice([-1.0, 1.0]))
    for v in G.nodes:
        G.nodes[v]["h"] = float(rng.uniform(-0.5, 0.5)) if fields else 0.0
    return ising.from_graph(G, field="h")[0]


def _spins(key, n, r):
    return jnp.where(jax.random.bernoulli(key, 0.5, (n, r)), 1, -1).astype(jnp.int8)


def _sample(key, model, beta, update=rules.behavioural, n_rec=N_REC, thin=THIN, burn_in=300):
    """(n_rec * R, n) samples of packed sweeps from random starts, one record every ``thin`` sweeps."""
    n = ising.n_spins(model)
    tables = packed.build(model, coloring.greedy(model))
    rule = rules.as_rule(update)

    @jax.jit
    def go(key, pk, beta):
        step = lambda t, p: packed.sweep(jax.random.fold_in(key, t), tables, p, beta, rule)  # noqa: E731
        pk = lax.fori_loop(0, burn_in, step, pk)

        def rec(pk, t):
            pk = lax.fori_loop(0, thin, lambda j, p: step(burn_in + t * thin + j, p), pk)
            return pk, packed.unpack(pk).T

        return lax.scan(rec, pk, jnp.arange(n_rec))[1]

    out = go(key, packed.pack(_spins(jax.random.key(2), n, R)), jnp.asarray(beta, jnp.float32))
    return np.asarray(out)  # (n_rec, R, n)


def _kl_ok(samples, model, beta):
    """KL of the samples to Boltzmann at beta, and (a control) at 1.1 beta."""
    n = ising.n_spins(model)
    emp = exact.empirical(samples.reshape(-1, n), n)
    return exact.kl(emp, exact.boltzmann(model, beta)), exact.kl(emp, exact.boltzmann(model, 1.1 * beta))


def test_pack_unpack_mask_and_energy_are_exact():
    rng = np.random.default_rng(0)
    for seed, fields in ((1, True), (2, False)):
        model = _pm1_network(14, seed, fields)
        tables = packed.build(model, coloring.greedy(model))
        st = _spins(jax.random.key(seed), 14, 12)
        pk = packed.pack(st)
        assert pk.shape == (15, 3) and int(pk[-1].sum()) == 0
        np.testing.assert_array_equal(np.asarray(packed.unpack(pk)), np.asarray(st))
        e = np.asarray(packed.energy(tables, pk), np.float64)
        np.testing.assert_allclose(e, ising.energy_exact(model, np.asarray(st).T), atol=1e-5)
        flags = rng.random(12) < 0.5
        mask = np.asarray(packed.replica_mask(jnp.asarray(flags)))
        other = packed.pack(-st)
        mixed = np.asarray(packed.unpack((pk & mask) | (other & ~mask)))
        np.testing.assert_array_equal(mixed, np.where(flags[None, :], st, -st))


def test_packed_sweep_matches_exact_boltzmann():
    n, beta = 12, 0.6
    model = _pm1_network(n, seed=3)
    samples = _sample(prng.key(1), model, beta)
    floor = exact.kl_floor(2 ** n, N)
    kl, wrong = _kl_ok(samples, model, beta)
    # same criteria as the int8 sampler (test_circuits_sampling): 1.5x the floor; 10 % off in beta > 2x
    assert kl < 1.5 * floor, (kl, floor)
    assert wrong > 2 * floor, (wrong, floor)


def test_packed_metropolis_device_rule_and_per_replica_beta():
    n = 10
    model = _pm1_network(n, seed=21)
    floor = exact.kl_floor(2 ** n, N)
    met = _sample(prng.key(6), model, 0.5, rules.metropolis, thin=2 * THIN)
    assert _kl_ok(met, model, 0.5)[0] < 1.5 * floor
    # per-p-bit device parameters: gain 2, offset 0 samples exp(-2 beta E)
    dev = _sample(prng.key(7), model, 0.25, rules.device_pbit(jnp.full(n, 2.0), jnp.zeros(n)))
    assert _kl_ok(dev, model, 0.5)[0] < 1.5 * floor
    # one beta per replica: first half hot, second half cold; each half must match its own beta
    betas = np.where(np.arange(R) < R // 2, 0.3, 0.6).astype(np.float32)
    two = _sample(prng.key(8), model, betas)
    half_floor = exact.kl_floor(2 ** n, N // 2)
    for part, beta in ((two[:, :R // 2], 0.3), (two[:, R // 2:], 0.6)):
        kl, wrong = _kl_ok(part, model, beta)
        assert kl < 1.5 * half_floor and wrong > 1.5 * half_floor, (beta, kl, wrong, half_floor)


@pytest.mark.parametrize("T", [2.0, 2.269185, 3.0])
def test_packed_2d_ising_energy_matches_kaufman(T, kaufman, torus):
    L, reps, burn_in, sweeps = 16, 128, 2000, 3000
    exact_e = kaufman[(L, T)]
    model = torus(L)
    tables = packed.build(model, coloring.greedy(model, strategy="bfs"))
    rule = rules.as_rule(rules.behavioural)
    st = jnp.ones((L * L, reps), jnp.int8) if T < 2.269 else _spins(jax.random.key(L), L * L, reps)

    @jax.jit
    def go(key, pk):
        step = lambda t, p: packed.sweep(jax.random.fold_in(key, t), tables, p, 1.0 / T, rule)  # noqa: E731
        pk = lax.fori_loop(0, burn_in, step, pk)

        def rec(c, t):
            pk, acc = c
            pk = step(burn_in + t, pk)
            return (pk, acc + packed.energy(tables, pk)), None

        return lax.scan(rec, (pk, jnp.zeros(reps)), jnp.arange(sweeps))[0][1] / sweeps

    per_replica = np.asarray(go(prng.key(int(100 * T)), packed.pack(st))) / (L * L)
    mean, se = per_replica.mean(), per_replica.std(ddof=1) / np.sqrt(reps)
    assert abs(mean - exact_e) < 3 * se, (mean, exact_e, se)
    assert se < 3e-3


def test_anneal_packed_and_int8_find_the_brute_force_optimum():
    g = gset.random_graph(16, 0.4, seed=4)
    model = maxcut.to_ising(g)
    e0 = exact.ground_state(model)[0]
    for flag in (True, False):
        res = simulated.anneal(1, model, n_sweeps=200, n_replicas=8, packed=flag)
        assert res.packed is flag
        assert res.best_energy == pytest.approx(e0)
        assert ising.energy_exact(model, res.best_spins) == pytest.approx(e0)
    assert simulated.anneal(1, model, n_sweeps=20, n_replicas=8).packed  # chosen automatically
    assert not simulated.anneal(1, model, n_sweeps=20, n_replicas=6).packed  # R not a multiple of 4


def test_packed_true_on_a_model_it_cannot_take_says_why():
    weighted = ising.from_edges(4, [(0, 1), (1, 2), (2, 3)], [0.5, -1.0, 2.0])
    with pytest.raises(ValueError, match=r"packed=True cannot be used: its couplings are not all in \{-1, 0, \+1\}"):
        simulated.anneal(0, weighted, n_sweeps=4, n_replicas=8, packed=True)
    pm1 = ising.from_edges(4, [(0, 1), (1, 2), (2, 3)], [1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="R = 6 is not a multiple of 4"):
        simulated.anneal(0, pm1, n_sweeps=4, n_replicas=6, packed=True)
    with pytest.raises(ValueError, match="packed.build"):
        packed.build(weighted, coloring.greedy(weighted))
    assert not packed.eligible(weighted, 8) and packed.eligible(pm1, 8)


def test_unsupported_names_the_reason_and_the_byte_limit():
    def star(k, sign):  # spin 0 coupled to k others with J = sign
        return ising.from_edges(k + 1, [(0, j) for j in range(1, k + 1)], [float(sign)] * k)

    assert packed.eligible(star(255, 1), 4) and packed.eligible(star(255, -1), 4)
    assert "256 couplings of one sign" in packed.unsupported(star(256, -1), 4)
    assert "dense layout" in packed.unsupported(ising.to_dense(star(3, 1)), 4)
    assert "not a multiple of 4" in packed.unsupported(star(3, 1), 6)
    assert not simulated.anneal(0, star(256, 1), n_sweeps=2, n_replicas=4).packed  # falls back to int8


def test_fields_beyond_64_slots_and_energy_over_several_row_blocks():
    """A hub with 200 couplings (the fori_loop path of the neighbour count) and n = 700 spins (three blocks
    of 256 rows in the energy's byte sums): one sweep at huge beta is the zero-temperature update."""
    rng = np.random.default_rng(9)
    n = 700
    edges = [(0, j) for j in range(1, 201)] + [tuple(e) for e in rng.integers(1, n, (1500, 2)) if e[0] != e[1]]
    edges = list({(min(a, b), max(a, b)) for a, b in edges})
    model = ising.from_edges(n, edges, rng.choice([-1.0, 1.0], len(edges)), h=rng.integers(-2, 3, n) + 0.5)
    tables = packed.build(model, coloring.greedy(model))
    assert tables.neg.shape[-1] > 64 or tables.pos.shape[-1] > 64
    st = _spins(jax.random.key(3), n, 8)
    pk = packed.pack(st)
    np.testing.assert_allclose(np.asarray(packed.energy(tables, pk), np.float64), ising.energy_exact(model, np.asarray(st).T), atol=1e-3)
    # single colour class 0 at beta = 1e4: every updated spin aligns with its field (half-integer: never 0)
    one = tables._replace(idx=tables.idx[:1], pos=tables.pos[:1], neg=tables.neg[:1], bias=tables.bias[:1])
    new = np.asarray(packed.unpack(packed.sweep(prng.key(0), one, pk, 1e4, rules.as_rule(rules.behavioural))))
    field = np.asarray(ising.local_field(model, st.T.astype(jnp.float32))).T
    members = np.asarray(tables.idx[0])
    members = members[members < n]
    np.testing.assert_array_equal(new[members], np.sign(field[members]))


def test_resume_keeps_the_layout_of_the_checkpoint(tmp_path):
    model = maxcut.to_ising(gset.random_graph(60, 0.1, seed=2))
    full = simulated.anneal(5, model, n_sweeps=64, n_replicas=8, chunk=16)
    assert full.packed
    path = tmp_path / "run.npz"
    stop = iter([False, True])
    part = simulated.anneal(5, model, n_sweeps=64, n_replicas=8, chunk=16, checkpoint=path,
                            progress=lambda *a: next(stop, True))
    assert part.sweeps < 64
    resumed = simulated.anneal(5, model, n_sweeps=64, n_replicas=8, chunk=16, resume=path)
    assert resumed.packed and np.array_equal(resumed.final_spins, full.final_spins)
    with pytest.raises(ValueError, match="written with packed=True"):
        simulated.anneal(5, model, n_sweeps=64, n_replicas=8, chunk=16, resume=path, packed=False)
    anon = dict(np.load(path))  # a checkpoint without its identity (another program, or edited) is refused
    del anon["id_layout"]
    np.savez(tmp_path / "anon.npz", **anon)
    with pytest.raises(ValueError, match="does not record its layout"):
        simulated.anneal(5, model, n_sweeps=64, n_replicas=8, chunk=16, resume=tmp_path / "anon.npz")


def test_local_mesh_and_usable_cores():
    from pbits.runtime import sharding

    assert sharding.usable_cores() >= 1
    assert sharding.local_mesh(64) == ("auto" if len(jax.devices()) > 1 else None)
    env = {"XLA_FLAGS": "--xla_force_host_platform_device_count=4"}
    assert not sharding.use_cpu_cores(env, cores=2) and env["XLA_FLAGS"].endswith("=4")
    assert not sharding.use_cpu_cores({}, cores=1)
