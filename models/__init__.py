"""Model library (lower layer): arrays in, arrays out. Never imports the upper layer.

Brain-inspired models are built with Brian2; artificial models are numpy.
Every model family follows the protocol in `attnsim.models.base` and registers itself in
`attnsim.models.registry.FAMILIES`.
"""
from attnsim.models.activity import Activity
from attnsim.models.conformance import FamilyCheckError, check_family
from attnsim.models.registry import FAMILIES, load_family

__all__ = ["Activity", "FAMILIES", "FamilyCheckError", "check_family", "load_family"]
