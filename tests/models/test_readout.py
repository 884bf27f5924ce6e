"""The shared threshold readout: first crossing wins, ties go to the higher trace, no crossing -> larger rate."""
import numpy as np

from attnsim.models.readout import stimulus_onset_index, threshold_readout


def test_first_crossing_wins_and_rt_from_onset():
    a = np.array([[0, 0, 1, 5, 20, 30, 30.0]])
    b = np.array([[0, 0, 1, 16, 10, 5, 5.0]])
    choice, rt = threshold_readout(a, b, 2.0, np.array([2]), 15.0)
    assert choice[0] == 1 and rt[0] == 2.0     # b crosses one sample (2 ms) after onset


def test_tie_goes_to_the_higher_trace_not_to_A():
    a = np.array([[20.0, 20.0]])
    b = np.array([[40.0, 40.0]])
    choice, rt = threshold_readout(a, b, 1.0, np.array([0]), 15.0)
    assert choice[0] == 1 and rt[0] == 0.0


def test_no_crossing_takes_the_larger_late_rate():
    a = np.array([[1.0] * 20, [3.0] * 20])
    b = np.array([[2.0] * 20, [2.0] * 20])
    choice, rt = threshold_readout(a, b, 1.0, np.array([0, 0]), 15.0)
    assert list(choice) == [1, 0] and np.isnan(rt).all()


def test_stimulus_onset_index():
    x = np.zeros((2, 10, 4))
    x[0, 3:, 0] = 0.5
    x[1, 7:, 1] = 0.2
    x[:, :, 2] = 1.0          # a cue is not a stimulus
    assert list(stimulus_onset_index(x, ("stim_A", "stim_B", "cue_A", "cue_B"))) == [3, 7]
    # a ring of features: any stim_f<k> on is the stimulus; the cue_f<k> ring is not
    assert list(stimulus_onset_index(x, ("stim_f0", "stim_f1", "cue_f0", "cue_f1"))) == [3, 7]
    assert list(stimulus_onset_index(x, ("cue_f0", "cue_f1", "stim_f0", "stim_f1"))) == [0, 0]


def test_location_readout_window_criterion_and_blank_trials():
    from attnsim.models.readout import location_fields, location_readout, stimulus_window
    n_steps = 40
    inputs = np.zeros((3, n_steps, 4))
    inputs[0, 10:30, 0] = 0.5            # trial 0: A present; trial 1: blank at both; trial 2: B present
    inputs[2, 10:30, 1] = 0.5
    inputs[:, 5:30, 2] = 1.0             # a cue is not a stimulus
    channels = ("stim_A", "stim_B", "cue_A", "cue_B")
    assert stimulus_window(inputs, channels) == (10, 30)
    # rates sampled every 2 ms (inputs every 1 ms): window bins 5..15
    rate_a, rate_b = np.zeros((3, 20)), np.zeros((3, 20))
    rate_a[0, 5:15], rate_b[2, 5:15] = 30.0, 12.0
    rate_a[:, :5] = rate_b[:, :5] = 100.0  # outside the window: must not count
    reports, evidence = location_readout(inputs, channels, 1.0, rate_a, rate_b, 2.0, 20.0)
    assert np.allclose(evidence, [[30, 0], [0, 0], [0, 12]])
    assert reports.tolist() == [[1, 0], [0, 0], [0, 0]]
    none = location_fields(inputs, channels, 1.0, rate_a, rate_b, 2.0, None)
    assert (none["location_reports"] == -1).all() and np.allclose(none["location_evidence"], evidence)
    silent, ev = location_readout(np.zeros((2, n_steps, 4)), channels, 1.0, rate_a[:2], rate_b[:2], 2.0, 1.0)
    assert (silent == -1).all() and np.isnan(ev).all()


def test_rate_model_fills_location_reports_from_its_criterion():
    from attnsim.models.wong_wang import WongWang, WongWangParams
    from attnsim.tasks.dual_report import make_dual_report
    tr = make_dual_report(n_trials=8, dt_ms=1.0, timing_ms={"fixation": 100, "cue": 50, "stimulus": 300,
                          "response": 50}, contrasts=[0.5], conditions=["divided"], seed=1)
    act = WongWang(WongWangParams(report_criterion_hz=8.0)).run(tr.inputs, tr.dt_ms, tr.channels, seed=2)
    assert act.location_reports.shape == (8, 2) and act.location_evidence.shape == (8, 2)
    assert np.array_equal(act.location_reports, (act.location_evidence > 8.0).astype(int))
    stim = slice(tr.epochs["stimulus"].start, tr.epochs["stimulus"].stop)
    assert np.allclose(act.location_evidence[:, 0], act.rates[:, stim, 0].mean(axis=1))
