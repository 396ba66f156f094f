"""pytest plugin: refuse to run unless the imported numpy is the fork's build.

A test session that silently imported the system NumPy would report stock
NumPy's results as the fork's. runtests.py loads this plugin with ``-p`` and
sets NUMPY_DIVE_SITE_PACKAGES to the install tree it built.
"""
import os
from pathlib import Path

import pytest

from .paths import SITE_ENV

LOCAL_LABEL = "+dive"


def check_numpy_is_fork(numpy_module, expected_site):
    """Return '' if ``numpy_module`` is the fork installed in ``expected_site``,
    else a sentence saying what was imported instead."""
    version = numpy_module.__version__
    location = Path(numpy_module.__file__).resolve()
    if LOCAL_LABEL not in version:
        return (f"imported numpy {version} from {location} is not numpy-dive "
                f"(its version has no {LOCAL_LABEL!r} label)")
    if expected_site and not location.is_relative_to(Path(expected_site).resolve()):
        return f"imported numpy-dive from {location}, not from the build in {expected_site}"
    return ""


def pytest_sessionstart(session):
    import numpy
    problem = check_numpy_is_fork(numpy, os.environ.get(SITE_ENV))
    if problem:
        raise pytest.UsageError(
            f"numpy-dive test guard: {problem}. Run the tests with "
            "`python3 runtests.py`, which builds the fork and puts it first on sys.path.")


def pytest_report_header(config):
    import numpy
    return f"numpy-dive: numpy {numpy.__version__} from {Path(numpy.__file__).parent}"
