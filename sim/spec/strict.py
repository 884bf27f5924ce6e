"""`Strict`: the base of every block of a scenario and of every task Spec."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """A pydantic model that refuses keys it does not declare, so a misspelt key is an error
    naming the key instead of a silently ignored line."""
    model_config = ConfigDict(extra="forbid", frozen=False)
