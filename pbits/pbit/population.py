"""Device-to-device variation: sample a wafer of devices and calibrate every distinct one in one sLLG run.

Volume and anisotropy field drawn from normal distributions with given coefficients of variation, and a
random stray field along the easy axis (an offset) (docs/physics.md §4; Kaiser et al., PRApplied 17, 014016
(2022)). The per-device (P,) parameters feed the device p-bit rule of ``circuits`` (see
:func:`pbits.pbit.calibrate.rule_args`).
"""
from __future__ import annotations

from typing import NamedTuple

import jax
import numpy as np
from jax.typing import ArrayLike

from pbits.device.stack import Device
from pbits.pbit import calibrate as _calibrate
from pbits.pbit import transfer
from pbits.pbit.calibrate import PbitParams


class Population(NamedTuple):
    """A calibrated wafer: sampled devices, their p-bit parameters and the spread."""

    devices: Device  # per-device leaves (P,) / (3, P)
    params: PbitParams  # (P,) arrays
    gain_cv: float  # std/mean of the gain over the population [-]
    offset_std: float  # std of the offset over the population [-]
    tau_cv: float  # std/mean of tau_c [-]


def sample_devices(key, device: Device, n_devices: int, *, volume_cv: float = 0.0, hk_cv: float = 0.0,
                   bias_field_std: float = 0.0) -> Device:
    """Draw a population of devices: V ~ N(V0, (cv V0)^2), H_K ~ N(H_K0, (cv H_K0)^2), stray field along n.

    The stray (e.g. reference-layer) field H_b ~ N(0, bias_field_std^2) [A/m] along the easy axis gives the
    offset; volume and anisotropy set Delta, I0 and tau_c (docs/physics.md §4 "device-to-device variation": CV
    2-10 % at sLLG level). Normals are truncated to positive values. Choi et al. 2025.

    Args:
        key: ``jax.random`` key.
        device: the nominal device (scalar leaves).
        n_devices: population size P.
        volume_cv: coefficient of variation of the volume [-].
        hk_cv: coefficient of variation of the crystalline anisotropy field H_K [-] (note: for a PMA film
            H_K,eff = H_K - M_s (N_z - N_x) is a small difference, so its spread is larger).
        bias_field_std: standard deviation of the stray field along the easy axis [A/m].

    Returns:
        A :class:`pbits.Device` with (P,) / (3, P) leaves.

    Example:
        >>> from pbits.device import magnet
        >>> d = sample_devices(jax.random.key(0), Device(magnet.uniaxial(1.0, 1.0)), 4, volume_cv=0.05)
        >>> np.shape(d.magnet.volume)
        (4,)
    """
    f = "population.sample_devices"
    if int(n_devices) != n_devices or n_devices < 1:
        raise ValueError(f"{f}: n_devices must be an integer >= 1, got {n_devices!r}")
    for name, v in (("volume_cv", volume_cv), ("hk_cv", hk_cv), ("bias_field_std", bias_field_std)):
        if not np.isfinite(v) or v < 0:
            raise ValueError(f"{f}: {name} must be finite and >= 0, got {v!r}; use 0 for no spread")
    if transfer.n_devices(device) != 1:
        raise ValueError(f"{f}: the nominal device must have scalar leaves, got a batch of "
                         f"{transfer.n_devices(device)}")
    rng = np.random.default_rng(np.asarray(jax.random.key_data(key)).ravel().astype(np.uint64))
    mag = device.magnet
    v0, hk0 = float(mag.volume), float(mag.hk)
    vol = v0 * (1 + volume_cv * rng.standard_normal(n_devices))
    hk = hk0 * (1 + hk_cv * rng.standard_normal(n_devices))
    if np.any(vol <= 0) or np.any(hk < 0):
        vol, hk = np.maximum(vol, 1e-3 * v0), np.maximum(hk, 0.0)
    hb = bias_field_std * rng.standard_normal(n_devices)
    axis = np.asarray(mag.easy_axis, dtype=float)
    h_ext = np.asarray(device.h_ext, dtype=float)[:, None] + axis[:, None] * hb[None, :]
    new = mag._replace(volume=vol, hk=hk, thickness=np.full(n_devices, float(mag.thickness)))
    return device._replace(magnet=new, h_ext=h_ext)


