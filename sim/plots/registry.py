"""Figures by name: build them (`figures`) or build and save them (`draw`).

Each figure registers itself in its module of this package::

    @FIGURES.register("raster", summary="spike raster per condition ...")
    def raster(run, summary) -> list[tuple[str, Figure]]: ...

taking the stored run (`attnsim.store.RunData`) and summary.json, drawing only from them (so
`attnsim figures RUN_DIR` can redraw), and returning (file stem, matplotlib Figure) pairs, or []
when it does not apply. Outside figures are named 'package.module:func' (found on
`search_path`) or installed as entry points of group ``attnsim.figures``.
"""
from __future__ import annotations

from matplotlib.figure import Figure

from attnsim.plots.figures import save_figure
from attnsim.registries import FIGURES, PluginError

__all__ = ["FIGURES", "draw", "figures"]


def figures(name: str, run, summary: dict, search_path: tuple[str, ...] | list[str] = ()) -> list[tuple[str, Figure]]:
    """The (stem, Figure) pairs of figure `name` for this run; nothing is written.

    search_path: folders for an outside figure's module (default: the run's `search_path`).
    Raises PluginError for an unknown name, and for an outside figure that raises or does not
    return a list of (str, Figure) pairs (naming it).
    """
    entry = FIGURES.get(name, tuple(search_path) or tuple(getattr(run, "search_path", ()) or ()))
    try:
        out = entry.obj(run, summary)
    except Exception as e:
        if entry.origin == "bundled":
            raise
        raise PluginError(f"figure {name!r} raised {type(e).__name__}: {e}") from e
    out = list(out or [])
    bad = [p for p in out if not (isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str)
                                  and isinstance(p[1], Figure))]
    if bad:
        raise PluginError(f"figure {name!r}: expected a list of (stem, matplotlib.figure.Figure) pairs, "
                          f"got {bad[0]!r}")
    return out


def draw(name: str, run, summary: dict, out_dir: str, run_dir: str | None = None,
         search_path: tuple[str, ...] | list[str] = ()) -> list[str]:
    """Save every figure of `name` as <stem>.png (110 dpi) and <stem>.svg in out_dir; the paths.

    run_dir is accepted for callers of the former API and not used: figures draw from `run`.
    """
    files: list[str] = []
    for stem, fig in figures(name, run, summary, search_path):
        files += save_figure(fig, out_dir, stem)
    return files
