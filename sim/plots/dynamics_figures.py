"""Figures of "How the models compute" (attnsim.dynamics.computation): fixed points and DSA.

- `fixed_points_figure`: per model with fixed points, its condition-averaged trajectories in its
  own state space projected on their top two principal components, with the fixed points of the
  decision epoch on them (filled circle stable, cross saddle, triangle marginal, open circle slow);
- `dsa_figure`: the DSA distance matrix (mean over seed pairs) and a classical MDS embedding of
  it (Torgerson 1952: the top two eigenvectors of the double-centred squared distances), each
  model a point with a circle of radius half its within-architecture spread (the mean distance
  between its seeds) so that two models whose circles overlap differ no more than seeds do.

Registered as the figure "dynamics" (one realization: the run's own models, rebuilt from its
directory); the report draws the same figures from all seeds of a point (`save_dynamics_figures`).
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from attnsim.plots.figures import save_figure
from attnsim.registries import FIGURES

MARKERS = {"stable": ("o", "k", "full"), "saddle": ("x", "C3", "full"), "marginal": ("^", "C2", "full"),
           "unstable": ("s", "C1", "full")}


def fixed_points_figure(comp, epoch: str = "stimulus") -> Figure | None:
    """Fixed points of the decision epoch on the PCA trajectories, one panel per model (first seed)."""
    names = [n for n in comp.models if comp.fixed.get(n) and comp.fixed[n][0].traj_means is not None]
    if not names:
        return None
    ncols = min(4, len(names))
    nrows = -(-len(names) // ncols)
    fig = Figure(figsize=(3.2 * ncols, 3.0 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    for ax, name in zip(axes.flat, names):
        mf = comp.fixed[name][0]
        e = epoch if epoch in mf.epochs else next(iter(mf.epochs))
        tr = mf.traj_means                                   # (C, T, n_state)
        flat = tr.reshape(-1, tr.shape[-1])
        centre = flat.mean(axis=0)
        _, s, vt = np.linalg.svd(flat - centre, full_matrices=False)
        k = min(2, vt.shape[0])
        proj = lambda x: (np.atleast_2d(x) - centre) @ vt[:k].T  # noqa: E731
        for i, label in enumerate(mf.traj_labels):
            p = proj(tr[i])
            ax.plot(p[:, 0], p[:, 1] if k > 1 else np.zeros(len(p)), color=f"C{i % 10}", lw=0.8, alpha=0.7)
        fp = mf.epochs[e]
        for j in range(len(fp)):
            m, c, _ = MARKERS.get(fp.type[j], ("s", "C1", "full"))
            p = proj(fp.points[j])[0]
            ax.plot(p[0], p[1] if k > 1 else 0.0, m, color=c, ms=7, mfc=c if fp.is_fixed[j] else "none")
        ev = s ** 2 / np.sum(s ** 2) if np.sum(s ** 2) > 0 else np.zeros_like(s)
        c = fp.counts()
        ax.set_title(f"{name}: {e}\n{c['stable']} stable, {c['saddle']} saddle, {c['marginal']} marginal "
                     f"(PC1 {ev[0]:.0%})", fontsize=8)
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("fixed points on the condition-averaged state trajectories (o stable, x saddle, ^ marginal; "
                 "open: slow point)", fontsize=9)
    fig.tight_layout()
    return fig


def classical_mds(d: np.ndarray, k: int = 2) -> np.ndarray:
    """(M, k) coordinates whose distances approximate d (M, M) (classical MDS, Torgerson 1952)."""
    d = np.asarray(d, float)
    m = len(d)
    j = np.eye(m) - 1.0 / m
    b = -0.5 * j @ (d ** 2) @ j
    w, v = np.linalg.eigh(b)
    order = np.argsort(w)[::-1][:k]
    return v[:, order] * np.sqrt(np.maximum(w[order], 0.0))


def dsa_figure(comp) -> Figure | None:
    """The DSA matrix and its MDS embedding with each model's within-architecture spread."""
    dsa = comp.dsa
    if dsa is None:
        return None
    names = dsa.names
    m = len(names)
    d = np.array(dsa.distance, float)
    within = np.diag(d).copy()
    off = d.copy()
    np.fill_diagonal(off, 0.0)
    fig = Figure(figsize=(9.0, 4.0))
    a1, a2 = fig.subplots(1, 2)
    show = d.copy()
    im = a1.imshow(show, cmap="magma_r", vmin=0)
    a1.set_xticks(range(m))
    a1.set_xticklabels(names, rotation=45, ha="right", fontsize=7)
    a1.set_yticks(range(m))
    a1.set_yticklabels(names, fontsize=7)
    for i in range(m):
        for j in range(m):
            if np.isfinite(show[i, j]):
                a1.text(j, i, f"{show[i, j]:.2f}", ha="center", va="center", fontsize=6,
                        color="w" if show[i, j] > 0.5 * np.nanmax(show) else "k")
    fig.colorbar(im, ax=a1, fraction=0.046)
    a1.set_title("DSA distance (rad); diagonal: between seeds of one model", fontsize=8)
    xy = classical_mds(off)
    if xy.shape[1] < 2:
        xy = np.column_stack([xy, np.zeros(m)])
    from matplotlib.patches import Circle
    for i, n in enumerate(names):
        kind = comp.kinds.get(n, "")
        col = "C0" if kind == "brain" else "C1"
        a2.plot(xy[i, 0], xy[i, 1], "o", color=col)
        a2.annotate(n, xy[i], fontsize=7, xytext=(3, 3), textcoords="offset points")
        if np.isfinite(within[i]) and within[i] > 0:
            a2.add_patch(Circle(xy[i], within[i] / 2, color=col, alpha=0.15))
    a2.set_aspect("equal", adjustable="datalim")
    a2.set_title("MDS of DSA (blue brain, orange artificial;\ncircle radius: half the between-seed distance)",
                 fontsize=8)
    fig.tight_layout()
    return fig


def dynamics_figures(comp, epoch: str = "stimulus") -> list[tuple[str, Figure]]:
    out = []
    f = fixed_points_figure(comp, epoch)
    if f is not None:
        out.append(("fixed_points", f))
    f = dsa_figure(comp)
    if f is not None:
        out.append(("dsa", f))
    return out


def save_dynamics_figures(comp, out_dir: str) -> list[str]:
    """Write the figures of `comp` into out_dir; the paths written."""
    import os
    os.makedirs(out_dir, exist_ok=True)
    files = []
    for stem, fig in dynamics_figures(comp):
        files += save_figure(fig, out_dir, stem)
    return files


@FIGURES.register("dynamics", summary="fixed points on the PCA trajectories of every model with the dynamical "
                  "capability, and the DSA matrix with its MDS embedding (one realization)")
def dynamics(run, summary) -> list[tuple[str, Figure]]:
    from attnsim.dynamics.computation import compute, realization_from_run
    if run.trials is None or len(run.activities) < 1:
        return []
    kinds = {n: m.get("kind", "") for n, m in (summary or {}).get("models", {}).items()}
    comp = compute([realization_from_run(run, kinds=kinds or None)], n_shuffle=5)
    return dynamics_figures(comp)
