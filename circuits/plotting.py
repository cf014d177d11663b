"""Figures (matplotlib is imported lazily, only when a plot is drawn)."""
from __future__ import annotations

import numpy as np


def _plt():
    import matplotlib

    if matplotlib.get_backend().lower() not in ("agg", "module://matplotlib_inline.backend_inline"):
        try:
            import matplotlib.pyplot as plt  # noqa: F401
        except Exception:  # pragma: no cover - headless fallback
            matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def cut_trace(results, total_weight: float, *, best_known: float | None = None, labels=None, x: str = "sweeps",
              ax=None, path=None):
    """Best-so-far cut against sweeps or time for one or more runs.

    Args:
        results: a :class:`circuits.run.Result` or a list of them.
        total_weight: sum of edge weights W (cut = (W - E) / 2).
        best_known: draw a horizontal line at the best-known cut.
        labels: legend labels.
        x: "sweeps" or "time" (chunk ends only for time).
        ax: matplotlib axes (default: a new figure).
        path: save the figure here (e.g. "trace.png").

    Returns:
        The matplotlib axes.
    """
    plt = _plt()
    results = [results] if hasattr(results, "trace_best") else list(results)
    labels = labels or [r.method for r in results]
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4))
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
    if path is not None:
        ax.figure.tight_layout()
        ax.figure.savefig(path, dpi=120)
    return ax
