"""Sphinx configuration of the attnsim documentation (build: `sphinx-build -W -b html docs docs/_build/html`)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "_ext"))

project = "attnsim"
author = "the attnsim developers"
extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "attnsim_pages"]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence", "dollarmath"]
myst_heading_anchors = 3
exclude_patterns = ["_build", "_ext", "validation"]
html_theme = "alabaster"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
nitpicky = False


def _plain_text_docstring(app, what, name, obj, options, lines):
    """The project's docstrings are plain text (equations, shapes, aligned lists), not reStructuredText:
    show each one verbatim, as a literal block, instead of letting docutils reinterpret its layout."""
    if not any(line.strip() for line in lines):
        return
    body = ["   " + line if line.strip() else "" for line in lines]
    lines[:] = ["::", "", *body, ""]


def setup(app):
    app.connect("autodoc-process-docstring", _plain_text_docstring)
