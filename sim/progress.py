"""Progress bars of a run, fed from finished Dask futures (tqdm on stderr).

One bar per model name counts trials done (summed over sweep points: the same model runs at
every point), one per trainable model counts trainings done, and a sweep adds one bar for the
points whose results are written. `quiet` gives the same object with no bars.
"""
from __future__ import annotations

import sys


class Progress:
    def __init__(self, trials: dict[str, int], fits: dict[str, int], points: int = 0, quiet: bool = False,
                 done_points: int = 0):
        """trials / fits: model name -> how many trials / trainings are still to do; points: the
        number of sweep points (0: not a sweep), of which `done_points` are already finished."""
        self.bars = {}
        if quiet:
            return
        from tqdm import tqdm
        pos = 0

        def bar(key, total, desc, unit, initial=0):
            nonlocal pos
            self.bars[key] = tqdm(total=total, initial=initial, desc=desc, unit=unit, position=pos, leave=True,
                                  file=sys.stderr, dynamic_ncols=True)
            pos += 1
        if points:
            bar(("points", ""), points, "sweep points", "point", done_points)
        for name, n in fits.items():
            if n:
                bar(("fit", name), n, f"{name} train", "fit")
        for name, n in trials.items():
            bar(("run", name), n, f"{name} trials", "trial")

    def _update(self, key, n: int) -> None:
        b = self.bars.get(key)
        if b is not None:
            b.update(n)

    def trials_done(self, name: str, n: int) -> None:
        self._update(("run", name), n)

    def fit_done(self, name: str) -> None:
        self._update(("fit", name), 1)

    def point_done(self) -> None:
        self._update(("points", ""), 1)

    def close(self) -> None:
        for b in self.bars.values():
            b.close()
        self.bars = {}
