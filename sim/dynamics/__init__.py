"""How the models compute: fixed and slow points, dynamical similarity and representational geometry.

Works on any Activity and on any model with the `dynamical` capability (models/dynamics.py), bundled
or a user's own. See docs/reference.md rows 6 and 14 for the fixed points it is checked against.
"""

from attnsim.dynamics.fixed_points import FixedPoints, find_fixed_points, fixed_points  # noqa: F401
