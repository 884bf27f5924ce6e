"""A small scenario dict that runs in seconds (the README example's user model and a small RNN),
shared by the API tests (tests/run/test_api.py) and the job tests (tests/run/test_jobs.py)."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLE = os.path.join(ROOT, "examples", "own_model")


def small_scenario(**extra) -> dict:
    """A scenario dict with the example's user model and a small bundled RNN (seconds to run)."""
    scn = {
        "name": "api-test", "seed": 3,
        "task": {"kind": "selective", "n_trials": 24, "dt": "2 ms",
                 "timing": {"fixation": "100 ms", "cue": "100 ms", "stimulus": "200 ms", "response": "100 ms"},
                 "contrasts": [0.3, 0.5]},
        "models": [{"name": "mine", "family": "my_models:LinearAccumulator", "params": {"train_steps": 40}},
                   {"name": "rnn", "family": "rnn", "params": {"hidden": 8, "max_steps": 20}}],
        "record": ["rates"],
        "analysis": ["accuracy", "reaction_time_ms", "rate_hz"],
        "figures": ["psychometric", "training"],
        "plugin_path": [EXAMPLE],
        "run": {"chunk_trials": 12},
    }
    scn.update(extra)
    return scn
