"""attnsim.run from a plain script, a piped script and a guarded script, on 2 worker processes.

Dask's local cluster starts its workers with "spawn", which runs the main script again in each
worker; a script without `if __name__ == "__main__":` then failed with a 180-line traceback
("PinnedNanny failed to start"). sim/main_script.py hides the script from the workers.
"""
import os
import subprocess
import sys

import pytest

from attnsim.main_script import _guard_ranges
from tests.conftest import ROOT

SCENARIO = os.path.join(ROOT, "examples", "own_model", "scenario.yaml")
BODY = f"""import attnsim
scn = attnsim.load_scenario({SCENARIO!r}, overrides={{"task.n_trials": 6, "run.chunk_trials": 3,
    "models": [{{"name": "mine", "family": "my_models:LinearAccumulator"}}]}})
res = attnsim.run(scn, workers=2)
print("accuracy", res.metrics["mine"]["accuracy"]["all"])
"""
GUARDED = "if __name__ == '__main__':\n" + "".join("    " + line + "\n" for line in BODY.splitlines())


def _python(tmp_path, *args, stdin=None):
    return subprocess.run([sys.executable, *args], input=stdin, capture_output=True, text=True, cwd=tmp_path,
                          timeout=600)


@pytest.mark.parametrize("how", ["plain script", "piped to python -", "guarded script"])
def test_run_from_a_script_starts_its_workers(tmp_path, how):
    if how == "piped to python -":
        r = _python(tmp_path, "-", stdin=BODY)
    else:
        path = tmp_path / "tour.py"
        path.write_text(GUARDED if how == "guarded script" else BODY)
        r = _python(tmp_path, str(path))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "accuracy" in r.stdout
    assert "Traceback" not in r.stderr and "bootstrapping phase" not in r.stderr


def test_guard_ranges_cover_the_guarded_body_only(tmp_path):
    path = tmp_path / "s.py"
    path.write_text("import x\n\nif __name__ == '__main__':\n    a = 1\n    b = 2\nc = 3\n"
                    "if '__main__' == __name__:\n    d = 4\nif __name__ == 'other':\n    e = 5\n")
    assert _guard_ranges(str(path)) == [(4, 5), (8, 8)]

