"""runtests.py --docs: doc/ as a Sphinx site (pydata-sphinx-theme, numpydoc).

The HTML goes to build/docs/html with warnings as errors; then the doctest
builder runs every example of the pages and of the docstrings they show,
against the same build. The API reference imports the fork, so both run in
the session's environment (the build first on PYTHONPATH).
"""
import subprocess

from . import paths

SOURCE = paths.REPO / "doc"
OUTPUT = paths.BUILD / "docs"
HTML = OUTPUT / "html"


def sphinx(python, env, builder):
    """One sphinx-build run; the builders share the parsed pages (doctrees)."""
    cmd = [str(python), "-m", "sphinx", "-W", "--keep-going", "-q", "-b", builder,
           "-d", str(OUTPUT / "doctrees"), str(SOURCE), str(OUTPUT / builder)]
    return subprocess.run(cmd, env=env, cwd=paths.REPO).returncode


def build(python, env):
    """The HTML site, then the doctests; the first failure's status."""
    status = sphinx(python, env, "html")
    if status != 0:
        return status
    print(f"HTML: {HTML / 'index.html'}", flush=True)
    status = sphinx(python, env, "doctest")
    report = (OUTPUT / "doctest" / "output.txt").read_text().strip().splitlines()
    print("doctest: " + " ".join(line.strip() for line in report[-4:]))
    return status
