"""Model families by name. Imports are lazy so that `attnsim list` and
validation never pay for Brian2 start-up."""
from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class FamilyInfo:
    name: str
    target: str          # "module:Class"
    kind: str            # "brain" or "artificial"
    summary: str


FAMILIES: dict[str, FamilyInfo] = {f.name: f for f in [
    FamilyInfo("spiking_competition", "models.spiking_competition:SpikingCompetition", "brain",
               "Brunel & Wang 2001 / Wang 2002 spiking E/I network: two selective pools with self-excitation (AMPA/NMDA/GABA_A)"),
    FamilyInfo("rate_competition", "models.wong_wang:WongWang", "brain",
               "Wong & Wang 2006 reduced two-variable NMDA rate model (Brian2 rate equations)"),
    FamilyInfo("wilson_cowan", "models.wilson_cowan:WilsonCowan", "brain",
               "Wilson & Cowan 1972 E/I rate populations, one E/I pair per stimulus with mutual inhibition"),
    FamilyInfo("brunel_network", "models.brunel_network:BrunelNetwork", "brain",
               "Brunel 2000 sparse E/I LIF network (delta synapses, fixed in-degree, delay D): AI/SR/SI states"),
    FamilyInfo("normalization", "models.normalization:Normalization", "brain",
               "Reynolds & Heeger 2009 normalization model of attention (rate)"),
    FamilyInfo("microcircuit", "models.microcircuit.attention_columns:MicrocircuitColumns", "brain",
               "Potjans & Diesmann 2014 layered cortical microcircuit, two columns with layer-specific top-down attention"),
    FamilyInfo("dot_product_attention", "models.ann.families:DotProductAttentionModel", "artificial",
               "transformer encoder (scaled dot-product multi-head attention) over time steps, numpy"),
    FamilyInfo("rnn", "models.ann.families:RNNModel", "artificial", "vanilla leaky RNN trained with BPTT + Adam, numpy"),
    FamilyInfo("gru", "models.ann.families:GRUModel", "artificial", "GRU (PyTorch gate equations) trained with BPTT + Adam, numpy"),
    FamilyInfo("lstm", "models.ann.families:LSTMModel", "artificial", "LSTM (PyTorch gate equations) trained with BPTT + Adam, numpy"),
    FamilyInfo("ei_rnn", "models.ann.families:EIRNNModel", "artificial",
               "E/I RNN with Dale's law (Song, Yang & Wang 2016), numpy"),
]}


def family_info(name: str) -> FamilyInfo:
    return FAMILIES[name]


def load_family(name: str):
    """The model class of a family (imports its module on first use)."""
    info = FAMILIES[name]
    module, cls = info.target.split(":")
    return getattr(importlib.import_module(module), cls)
