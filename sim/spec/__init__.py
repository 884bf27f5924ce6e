"""The primitives a `task:` block or a scenario is written in: strict pydantic models and
quantities with units. They sit below both `attnsim.tasks` (whose Specs use them) and
`attnsim.scenario` (whose schema and loader use them), so a task never imports the scenario
layer that validates it.

- `strict.Strict`: a pydantic model that refuses unknown keys;
- `units`: parsing "500 ms" into a number in the unit a key names, dimension-checked;
- `quantities`: the annotated field types built on it (`DurationMs`, `PositiveDurationMs`).
"""
