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


def site_packages(profile):
    """The install tree's site-packages (the directory that holds numpy/)."""
    found = sorted(profile.install_dir.glob("lib/python*/site-packages"))
    if not found:
        raise DiveError(f"profile {profile.name!r} is not built yet "
                        f"(no {profile.install_dir}/lib/python*/site-packages); "
                        "run without --no-build")
    return found[0]


class _Step:
    """Run build steps, logging to build/<profile>.log unless the log is shown."""

    def __init__(self, profile, show_log):
        self.log_path = paths.BUILD / f"{profile.name}.log"
        self.show_log = show_log
        self.env = venv.environ()
        # Compile commands name paths inside this checkout; relative to it,
        # another clone (CI's) finds the same ccache entries.
        self.env.setdefault("CCACHE_BASEDIR", str(paths.REPO))

    def run(self, title, cmd):
        start = time.monotonic()
        print(f"{title} ...", end="\n" if self.show_log else " ", flush=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "a") as log:
            log.write(f"\n$ {' '.join(cmd)}\n")
            log.flush()
            out = None if self.show_log else log
            returncode = subprocess.run(cmd, env=self.env, stdout=out,
                                        stderr=subprocess.STDOUT).returncode
        elapsed = time.monotonic() - start
        if returncode != 0:
            if not self.show_log:
                print("failed")
                tail = self.log_path.read_text(errors="replace").splitlines()[-40:]
                print("\n".join(tail), file=sys.stderr)
            raise DiveError(f"{title} failed (exit {returncode}); "
                            f"full log: {self.log_path}")
        print(f"done in {elapsed:.1f} s", flush=True)


def build(profile, *, jobs=None, show_log=False):
    """Prepare the tree, then configure (once), compile and install ``profile``."""
    src = tree.prepare()
    python = venv.ensure_venv()
    meson = meson_command(python, src)
    step = _Step(profile, show_log)
    args = setup_args(profile, src, python)
    args_file = profile.build_dir / _SETUP_ARGS_FILE
    configured = (profile.build_dir / "build.ninja").exists()
    if not configured or args_file.read_text() != "\n".join(args):
        # A fresh directory, not `meson setup --wipe`: that keeps the options
        # of the previous setup, so an option taken out of site.cfg would stay
        # (ccache makes the rebuild cheap).
        if profile.build_dir.exists():
            shutil.rmtree(profile.build_dir)
        step.run(f"Configuring {profile.name} ({profile.build_dir})", meson + args)
        args_file.write_text("\n".join(args))
    jobs_arg = ["-j", str(jobs)] if jobs else []
    step.run(f"Compiling {profile.name}", meson + ["compile", "-C", str(profile.build_dir),
                                                   *jobs_arg])
    step.run(f"Installing into {profile.install_dir}",
             meson + ["install", "-C", str(profile.build_dir), "--only-changed", "--quiet"])
    return site_packages(profile)
