"""Every figure of the project, device and network alike. matplotlib is imported lazily, inside each function.

Plots only: the data come from :mod:`pbits` (switching curves, trajectories, transfer curves, energies, wafers)
and from the annealers of :mod:`circuits` (cut traces). Every function takes an optional ``ax`` and ``path``
(save the figure there) and returns the matplotlib Figure.
"""
from __future__ import annotations

import numpy as np


def _pyplot():
    """matplotlib.pyplot, with the non-interactive Agg backend unless a notebook or GUI backend is active."""
    import matplotlib

    backend = matplotlib.get_backend().lower()
    if "inline" not in backend and backend != "agg" and not _interactive():
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _interactive() -> bool:
    try:
        from IPython import get_ipython

        return get_ipython() is not None
    except ImportError:
        return False


def _axes(ax, figsize=(5, 3.6)):
    """``(figure, axes)``: those of ``ax``, or a new figure."""
    if ax is not None:
        return ax.figure, ax
    return _pyplot().subplots(figsize=figsize)


def _finish(fig, path):
    """Tighten the layout, save to ``path`` if given, return the figure."""
    fig.tight_layout()
    if path:
        fig.savefig(path, dpi=120)
    return fig


def cut_trace(results, total_weight: float, *, best_known: float | None = None, labels=None, x: str = "sweeps",
              ax=None, path=None):
    """Best-so-far cut against sweeps or time for one or more annealer runs; returns the figure.

    Args:
        results: a :class:`circuits.annealing.driver.Result` or a list of them.
        total_weight: sum of edge weights W (cut = (W - E) / 2).
        best_known: draw a horizontal line at the best-known cut.
        labels: legend labels.
        x: "sweeps" or "time" (chunk ends only for time).
        ax: matplotlib axes (default: a new figure).
        path: save the figure here (e.g. "trace.png").

    Example:
        >>> from circuits.annealing.driver import Result
        >>> r = Result(0.0, None, None, None, np.array([-2.0, -4.0]), None, np.array([0.1]), np.array([2]), 2, 1,
        ...            0.1, 1.0, None, None, "done", "anneal")
        >>> cut_trace(r, 4.0).axes[0].get_ylabel()
        'best cut so far'
    """
    results = [results] if hasattr(results, "trace_best") else list(results)
    labels = labels or [r.method for r in results]
    fig, ax = _axes(ax, (6, 4))
    for r, lab in zip(results, labels):
        cut = (total_weight - np.asarray(r.trace_best)) / 2
        if x == "time":
            ax.plot(r.trace_time, cut[np.asarray(r.trace_sweep) - 1], marker=".", label=lab)
        else:
            ax.plot(np.arange(1, len(cut) + 1), cut, label=lab)
    if best_known is not None:
        ax.axhline(best_known, color="k", ls="--", lw=1, label=f"best known {best_known:g}")
    ax.set_xlabel("wall time [s]" if x == "time" else "sweeps")
    ax.set_ylabel("best cut so far")
    ax.legend()
    return _finish(fig, path)


def _vs_dissipation(a, e_self, e_baseline, baseline, ax, path, scale, ylabel):
    """Energy [J, shown times ``scale``] vs the AFMI spin-loss fraction, with the heavy-metal level."""
    fig, ax = _axes(ax)
    ax.semilogy(a, np.asarray(e_self, dtype=float) * scale, "o-", label="self-torque (FM/AFMI)")
    if e_baseline is not None:
        ax.axhline(e_baseline * scale, color="k", ls="--", label=f"heavy metal: {baseline}")
    ax.set_xlabel("spin-loss fraction into the AFMI, a_AFMI")
    ax.set_ylabel(ylabel)
    ax.legend()
    return _finish(fig, path)


def switching_curves(curves: dict, *, ax=None, path: str | None = None):
    """Switching probability vs current for each scheme (``{name: SwitchingCurve}``); returns the figure.

    Example:
        >>> from pbits.analysis.switching import SwitchingCurve
        >>> fig = switching_curves({"self": SwitchingCurve(np.array([0, 1e-4]), np.array([0, 1.0]), np.zeros(2), 1e-9)})
        >>> len(fig.axes)
        1
    """
    fig, ax = _axes(ax)
    for name, c in curves.items():
        ax.errorbar(np.asarray(c.currents) * 1e3, c.probability, yerr=c.stderr, marker="o", ms=3, capsize=2,
                    label=f"{name} ({c.width * 1e9:.3g} ns pulse)")
    ax.set_xlabel("pulse current I [mA]")
    ax.set_ylabel("switching probability")
    ax.set_ylim(-0.03, 1.03)
    ax.legend()
    return _finish(fig, path)


def trajectory(t: np.ndarray, m: np.ndarray, *, ax=None, path: str | None = None, labels=("m_x", "m_y", "m_z")):
    """Components of one magnet's m(t); ``m`` has shape (n_records, 3). Returns the figure.

    Example:
        >>> fig = trajectory(np.arange(3) * 1e-9, np.zeros((3, 3)))
        >>> fig.axes[0].get_xlabel()
        't [ns]'
    """
    fig, ax = _axes(ax)
    for k in range(np.asarray(m).shape[1]):
        ax.plot(np.asarray(t) * 1e9, np.asarray(m)[:, k], lw=0.8, label=labels[k])
    ax.set_xlabel("t [ns]")
    ax.set_ylabel("m")
    ax.legend(loc="upper right")
    return _finish(fig, path)


