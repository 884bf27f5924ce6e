"""A run uses the machine's cores unless told otherwise: results do not depend on the count."""
import os

import attnsim
from tests.conftest import ROOT, run_cli

SCENARIO = os.path.join(ROOT, "examples", "own_model", "scenario.yaml")


def test_workers_default_to_the_cores_of_this_process(tmp_path):
    assert attnsim.load_scenario(SCENARIO).run.workers is None
    r = run_cli("run", SCENARIO, "--out", str(tmp_path / "run"), "--set", "task.n_trials=6",
                "--set", 'models=[{"name": "mine", "family": "my_models:LinearAccumulator"}]', timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    cores = len(os.sched_getaffinity(0))
    assert f"local cluster of {cores} worker process(es)" in r.stderr, r.stderr[-2000:]
