"""The README and the guides are valid reStructuredText (no warnings)."""
from pathlib import Path

import pytest

docutils_core = pytest.importorskip("docutils.core")

REPO = Path(__file__).resolve().parents[2]
DOCUMENTS = [REPO / "README.rst", *sorted((REPO / "doc").glob("*.rst"))]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_rst_parses_without_warnings(path):
    docutils_core.publish_string(
        path.read_text(), source_path=str(path), writer="null",
        settings_overrides={"report_level": 2, "halt_level": 2})
