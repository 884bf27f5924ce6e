"""results.h5 keeps the per-location reports of dual-report runs and reads them back."""
import numpy as np

from attnsim.models.activity import Activity
from attnsim.store import read_results, write_results
from attnsim.tasks.trials import CHANNELS, Trials


def _act(n, with_reports):
    rng = np.random.default_rng(0)
    extra = {}
    if with_reports:
        extra = {"location_reports": rng.integers(-1, 2, (n, 2)), "location_evidence": rng.normal(size=(n, 2))}
    return Activity(rates=rng.random((n, 5, 2)), dt_ms=1.0, groups={"a": slice(0, 1), "b": slice(1, 2)},
                    selective_groups=("a", "b"), choice=np.full(n, -1), reaction_time_ms=np.full(n, np.nan),
                    **extra)


def test_location_reports_round_trip(tmp_path):
    n = 6
    trials = Trials(dt_ms=1.0, inputs=np.zeros((n, 5, 4)), channels=CHANNELS,
                    target=np.ones((n, 2), dtype=int), epochs={"stimulus": slice(1, 4)},
                    conditions={"condition": np.array(["divided"] * n)})
    acts = {"dual": _act(n, True), "plain": _act(n, False)}
    path = str(tmp_path / "results.h5")
    write_results(path, trials, acts, {"dual": ("x", "brain"), "plain": ("x", "brain")}, ["rates"])
    back = read_results(path)
    np.testing.assert_array_equal(back.activities["dual"].location_reports, acts["dual"].location_reports)
    np.testing.assert_array_equal(back.activities["dual"].location_evidence, acts["dual"].location_evidence)
    assert back.activities["plain"].location_reports is None
    np.testing.assert_array_equal(back.trials.target, trials.target)
