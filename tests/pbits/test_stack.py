"""API contracts of the device engine: bad input, no recompilation, keys, heun_step vs simulate, events."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pbits.analysis import traces
from pbits.device import magnet, stack, torques
import pbits.sllg as sllg


def test_bad_magnet_inputs_name_the_parameter():
    ok = dict(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=1e5)
    with pytest.raises(ValueError, match="temperature"):
        magnet.make(**ok, temperature=-1.0)
    with pytest.raises(ValueError, match="volume"):
        magnet.make(**{**ok, "volume": -1e-24})
    with pytest.raises(ValueError, match="ms must be finite"):
        magnet.make(**{**ok, "ms": float("nan")})
    with pytest.raises(ValueError, match="easy_axis"):
        magnet.make(**ok, easy_axis=(0.0, 0.0, 0.0))
    with pytest.raises(ValueError, match="demag"):
        magnet.make(**ok, demag=(0.5, 0.5, 1.5))
    mag = magnet.make(**ok)
    with pytest.raises(ValueError, match="temperature"):
        sllg.simulate(jax.random.key(0), stack.Device(mag._replace(temperature=-5.0)), sllg.initial(2), dt=1e-13,
                      n_steps=10)
    with pytest.raises(ValueError, match=r"magnet.*alpha.*finite"):
        sllg.simulate(jax.random.key(0), stack.Device(mag._replace(alpha=float("nan"))), sllg.initial(2), dt=1e-13,
                      n_steps=10)


def test_dt_too_large_suggests_dt():
    dev = stack.Device(magnet.preset("inplane_low_barrier"))
    with pytest.raises(ValueError, match=r"dt = 1e-11 s is too large.*use dt <= [0-9.e-]+ s"):
        sllg.simulate(jax.random.key(0), dev, sllg.initial(2, (0, 1, 0)), dt=1e-11, n_steps=10)


def test_zero_length_m_and_bad_shapes():
    dev = stack.Device(magnet.preset("pma"))
    m0 = np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]])
    with pytest.raises(ValueError, match="zero-length"):
        sllg.simulate(jax.random.key(0), dev, m0, dt=1e-13, n_steps=10)
    with pytest.raises(ValueError, match=r"shape \(3, N\)"):
        sllg.simulate(jax.random.key(0), dev, np.ones((4, 3)), dt=1e-13, n_steps=10)
    with pytest.raises(ValueError, match="direction"):
        sllg.initial(3, (0.0, 0.0, 0.0))
    with pytest.raises(ValueError, match="record"):
        sllg.simulate(jax.random.key(0), dev, sllg.initial(2), dt=1e-13, n_steps=10, record=("energy",))
    with pytest.raises(ValueError, match="current"):
        sllg.simulate(jax.random.key(0), dev, sllg.initial(2), dt=1e-13, n_steps=10, current=float("nan"))


def test_second_call_with_new_parameters_does_not_recompile():
    mag = magnet.uniaxial(2.0, 1.0)
    kw = dict(dt=1e-13, n_steps=100, record=("mz",), record_every=10)
    sllg.simulate(jax.random.key(0), stack.Device(mag), sllg.initial(16), **kw)
    size = sllg.integrate._chunk._cache_size()
    mag2 = mag._replace(alpha=np.asarray(0.5), temperature=np.asarray(350.0), hk=np.asarray(2e5))
    sllg.simulate(jax.random.key(1), stack.Device(mag2, h_ext=(0.0, 0.0, 1e3)), sllg.initial(16), current=1e-6, **kw)
    assert sllg.integrate._chunk._cache_size() == size


@pytest.mark.parametrize("impl", ["threefry2x32", "rbg", "unsafe_rbg"])
def test_any_prng_implementation(impl):
    dev = stack.Device(magnet.uniaxial(2.0, 1.0))
    r = sllg.simulate(jax.random.key(3, impl=impl), dev, sllg.initial(8), dt=1e-13, n_steps=50, record=("mz",))
    assert np.all(np.isfinite(r.m))
    r2 = sllg.simulate(jax.random.PRNGKey(3), dev, sllg.initial(8), dt=1e-13, n_steps=50)  # raw uint32 key
    assert np.all(np.isfinite(r2.m))


def test_chunking_is_invisible_and_heun_step_matches_simulate():
    mag = magnet.uniaxial(np.array([1.0, 2.0, 3.0]), 0.5)
    dev = stack.Device(mag, torques.Drive(1e3, 2e2, (0.0, 1.0, 0.0), (0.0, 0.0, 0.0)))
    key, dt = jax.random.key(7), 1e-13
    cur = np.array([1.0, -2.0, 0.5])
    a = sllg.simulate(key, dev, sllg.initial(3), dt=dt, n_steps=40, current=cur, record=("m",), chunk_steps=40)
    b = sllg.simulate(key, dev, sllg.initial(3), dt=dt, n_steps=40, current=cur, record=("m",), chunk_steps=7)
    np.testing.assert_allclose(a.m, b.m, atol=1e-6)
    # the same steps with the public heun_step, in the user's own loop
    c = sllg.coefficients(dev, dt)
    m = sllg.initial(3)
    m = tuple(m)
    for n in range(40):
        m = sllg.heun_step(jax.random.fold_in(key, n), m, c, jnp.asarray(cur, jnp.float32))
    np.testing.assert_allclose(np.stack(m), a.m, atol=1e-5)
    # vmap over magnets equals the batched call (one magnet at a time, components-first)
    xi = np.random.default_rng(0).normal(size=(3, 3)).astype(np.float32)
    batched = sllg.heun_step(xi, np.asarray(sllg.initial(3)), dev, cur.astype(np.float32), dt)
    one = lambda x, mm, mg, i: sllg.heun_step(x, mm, stack.Device(mg, dev.drive), i, dt)  # noqa: E731
    mapped = jax.vmap(one, in_axes=(1, 1, magnet.Magnet(None, 0, None, 0, 0, None, None, None), 0), out_axes=1)(
        xi, np.asarray(sllg.initial(3)), mag._replace(alpha=np.full(3, 0.5)), cur.astype(np.float32))
    np.testing.assert_allclose(batched, mapped, atol=1e-6)


def test_per_magnet_waveform_and_events():
    mag = magnet.make(ms=1e6, thickness=1e-9, volume=1e-24, alpha=0.1, hk=1e5, temperature=0.0)
    dev = stack.Device(mag, torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
    levels = np.array([[0.0, 5e4], [0.0, 0.0]])  # magnet 0: no pulse; magnet 1: 1 ns pulse of 5e4 A/m
    wf = sllg.pulses(levels, [1e-9, 1e-9])
    m0 = np.array([[0.01, 0.01], [0.0, 0.0], [-1.0, -1.0]])
    r = sllg.simulate(jax.random.key(0), dev, m0, dt=2e-13, n_steps=10000, current=wf, record=("mz",),
                      record_every=100, events=sllg.Events((0, 0, 1), -0.5, 0.5))
    assert r.m[2, 0] < -0.99 and r.m[2, 1] > 0.99
    assert r.events.n_switches.tolist() == [0, 1]
    assert np.isnan(r.events.first_time[0]) and 0 < r.events.first_time[1] < 1e-9
    t, i, s = traces.switching_events(r.trace["mz"])
    assert i.tolist() == [1] and s.tolist() == [1]


def test_every_integer_seed_gives_its_own_stream():
    """Seeds beyond 32 bits, beyond 64 bits and negative ones map to distinct keys; small ones keep JAX's keys."""
    from pbits.runtime import prng

    seeds = [0, 1, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**63, -1, -2**63, 2**64, -(10**40)]
    for fast in (True, False):
        words = {tuple(np.asarray(jax.random.key_data(prng.key(s, fast=fast))).tolist()) for s in seeds}
        assert len(words) == len(seeds)
    assert np.array_equal(jax.random.key_data(prng.key(7)), jax.random.key_data(jax.random.key(7, impl=prng.FAST)))
    assert np.array_equal(jax.random.key_data(prng.key(7, fast=False)), jax.random.key_data(jax.random.key(7)))
    with pytest.raises(ValueError, match="seed must be an integer"):
        prng.key(1.5)
