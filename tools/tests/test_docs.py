"""The documentation: the READMEs are valid reStructuredText, and doc/ builds
as a Sphinx site (warnings as errors, every example a passing doctest) whose
pages render in headless Chromium with every internal link resolving."""
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from dive import debugging

docutils_core = pytest.importorskip("docutils.core")

REPO = Path(__file__).resolve().parents[2]
HTML = REPO / "build" / "docs" / "html"


@pytest.mark.parametrize("path", [REPO / "README.rst", REPO / "vagrant" / "README.rst"],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_readme_parses_without_warnings(path):
    docutils_core.publish_string(
        path.read_text(), source_path=str(path), writer="null",
        settings_overrides={"report_level": 2, "halt_level": 2})


class Links(HTMLParser):
    """The ids and the link targets of a page."""

    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


def rendered(page, chromium):
    """The page's DOM after its scripts ran, as headless Chromium shows it."""
    result = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                             "--dump-dom", page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    links = Links()
    links.feed(result.stdout)
    return result.stdout, links


@pytest.mark.slow
def test_the_site_builds_renders_and_links():
    result = subprocess.run([sys.executable, str(REPO / "runtests.py"), "--no-build", "--docs"],
                            capture_output=True, text=True, cwd=REPO, timeout=900)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    tests = re.search(r"doctest: (\d+) tests 0 failures in tests", result.stdout)
    assert tests and int(tests[1]) >= 20, result.stdout[-2000:]

    chromium = debugging.require("chromium", "chromium")
    pages = {page: rendered(page, chromium) for page in sorted(HTML.glob("*.html"))}
    expected = {"index", "getting_started", "building", "source_tree", "kurtosis", "quad",
                "tools", "debugging", "benchmarks", "reference"}
    assert expected <= {page.stem for page in pages}
    broken = []
    for page, (dom, links) in pages.items():
        if page.stem in expected:
            # the theme's article, with the page's own text in it
            article = re.search(r'<article class="bd-article">(.*?)</article>', dom, re.S)
            assert article and len(re.sub(r"<[^>]+>", "", article[1])) > 500, page.name
        for href in links.hrefs:
            target = urlsplit(href)
            if target.scheme or target.netloc:
                continue
            path = (page.parent / unquote(target.path)).resolve() if target.path else page
            if path not in pages:
                broken.append(f"{page.name}: {href} (no such page)")
            elif target.fragment and unquote(target.fragment) not in pages[path][1].ids:
                broken.append(f"{page.name}: {href} (no such anchor)")
    assert not broken, "\n".join(broken)
    # the reference is generated from the fork and its header
    reference = pages[HTML / "reference.html"][0]
    for name in ("numpy.quad", "numpy.dtypes.QuadDType", "numpy.kurtosis", "c.npy_quad_fma",
                 "c.NPY_QUAD_MANT_DIG"):
        assert f'id="{name}"' in reference, name
