"""A sweep of seeds alone (no grid): one sub-run per network or training seed, which is what an
expectation `over: seeds` needs (issue 19, item 4). A sweep with neither is refused by name."""
import pytest
import yaml

import attnsim
from attnsim.errors import ScenarioError
from attnsim.api import sweep_plan
from tests.helpers.scenarios import small_scenario


def _write(tmp_path, scn):
    path = tmp_path / "scn.yaml"
    path.write_text(yaml.safe_dump(scn, sort_keys=False))
    return str(path)


def test_seeds_without_grid_make_one_point_per_seed(tmp_path):
    scn = attnsim.load_scenario(_write(tmp_path, small_scenario(sweep={"seeds": [4, 9, 16]})))
    assert sweep_plan(scn) == [({}, 4), ({}, 9), ({}, 16)]


def test_sweep_with_neither_grid_nor_seeds_is_refused_with_its_line(tmp_path):
    path = _write(tmp_path, small_scenario(sweep={"plot": [{"metric": "accuracy"}]}))
    with pytest.raises(ScenarioError) as err:
        attnsim.load_scenario(path)
    text = str(err.value)
    assert "sweep" in text and "grid" in text and "seeds" in text and "scn.yaml:" in text
