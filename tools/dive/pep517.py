"""PEP 517 backend behind ``pip install .``: build the fork's release profile as a wheel.

pip calls this in-tree backend (pyproject.toml: backend-path = ["tools"]). It
assembles build/src like runtests.py does, then hands over to meson-python,
which NumPy itself builds with, running in the prepared tree with the release
profile's meson arguments and its own build directory (build/release-wheel).
The wheel links Debian's OpenBLAS whatever site.cfg's `blas` says: the
scipy-openblas64 that runtests.py builds link lives in this checkout's .venv,
and a wheel installed elsewhere cannot point there (dive.blas).
Only wheels are built: an sdist of the fork would be NumPy's sdist plus
patches, which is what this repository already is.
"""
import contextlib
import os

import mesonpy

from . import blas, paths, profiles, tree

WHEEL_PROFILE = "release"


@contextlib.contextmanager
def _in_prepared_tree():
    src = tree.prepare()
    previous = os.getcwd()
    os.chdir(src)
    try:
        yield src
    finally:
        os.chdir(previous)


def _config_settings(user_settings):
    """The release profile's meson args, then whatever the user passed with -C."""
    profile = profiles.load(WHEEL_PROFILE)
    settings = dict(user_settings or {})
    user_setup_args = settings.pop("setup-args", [])
    if isinstance(user_setup_args, str):
        user_setup_args = [user_setup_args]
    meson_args = profiles.merged_args(profile.meson_args, blas.meson_args(blas.DEBIAN, None))
    settings["setup-args"] = [f"-Ddive-profile={profile.name}", *meson_args, *user_setup_args]
    settings.setdefault("build-dir", str(paths.BUILD / f"{profile.name}-wheel"))
    return settings


def get_requires_for_build_wheel(config_settings=None):
    with _in_prepared_tree():
        return mesonpy.get_requires_for_build_wheel(_config_settings(config_settings))


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = os.path.abspath(wheel_directory)
    with _in_prepared_tree():
        return mesonpy.build_wheel(wheel_directory, _config_settings(config_settings),
                                   metadata_directory)
