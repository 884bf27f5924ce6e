import os
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
