"""Artificial models in plain numpy: layers, attention, recurrent cells, an E/I RNN,
Adam, the masked loss and BPTT training. Every forward has a hand-written backward."""
