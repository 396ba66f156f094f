"""Configure, compile and install one profile with the sdist's vendored meson."""
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import paths, tree, venv
from .errors import DiveError

_SETUP_ARGS_FILE = "dive-setup-args"


def meson_command(python, src):
    return [str(python), str(Path(src) / "vendored-meson" / "meson" / "meson.py")]


def setup_args(profile, src, python):
    return [
        "setup", str(profile.build_dir), str(src),
        f"--prefix={profile.install_dir}", "--libdir=lib",
        f"-Ddive-profile={profile.name}",
        *profile.setup_args(python),
    ]


class Step:
    """Run build steps, logging to `log_path` unless the log is shown."""

    def __init__(self, log_path, show_log):
        self.log_path = Path(log_path)
        self.show_log = show_log
        self.env = venv.environ()
        # Compile commands name paths inside this checkout; relative to it,
        # another clone (CI's) finds the same ccache entries.
        self.env.setdefault("CCACHE_BASEDIR", str(paths.REPO))

    def run(self, title, cmd, env=None, capture=False):
        """Run `cmd`; with `capture`, return its output (also logged)."""
        start = time.monotonic()
        print(f"{title} ...", end="\n" if self.show_log else " ", flush=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "a") as log:
            log.write(f"\n$ {' '.join(cmd)}\n")
            log.flush()
            out = subprocess.PIPE if capture else (None if self.show_log else log)
            result = subprocess.run(cmd, env=env or self.env, stdout=out,
                                    stderr=subprocess.STDOUT, text=True)
            if capture:
                log.write(result.stdout)
        elapsed = time.monotonic() - start
        if result.returncode != 0:
            if not self.show_log:
                print("failed")
                tail = self.log_path.read_text(errors="replace").splitlines()[-40:]
                print("\n".join(tail), file=sys.stderr)
            raise DiveError(f"{title} failed (exit {result.returncode}); "
                            f"full log: {self.log_path}")
        print(f"done in {elapsed:.1f} s", flush=True)
        return result.stdout


def _site_packages(install_dir, name):
    """The install tree's site-packages (the directory that holds numpy/)."""
    found = sorted(Path(install_dir).glob("lib/python*/site-packages"))
    if not found:
        raise DiveError(f"{name!r} is not built yet "
                        f"(no {install_dir}/lib/python*/site-packages); "
                        "run without --no-build")
    return found[0]


def site_packages(profile):
    return _site_packages(profile.install_dir, f"profile {profile.name}")


def run_meson(step, name, meson, args, build_dir, install_dir, *, jobs=None):
    """Configure `build_dir` with meson `args` (again only when they change),
    compile, install; the install's site-packages."""
    build_dir = Path(build_dir)
    args_file = build_dir / _SETUP_ARGS_FILE
    configured = (build_dir / "build.ninja").exists()
    if not configured or args_file.read_text() != "\n".join(args):
        # A fresh directory, not `meson setup --wipe`: that keeps the options
        # of the previous setup, so an option taken out of site.cfg would stay
        # (ccache makes the rebuild cheap).
        if build_dir.exists():
            shutil.rmtree(build_dir)
        step.run(f"Configuring {name} ({build_dir})", meson + args)
        args_file.write_text("\n".join(args))
    jobs_arg = ["-j", str(jobs)] if jobs else []
    step.run(f"Compiling {name}", meson + ["compile", "-C", str(build_dir), *jobs_arg])
    step.run(f"Installing into {install_dir}",
             meson + ["install", "-C", str(build_dir), "--only-changed", "--quiet"])
    return _site_packages(install_dir, name)


def build(profile, *, jobs=None, show_log=False):
    """Prepare the tree, then configure (once), compile and install ``profile``."""
    src = tree.prepare()
    python = venv.ensure_venv()
    step = Step(paths.BUILD / f"{profile.name}.log", show_log)
    return run_meson(step, profile.name, meson_command(python, src),
                     setup_args(profile, src, python), profile.build_dir,
                     profile.install_dir, jobs=jobs)
