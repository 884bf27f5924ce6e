"""Model library (lower layer): arrays in, arrays out. Never imports `sim`.

Brain-inspired models are built with Brian2; artificial models are numpy.
Every model family follows the contract in `models.base`.
"""
from models.activity import Activity
from models.registry import FAMILIES, family_info, load_family

__all__ = ["Activity", "FAMILIES", "family_info", "load_family"]
