"""The shared threshold readout: first crossing wins, ties go to the higher trace, no crossing -> larger rate."""
import numpy as np

from models.readout import stimulus_onset_index, threshold_readout


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
