"""The root of every error attnsim raises on purpose, and the lower layer's own errors.

`AttnsimError` is defined here, in the lower layer, so that the errors of `attnsim.models`
share the root with those of the upper layer (`attnsim.errors` builds on it): a caller catches
`attnsim.AttnsimError` for anything attnsim refuses (nengo's `NengoException` is the model).

    AttnsimError
    +-- PluginError   a part named in a scenario cannot be used (unknown, not importable, breaks
    |                 the protocol); `choices` lists the valid names
    +-- ParamError    a model parameter broke its rule (also a ValueError); `owner`, `field` and
                      `rule` say which parameter of which class and what it must be
"""
from __future__ import annotations


class AttnsimError(Exception):
    """The root of every error attnsim raises on purpose."""


class PluginError(AttnsimError):
    """A part named in a scenario cannot be used: unknown, not importable, or breaks the protocol.

    The message names the part and says what was expected; `choices` lists the valid names.
    """

    def __init__(self, message: str, choices: tuple[str, ...] = ()):
        super().__init__(message)
        self.choices = choices


class ParamError(AttnsimError, ValueError):
    """A model parameter broke its rule. The message reads "<owner>.<field>: <rule>", as nengo's
    `Ensemble.radius: Value must be greater than 0 (got -1)`; the parts stay readable as
    attributes, so a caller never has to split the message."""

    def __init__(self, owner: str, field: str, rule: str):
        super().__init__(f"{owner}.{field}: {rule}")
        self.owner, self.field, self.rule = owner, field, rule
