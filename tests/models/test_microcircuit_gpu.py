"""PD14 column on a GPU through brian2cuda (skipped, with the reason, without brian2cuda or a CUDA GPU)."""
import tempfile

import numpy as np
import pytest


@pytest.mark.gpu          # skipped, with the reason, where tests/conftest.py finds no CUDA GPU
def test_column_runs_on_cuda_standalone():
    import brian2 as b2
    import brian2cuda  # noqa: F401
    from attnsim.models.microcircuit.network import ColumnConfig, build_column
    d = tempfile.mkdtemp(prefix="pd14_cuda_")
    b2.set_device("cuda_standalone", directory=d, build_on_run=False)
    try:
        b2.defaultclock.dt = 0.1 * b2.ms
        col = build_column(ColumnConfig(N_scaling=0.05, K_scaling=0.05))
        b2.Network(*col.objects).run(0.5 * b2.second)
        b2.device.build(directory=d, compile=True, run=True, with_output=False)
        i = np.asarray(col.spikes.i)
        t = np.asarray(col.spikes.t)
        assert i.size > 0
        # every population fires and stays below 30 Hz after the onset transient
        for p, s in col.slices.items():
            r = np.sum((i >= s.start) & (i < s.stop) & (t > 0.1)) / (s.stop - s.start) / 0.4
            assert 0 < r < 30, p
    finally:
        b2.device.reinit()
        b2.device.activate()
        b2.set_device("runtime")
