"""Build profiles from site.cfg."""
import configparser
import re
import shlex
import subprocess
from dataclasses import dataclass, field

from . import paths
from .blas import SCIPY_OPENBLAS, check_choice, meson_args as blas_meson_args
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
    # the BLAS/LAPACK to link: one of dive.blas.CHOICES ([local] blas)
    blas: str = SCIPY_OPENBLAS

    def setup_args(self, python):
        """The meson options of this profile, with those that link its BLAS
        (`python` has the BLAS package, if the BLAS comes from PyPI)."""
        return merged_args(self.meson_args, blas_meson_args(self.blas, python))

    def variables(self):
        """The profile's environment, its placeholders filled in."""
        values = {}
        for key, value in self.environment.items():
            value = _GCC_LIBRARY.sub(lambda m: _gcc_library(m.group(1) + ".so"), value)
            values[key] = value.replace("{src}", str(paths.PREPARED_TREE))
        return values

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


def merged_args(base, more):
    """`base` then `more`, a -DNAME=VALUE in `more` replacing base's -DNAME."""
    def option(arg):
        return arg.split("=", 1)[0] if arg.startswith("-D") else None
    replaced = {option(arg): arg for arg in more if option(arg)}
    kept = [replaced.pop(option(arg), arg) for arg in base]
    return tuple(kept) + tuple(arg for arg in more
                               if not option(arg) or option(arg) in replaced)


def _settings(config, name, site_cfg, chain=()):
    """(meson args, SIMD test list, environment) of profile `name`: those of
    the profile it `extends`, its own added (meson -D options and variables
    replace the inherited ones; its own SIMD test list replaces the list)."""
    section = _PREFIX + name
    if not config.has_section(section):
        known = ", ".join(available(site_cfg)) or "none"
        extended_by = f"profile {chain[-1]!r} extends an " if chain else ""
        raise DiveError(f"{extended_by}unknown profile {name!r}; {site_cfg.name} defines: "
                        f"{known}")
    if name in chain:
        raise DiveError(f"profiles extend each other in a circle in {site_cfg.name}: "
                        + " -> ".join((*chain, name)))
    parent = config.get(section, "extends", fallback=None)
    args, simd_tests, environment = (_settings(config, parent, site_cfg, (*chain, name))
                                     if parent else ((), (), {}))
    own_simd_tests = _split_args(config.get(section, "without-simd-tests", fallback=""))
    return (merged_args(args, _split_args(config.get(section, "meson-args", fallback=""))),
            own_simd_tests or simd_tests,
            {**environment,
             **_split_environment(config.get(section, "environment", fallback=""))})


def load(name=None, site_cfg=paths.SITE_CFG):
    """The profile ``name`` (the default profile if None), with [local] args added."""
    config = _read(site_cfg)
    name = name or default_name(site_cfg)
    meson_args, simd_tests, environment = _settings(config, name, site_cfg)
    local_args = _split_args(config.get("local", "meson-args", fallback=""))
    return Profile(
        name=name,
        description=config.get(_PREFIX + name, "description", fallback=""),
        meson_args=merged_args(meson_args, local_args),
        blas=check_choice(config.get("local", "blas", fallback=SCIPY_OPENBLAS),
                               f"{site_cfg.name} [local]"),
        without_simd_tests=simd_tests,
        environment=environment,
    )