def _unique(devs: Device, p: int):
    """Indices of the distinct devices (volume, H_K, stray field) and the map back to all P."""
    table = np.vstack([np.broadcast_to(np.asarray(devs.magnet.volume, dtype=float), (p,)),
                       np.broadcast_to(np.asarray(devs.magnet.hk, dtype=float), (p,)),
                       np.broadcast_to(np.asarray(devs.h_ext, dtype=float).reshape(3, -1), (3, p))])
    _, first, inverse = np.unique(table.T, axis=0, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def _take(devs: Device, idx: np.ndarray, p: int) -> Device:
    """The devices ``idx`` of a population produced by :func:`sample_devices`."""
    def t(x, vector=False):
        a = np.asarray(x)
        if (a.ndim == 2 if vector else a.ndim >= 1) and a.shape[-1] == p:
            return a[..., idx]
        return x

    mag = devs.magnet._replace(**{k: t(getattr(devs.magnet, k)) for k in transfer.SCALARS},
                               **{k: t(getattr(devs.magnet, k), True) for k in transfer.VECTORS})
    return Device(mag, devs.drive, t(devs.h_ext, True))


def calibrate_population(key, device: Device, n_devices: int, *, volume_cv: float = 0.0, hk_cv: float = 0.0,
                         bias_field_std: float = 0.0, currents: ArrayLike | None = None, n_magnets: int = 64,
                         duration: float | None = None, burn_in: float | None = None, dt: float | None = None,
                         record_dt: float | None = None) -> Population:
    """Sample a wafer (:func:`sample_devices`) and calibrate every distinct device by sLLG in one run.

    Identical devices are calibrated once (zero spread gives identical p-bits). Returns per-device
    (P,) gain/offset/tau_c arrays ready for the device p-bit rule of ``circuits`` (see
    :func:`pbits.pbit.calibrate.rule_args`) and their spread. docs/physics.md §4; Choi et al. 2025.

    Example:
        >>> from pbits.device import magnet, torques
        >>> dev = Device(magnet.uniaxial(0.0, 1.0), torques.Drive(1.0, 0.0, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0)))
        >>> pop = calibrate_population(jax.random.key(0), dev, 3, currents=[-2e4, 0.0, 2e4], n_magnets=8,
        ...                            duration=1e-9)
        >>> bool(np.ptp(pop.params.gain) == 0.0)
        True
    """
    k_s, k_c = jax.random.split(key)
    devs = sample_devices(k_s, device, n_devices, volume_cv=volume_cv, hk_cv=hk_cv, bias_field_std=bias_field_std)
    cur = (_calibrate.default_currents(device) if currents is None
           else transfer.check_currents(currents, "population.calibrate_population"))
    first, inverse = _unique(devs, n_devices)
    sub = _take(devs, first, n_devices)
    curve = transfer.measure(k_c, sub, cur, n_magnets=n_magnets, duration=duration, burn_in=burn_in, dt=dt,
                             record_dt=record_dt)
    p = _calibrate.params_from_fit(curve, transfer.fit(curve))
    p = PbitParams(*(np.broadcast_to(np.atleast_1d(np.asarray(v)), (first.size,))[inverse].copy() for v in p))
    g, o, t = (np.asarray(v, dtype=float) for v in (p.gain, p.offset, p.tau_c))
    spread = lambda v: float(np.std(v - v[0]))  # noqa: E731  (exactly 0 for identical devices)
    return Population(devs, p, spread(g) / abs(float(np.mean(g))) if np.mean(g) else float("nan"), spread(o),
                      spread(t) / float(np.mean(t)))