def energy_vs_dissipation(a: np.ndarray, e_self: np.ndarray, e_baseline: float | None = None, *,
                          baseline: str = "baseline", ax=None, path: str | None = None):
    """Energy per switching pulse [J] vs the AFMI spin-loss fraction a, with a baseline line. Returns the figure.

    Example:
        >>> fig = energy_vs_dissipation(np.array([0.2, 0.8]), np.array([2e-15, 1e-15]), 3e-15)
        >>> fig.axes[0].get_yscale()
        'log'
    """
    return _vs_dissipation(a, e_self, e_baseline, baseline, ax, path, 1e15, "energy per pulse at I_c0 [fJ]")


def transfer_curves(curves: dict, params: dict | None = None, *, normalize: bool = True, ax=None,
                    path: str | None = None):
    """sLLG transfer curves <s>(I) with error bars and their tanh fits; returns the figure.

    ``curves``: ``{name: pbits.pbit.transfer.TransferCurve}`` (1-D); ``params``: ``{name: PbitParams}`` (optional)
    drawn as tanh(I/I0 + offset). With ``normalize`` the x axis is I/I0 (curves of very different I0 on one axis).

    Example:
        >>> from pbits.pbit.transfer import TransferCurve
        >>> tc = TransferCurve(np.array([-1e-6, 0, 1e-6]), np.array([-0.7, 0, 0.7]), np.full(3, 0.01),
        ...                    *([np.zeros(3)] * 6), 10, 1e-9)
        >>> fig = transfer_curves({"self": tc})
        >>> fig.axes[0].get_ylabel()
        '<s> = <sgn(m.n)>'
    """
    fig, ax = _axes(ax)
    for k, (name, c) in enumerate(curves.items()):
        p = None if params is None else params.get(name)
        i = np.asarray(c.currents, dtype=float)
        scale = float(p.i0) if (normalize and p is not None) else 1e-6
        color = f"C{k}"
        lab = f"{name}" + (f" (I0 = {float(p.i0) * 1e6:.3g} uA)" if p is not None else "")
        ax.errorbar(i / scale, c.mean, yerr=c.stderr, fmt="o", ms=3, capsize=2, color=color, label=lab)
        if p is not None:
            x = np.linspace(i.min(), i.max(), 200)
            ax.plot(x / scale, np.tanh(x / float(p.i0) + float(p.offset)), color=color, lw=1)
    ax.set_xlabel("I / I0" if (normalize and params) else "I [uA]")
    ax.set_ylabel("<s> = <sgn(m.n)>")
    ax.set_ylim(-1.05, 1.05)
    ax.legend(fontsize=8)
    return _finish(fig, path)


def energy_per_bit(a: np.ndarray, e_self: np.ndarray, e_baseline: float | None = None, *, baseline: str = "baseline",
                   ax=None, path: str | None = None):
    """Energy per random bit [J] vs the AFMI spin-loss fraction a_AFMI, with the heavy-metal value. Returns the figure.

    Example:
        >>> fig = energy_per_bit(np.array([0.3, 0.8]), np.array([2e-16, 3e-17]), 1e-16, baseline="pt")
        >>> fig.axes[0].get_yscale()
        'log'
    """
    return _vs_dissipation(a, e_self, e_baseline, baseline, ax, path, 1e18,
                           "energy per random bit, P x tau_c [aJ]")


def wafer(params, *, path: str | None = None):
    """Histograms of gain (1/I0), offset and tau_c of a calibrated population (``PbitParams`` of (P,) arrays).

    Example:
        >>> from pbits.pbit.calibrate import PbitParams
        >>> fig = wafer(PbitParams(*([np.linspace(1.0, 2.0, 8)] * 9)))
        >>> len(fig.axes)
        3
    """
    plt = _pyplot()
    fig, axs = plt.subplots(1, 3, figsize=(10, 3))
    for ax, (vals, lab) in zip(axs, ((np.asarray(params.gain) * 1e-6, "gain 1/I0 [1/uA]"),
                                     (np.asarray(params.offset), "offset"),
                                     (np.asarray(params.tau_c) * 1e9, "tau_c [ns]"))):
        ax.hist(vals, bins=max(5, int(np.sqrt(np.size(vals)))))
        ax.set_xlabel(lab)
    axs[0].set_ylabel("devices")
    return _finish(fig, path)


def sampling(samples, *, path=None):
    """Energy histogram and energy autocorrelation rho(t) at each beta of a Boltzmann sampling run; returns the
    figure.

    Args:
        samples: a :class:`circuits.sampling.boltzmann.Samples`.
        path: save the figure here (e.g. "samples.png").
    """
    from circuits.sampling import diagnostics

    plt = _pyplot()
    fig, (ax_h, ax_c) = plt.subplots(1, 2, figsize=(9, 3.6))
    for j, beta in enumerate(samples.betas):
        e = samples.energy[:, j, :]
        levels, counts = np.unique(e, return_counts=True)
        if levels.size <= 80:  # discrete levels (integer couplings): the probability of each
            ax_h.plot(levels, counts / e.size, "o-", ms=3, label=f"beta = {beta:.4g}")
        else:
            ax_h.hist(e.ravel(), bins=60, histtype="step", density=True, label=f"beta = {beta:.4g}")
        rho, tau = diagnostics.autocorrelation(e), diagnostics.integrated_time(e)
        lags = np.arange(min(rho.size, max(20, int(10 * tau))))
        ax_c.plot(lags * samples.thin, rho[:lags.size], label=f"tau_int = {tau * samples.thin:.3g} sweeps")
    ax_h.set_xlabel("energy")
    ax_h.set_ylabel("probability (levels) or density")
    ax_h.legend(fontsize=8)
    ax_c.axhline(0.0, color="0.7", lw=0.8)
    ax_c.set_xlabel("lag [sweeps]")
    ax_c.set_ylabel("energy autocorrelation")
    ax_c.legend(fontsize=8)
    return _finish(fig, path)
