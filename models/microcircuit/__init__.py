"""Potjans & Diesmann (2014) layered cortical microcircuit in Brian2.

pd14_params: the paper's tables and derived counts (no Brian2); network: one column as
Brian2 objects; standalone: build-once cpp_standalone binaries; spontaneous: validation
measures; attention_columns: two columns with layer-specific top-down attention.
"""
