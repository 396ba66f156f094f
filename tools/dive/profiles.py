"""Build profiles from site.cfg."""
import configparser
import re
import shlex
import subprocess
from dataclasses import dataclass, field

from . import paths
from .errors import DiveError

_PREFIX = "profile:"
_GCC_LIBRARY = re.compile(r"\{(lib\w+)\}")


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    meson_args: tuple
    without_simd_tests: tuple = ()
    # NAME=VALUE lines for every run of the build (tests, --python, ...);
    # {libasan}, {libtsan} (any {libNAME}) stand for gcc's libNAME.so (for
    # LD_PRELOAD), {src} for the prepared tree
    environment: dict = field(default_factory=dict)

    def run_environment(self, env):
        """`env` with the profile's variables added."""
        values = {}
        for key, value in self.environment.items():
            value = _GCC_LIBRARY.sub(lambda m: _gcc_library(m.group(1) + ".so"), value)
            values[key] = value.replace("{src}", str(paths.PREPARED_TREE))
        return {**env, **values}

    @property
    def build_dir(self):
        return paths.build_dir(self.name)

    @property
    def install_dir(self):
        return paths.install_dir(self.name)


def _read(site_cfg):
    config = configparser.ConfigParser(interpolation=None)
    if not config.read(site_cfg):
        raise DiveError(f"cannot read {site_cfg}")
    return config


def _split_args(text):
    return tuple(shlex.split(text or "", comments=True))


def _gcc_library(name):
    """The path gcc links `name` from (a sanitizer runtime, for LD_PRELOAD)."""
    return subprocess.run(["gcc", f"-print-file-name={name}"], capture_output=True,
                          text=True, check=True).stdout.strip()


def _split_environment(text):
    pairs = [line.split("=", 1) for line in _split_args(text)]
    return {key: value for key, value in pairs}


def available(site_cfg=paths.SITE_CFG):
    """Profile names in the order site.cfg lists them."""
    config = _read(site_cfg)
    return [s[len(_PREFIX):] for s in config.sections() if s.startswith(_PREFIX)]


def default_name(site_cfg=paths.SITE_CFG):
    return _read(site_cfg).get("local", "default-profile", fallback="release")


def load(name=None, site_cfg=paths.SITE_CFG):
    """The profile ``name`` (the default profile if None), with [local] args added."""
    config = _read(site_cfg)
    name = name or default_name(site_cfg)
    section = _PREFIX + name
    if not config.has_section(section):
        known = ", ".join(available(site_cfg)) or "none"
        raise DiveError(f"unknown profile {name!r}; {site_cfg.name} defines: {known}")
    local_args = _split_args(config.get("local", "meson-args", fallback=""))
    return Profile(
        name=name,
        description=config.get(section, "description", fallback=""),
        meson_args=_split_args(config.get(section, "meson-args", fallback="")) + local_args,
        without_simd_tests=_split_args(config.get(section, "without-simd-tests",
                                                  fallback="")),
        environment=_split_environment(config.get(section, "environment", fallback="")),
    )
