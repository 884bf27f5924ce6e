"""Jobs are typed, frozen values: the plan lists what is left as ChunkTodo / FitTodo, the engine
sends FitJob / ChunkJob, and running those jobs in this process gives the numbers a run gives."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import attnsim
from attnsim import runner
from attnsim.engine import run_in_process
from attnsim.jobs import ChunkJob, ChunkTodo, FitJob, FitTodo, plan_jobs
from tests.helpers.scenarios import small_scenario


@pytest.fixture
def plan(tmp_path):
    scn = attnsim.load_scenario(small_scenario())
    return runner.plan_run(scn, str(tmp_path / "run.partial"), quiet=True)


def test_a_plan_lists_typed_todos_and_its_jobs_follow_them(plan):
    assert set(plan.fits) == {"mine", "rnn"} and all(isinstance(f, FitTodo) for f in plan.fits.values())
    todos = plan.todo["rnn"]
    assert [t.chunk for t in todos] == [0, 1] and all(isinstance(t, ChunkTodo) for t in todos)
    assert todos[1].trials == tuple(range(12, 24)) and plan.trials_to_run("rnn") == 24
    jobs = plan_jobs(plan)
    assert [(j.kind, j.name) for j in jobs] == [("fit", "mine"), ("run", "mine"), ("run", "mine"),
                                                ("fit", "rnn"), ("run", "rnn"), ("run", "rnn")]
    fit, chunk = jobs[3], jobs[5]
    assert isinstance(fit, FitJob) and fit.weights_path == plan.fits["rnn"].weights_path
    assert isinstance(chunk, ChunkJob) and chunk.weights_path == fit.weights_path
    assert (chunk.chunk, chunk.trials, chunk.seed, chunk.path) == dataclasses.astuple(todos[1])
    assert chunk.n_trials == 12 and chunk.batch_size == 12
    with pytest.raises(dataclasses.FrozenInstanceError):
        chunk.seed = 0


def test_jobs_run_in_process_give_the_numbers_of_a_run(plan):
    run_in_process([plan])
    assert plan.timings["rnn"]["fit_s"] > 0
    got = runner.collect(plan)
    ref = attnsim.run(small_scenario(), workers=1)
    for name in ("mine", "rnn"):
        np.testing.assert_array_equal(got.activities[name].choice, ref.activities[name].choice)
        np.testing.assert_allclose(got.activities[name].rates, ref.activities[name].rates, rtol=1e-6, atol=1e-6)
