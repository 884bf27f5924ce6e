import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cli(*args, cwd=None, timeout=600):
    """Run `python -m sim ...` as a user would; returns CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "attnsim", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=timeout)


@pytest.fixture
def cli():
    return run_cli


def no_gpu_reason() -> str | None:
    """Why `gpu` tests cannot run here, or None when they can.

    The same test as tests/models/test_microcircuit_gpu.py: brian2cuda importable and the CUDA tools
    `nvidia-smi` and `nvcc` on PATH; and `nvidia-smi -L` must list a device, since the tools
    can be installed on a machine without a GPU.
    """
    try:
        import brian2cuda  # noqa: F401
    except Exception as e:  # noqa: BLE001 (any import failure means: cannot run)
        return f"no CUDA GPU: brian2cuda not importable ({type(e).__name__}: {e})"
    for tool in ("nvidia-smi", "nvcc"):
        if shutil.which(tool) is None:
            return f"no CUDA GPU: {tool} not on PATH"
    try:
        listed = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"no CUDA GPU: nvidia-smi -L failed ({type(e).__name__})"
    if listed.returncode != 0 or "GPU" not in listed.stdout:
        return f"no CUDA GPU: nvidia-smi -L lists none (exit {listed.returncode})"
    return None


LAYERS = ("analysis", "models", "run", "tasks", "validation")   # tests/<layer>/: the marker of its tests


def pytest_collection_modifyitems(config, items):
    """Mark each test with its folder's layer (`pytest -m analysis`, `-m "not validation"`), and
    skip `gpu` tests, with the reason, where no CUDA GPU is found (they are not deselected:
    `-ra` lists each skip, so "skipped without a GPU" is seen, and they run where one is)."""
    here = os.path.dirname(os.path.abspath(__file__))
    for item in items:
        parts = os.path.relpath(str(item.path), here).split(os.sep)
        if len(parts) > 1 and parts[0] in LAYERS:
            item.add_marker(getattr(pytest.mark, parts[0]))
    gpu_items = [item for item in items if item.get_closest_marker("gpu") is not None]
    if not gpu_items:
        return
    reason = no_gpu_reason()
    if reason is None:
        return
    for item in gpu_items:
        item.add_marker(pytest.mark.skip(reason=reason))
