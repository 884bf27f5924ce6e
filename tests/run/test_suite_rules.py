"""Rules of the test suite itself: builders shared by several test modules live in tests/helpers
(or tests/conftest.py fixtures), so no test module imports another (a reader finds a test's
helpers without opening a second test file, and moving a test file breaks nothing)."""
import os
import re

from tests.conftest import ROOT

CROSS_IMPORT = re.compile(r"^\s*(?:from\s+tests(?:\.\w+)*\.test_\w+\s+import|import\s+tests(?:\.\w+)*\.test_\w+"
                          r"|from\s+tests(?:\.\w+)*\s+import\s+test_\w+)", re.MULTILINE)


def test_no_test_module_imports_another():
    offenders = []
    for folder, _, files in os.walk(os.path.join(ROOT, "tests")):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as fh:
                    for m in CROSS_IMPORT.finditer(fh.read()):
                        offenders.append(f"{os.path.relpath(path, ROOT)}: {m.group(0).strip()}")
    assert not offenders, "move shared builders to tests/helpers: " + "; ".join(offenders)


def test_the_rule_sees_a_cross_import():
    assert CROSS_IMPORT.search("    from tests.test_plugins import GOOD\n")
    assert CROSS_IMPORT.search("from tests.models.test_ann_gradients import check\n")
    assert CROSS_IMPORT.search("import tests.test_plugins\n")
    assert not CROSS_IMPORT.search("from tests.helpers.plugins import PLUGIN_SOURCE\n")
    assert not CROSS_IMPORT.search("from tests.conftest import run_cli\n")
