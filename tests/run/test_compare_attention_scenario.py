"""scenarios/compare_attention.yaml has the design issue 19 asks of the comparison: gains at >= 5
contrasts, divided attention on the dual-report design with every family's matched-difficulty
read-out, >= 5 seeds, and one network realization per model and seed (the microcircuit's NET seed
comes from its chunk seed, so a point split into several chunks would mix realizations).
Before (2026-12-03) it had 3 contrasts, the single-choice `divided` task and one seed."""
import os

import numpy as np

from attnsim.runner import plan_chunks
from attnsim.scenario.load import load_file, validate_point
from attnsim.seeds import derive_seed
from attnsim.sweep import sweep_points

SCENARIO = os.path.join(os.path.dirname(__file__), "..", "..", "scenarios", "compare_attention.yaml")
ANN_FAMILIES = {"dot_product_attention", "rnn", "gru", "lstm", "ei_rnn"}


def _points():
    scn, resolved = load_file(SCENARIO)[:2]
    return scn, resolved, [(values, seed, validate_point(resolved, values, seed)[0]) for values, seed in sweep_points(resolved)]


def test_design_contrasts_dual_report_and_seeds():
    scn, resolved, points = _points()
    seeds = sorted({seed for _, seed, _ in points})
    assert len(seeds) >= 5
    kinds = {}
    for _, seed, p in points:
        task = p.model_dump(mode="json")["task"]
        kinds.setdefault(task["kind"], set()).add(seed)
        if task["kind"] == "selective":
            assert len(set(task["contrasts"])) >= 5 and task["distractor_ratio"] == 1.0
        assert task["kind"] != "divided"                     # the single-choice task is not row 10's design
    assert kinds == {"selective": set(seeds), "dual_report": set(seeds)}
    for m in scn.models:                                     # every family reads out both locations
        assert m.family in ANN_FAMILIES or m.params.get("report_criterion_hz") is not None, m.name
        if m.family in ANN_FAMILIES:
            assert m.params.get("sigma_in", 0) > 0, m.name   # variability, and difficulty off the ceiling


def test_one_realization_per_model_and_seed():
    scn, resolved, points = _points()
    for _, seed, p in points:
        assert len(plan_chunks(p.task.n_trials, p.run.chunk_trials)) == 1
    by_seed = {}
    for _, seed, p in points:
        net = {m.name: int(np.random.SeedSequence(derive_seed(seed, "run", m.name, 0)).generate_state(1)[0])
               for m in p.models}
        fit = {m.name: derive_seed(seed, "fit", m.name) for m in p.models}
        assert by_seed.setdefault(seed, (net, fit)) == (net, fit)   # both tasks: the same network
    nets = [v[0]["microcircuit"] for v in by_seed.values()]
    fits = [v[1]["rnn"] for v in by_seed.values()]
    assert len(set(nets)) == len(by_seed) and len(set(fits)) == len(by_seed)


def test_expectations_are_over_seeds():
    scn, _, _ = _points()
    assert scn.expect and all(ex.over == "seeds" for ex in scn.expect)
    capacity = {ex.model for ex in scn.expect if ex.metric == "capacity_cost"}
    assert capacity == {m.name for m in scn.models}
