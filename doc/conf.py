"""Sphinx configuration of numpy-dive's documentation.

Build it with `python3 runtests.py --docs` (or `spin docs`): HTML into
build/docs/html, warnings as errors, then every example run as a doctest.
The API reference is generated from the fork on PYTHONPATH, the C API from
numpy/_core/include/numpy/npy_quad.h, and every upstream source file the
pages name is checked against the prepared tree (build/src).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

project = "numpy-dive"
author = "numpy-dive developers"
copyright = "2026, numpy-dive developers; NumPy is © NumPy Developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "numpydoc",
    "numpy_dive_docs",
]

root_doc = "index"
exclude_patterns = ["_build"]
html_theme = "pydata_sphinx_theme"
html_title = "numpy-dive"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_show_sourcelink = False
html_last_updated_fmt = None

# numpydoc renders the docstrings' sections; autodoc lists no members
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
autodoc_default_options = {"members": False}

# every example runs, against the fork, with NumPy's doctest conventions
doctest_global_setup = "import numpy as np"
doctest_test_doctest_blocks = "default"
