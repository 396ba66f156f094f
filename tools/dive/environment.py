"""The one environment every run of a build gets: the tests, --python and
the shells, the debuggers, callgrind, the benchmarks and the docs."""
from . import paths, venv


def for_build(site, name, profile=None):
    """.venv's bin/ first on PATH (meson, ninja, pytest); the build installed
    at `site` first on PYTHONPATH, then tools/ (the pytest plugins); its name
    in NUMPY_DIVE_PROFILE (a profile's, or "stock" for stock NumPy) and its
    place in paths.SITE_ENV, which the fork guard checks; then `profile`'s
    own variables (a sanitizer's runtime, PYTHONMALLOC)."""
    env = venv.environ()
    env["NUMPY_DIVE_PROFILE"] = name
    env["PYTHONPATH"] = f"{site}:{paths.REPO / 'tools'}"
    env[paths.SITE_ENV] = str(site)
    if profile is not None:
        env.update(profile.variables())
    return env
