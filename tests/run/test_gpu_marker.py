"""`gpu` tests are collected by default and skipped, with the reason, where no CUDA GPU is found
(tests/conftest.py), instead of deselected by the default options (which meant: never run)."""
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT, no_gpu_reason

GPU_TEST = '''
import pytest

@pytest.mark.gpu
def test_needs_a_gpu():
    pass

def test_plain():
    pass
'''


def test_gpu_test_is_collected_and_skipped_with_the_reason_without_a_gpu(tmp_path):
    reason = no_gpu_reason()
    if reason is None:
        pytest.skip("a CUDA GPU is present here: gpu tests run instead of skipping")
    (tmp_path / "test_gpu_probe.py").write_text(GPU_TEST)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([ROOT, os.environ.get("PYTHONPATH", "")]))
    # the repository's default marker expression, with tests/conftest.py loaded as a plugin
    r = subprocess.run([sys.executable, "-m", "pytest", str(tmp_path), "-p", "tests.conftest", "-p",
                        "no:cacheprovider", "-ra", "-m", "not slow", "--rootdir", str(tmp_path)],
                       capture_output=True, text=True, cwd=str(tmp_path), env=env, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:]
    assert "1 passed, 1 skipped" in r.stdout and "deselected" not in r.stdout, r.stdout[-3000:]
    # -ra prints the reason on the short summary line
    assert f"SKIPPED [1] test_gpu_probe.py:4: {reason}\n" in r.stdout, r.stdout[-3000:]


def test_default_options_no_longer_deselect_gpu_tests():
    import tomllib
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        addopts = tomllib.load(fh)["tool"]["pytest"]["ini_options"]["addopts"]
    assert "gpu" not in addopts
