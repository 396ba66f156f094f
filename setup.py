#!/usr/bin/env python3
"""setup.py for the habits of NumPy's old build: each command is runtests.py.

numpy-dive builds with meson, out of tree, from NumPy's sdist and patches/
(the checkout's numpy/ holds only the fork's new files), so there is nothing
for setuptools to do. This file is the standard library only; it maps the
commands people type onto runtests.py's profiles:

  python3 setup.py build [--debug] [-j N]          build a profile (release; debug)
  python3 setup.py build_ext --inplace [--debug]   the same, and say how to import it
  python3 setup.py develop [--debug] [--uninstall] this virtual environment imports the build
  python3 setup.py install                         pip install . into this virtual environment
  python3 setup.py test [RUNTESTS_ARGS]            runtests.py's tests (-t PATH, -- -k ...)
  python3 setup.py --help-commands                 this list

`pip install .` goes through pyproject.toml's PEP 517 backend, not this file.
Every other setup.py command is refused with what to use instead.
"""
import argparse
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

REPO = Path(__file__).resolve().parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tools"))

import runtests  # noqa: E402
from dive import build as dive_build  # noqa: E402
from dive import profiles  # noqa: E402
from dive.errors import EXIT_ERROR, DiveError, guarded  # noqa: E402

PTH_NAME = "numpy-dive.pth"
# what NumPy's and setuptools' other commands were for, and what does it here
INSTEAD = {
    "sdist": "numpy-dive has no sdist of its own: it is NumPy 2.4.6's sdist plus "
             "patches/ (python3 tools/patches.py)",
    "bdist_wheel": "build a wheel with pip wheel . (pyproject.toml's PEP 517 backend)",
    "bdist": "build a wheel with pip wheel . (pyproject.toml's PEP 517 backend)",
    "bdist_egg": "eggs are gone: pip wheel . builds a wheel",
    "egg_info": "pip reads the metadata from pyproject.toml's PEP 517 backend",
    "clean": "remove build/PROFILE and build/PROFILE-install (python3 runtests.py "
             "rebuilds what is missing)",
    "config": "the build is configured by site.cfg's profiles (python3 runtests.py --help)",
    "build_py": "python3 setup.py build builds the Python files with the extensions",
    "build_clib": "python3 setup.py build builds npymath and npyrandom with the rest",
    "build_src": "python3 setup.py build generates the sources with the rest",
    "check": "python3 runtests.py -t tools/tests/test_docs.py checks the README",
    "upload": "numpy-dive is not published on PyPI",
    "register": "numpy-dive is not published on PyPI",
}


def profile_name(debug):
    return "debug" if debug else profiles.default_name()


def build_profile(name, jobs):
    """Build (or bring up to date) one profile; the site-packages it installs."""
    profile = profiles.load(name)
    return dive_build.build(profile, jobs=jobs)


def command_build(args):
    site = build_profile(profile_name(args.debug), args.jobs)
    print(f"numpy-dive ({profile_name(args.debug)}) is installed in {site}")
    return 0


def command_build_ext(args):
    if not args.inplace:
        return command_build(args)
    site = build_profile(profile_name(args.debug), args.jobs)
    print(f"Built numpy-dive ({profile_name(args.debug)}) in {site}.\n"
          "It is built out of tree (this checkout's numpy/ holds only the fork's new "
          "files), so import it with it first on the path:\n"
          f"    PYTHONPATH={site} python3\n"
          "or let runtests.py set that up:\n"
          f"    python3 runtests.py --no-build --profile {profile_name(args.debug)} "
          "--ipython  (or --shell, --python FILE)")
    return 0


def in_virtual_environment():
    return sys.prefix != sys.base_prefix


def refuse_outside_a_venv(command):
    if not in_virtual_environment():
        raise DiveError(
            f"setup.py {command} changes the Python that runs it, and {sys.executable} "
            "is not a virtual environment: numpy-dive never goes over the system's "
            "NumPy. Make one (python3 -m venv ENV) and run ENV/bin/python setup.py "
            f"{command}, or use python3 runtests.py --shell")


def command_develop(args):
    """A .pth file in the virtual environment's site-packages names the
    build's site-packages: rebuilds show up at the next import."""
    refuse_outside_a_venv("develop")
    pth = Path(sysconfig.get_path("purelib")) / PTH_NAME
    if args.uninstall:
        pth.unlink(missing_ok=True)
        print(f"removed {pth}")
        return 0
    installed = subprocess.run([sys.executable, "-c", "import numpy"],
                               capture_output=True, env={**os.environ, "PYTHONPATH": ""},
                               cwd="/")
    if installed.returncode == 0 and not pth.exists():
        raise DiveError(f"{sys.executable} already has a numpy installed, which would "
                        "shadow the build; pip uninstall numpy first")
    site = build_profile(profile_name(args.debug), args.jobs)
    pth.write_text(f"{site}\n")
    print(f"wrote {pth}: {sys.executable} imports numpy-dive "
          f"({profile_name(args.debug)}) from {site}")
    return 0


def command_install(args):
    refuse_outside_a_venv("install")
    return subprocess.run([sys.executable, "-m", "pip", "install", str(REPO)]).returncode


def command_test(runtests_args):
    return runtests.main(runtests_args)


COMMANDS = {
    "build": (command_build, "build a profile of site.cfg (release; --debug: debug)"),
    "build_ext": (command_build_ext, "the same; with --inplace, also how to import it"),
    "develop": (command_develop, "make this virtual environment import the build "
                                 "(--uninstall undoes it)"),
    "install": (command_install, "pip install . into this virtual environment"),
    "test": (command_test, "runtests.py's tests; arguments go to runtests.py"),
}


def help_commands():
    lines = ["Commands (each is runtests.py underneath):"]
    lines += [f"  {name:<12} {text}" for name, (_, text) in COMMANDS.items()]
    lines += ["", "Not here, and what to use instead:"]
    lines += [f"  {name:<12} {text}" for name, text in INSTEAD.items()]
    return "\n".join(lines)


def make_parser():
    parser = argparse.ArgumentParser(
        prog="setup.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--help-commands", action="store_true",
                        help="list the commands and what replaces the others")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in ("build", "build_ext", "develop"):
        command = commands.add_parser(name, help=COMMANDS[name][1])
        command.add_argument("-g", "--debug", action="store_true",
                             help="the debug profile (-O0 -g3, asserts) instead of release")
        command.add_argument("-j", "--parallel", dest="jobs", type=int, metavar="N",
                             help="parallel compile jobs")
        if name == "build_ext":
            command.add_argument("-i", "--inplace", action="store_true",
                                 help="print how to import the build from here")
        if name == "develop":
            command.add_argument("-u", "--uninstall", action="store_true",
                                 help="remove the .pth file that develop wrote")
    commands.add_parser("install", help=COMMANDS["install"][1])
    # listed for --help; main() hands its arguments to runtests.py unparsed
    commands.add_parser("test", help=COMMANDS["test"][1])
    return parser


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "test":
        return command_test(argv[1:])
    if argv and argv[0] in INSTEAD:
        print(f"setup.py: {argv[0]} is not a numpy-dive command: {INSTEAD[argv[0]]}",
              file=sys.stderr)
        return EXIT_ERROR
    parser = make_parser()
    args = parser.parse_args(argv)
    if args.help_commands:
        print(help_commands())
        return 0
    if args.command is None:
        parser.error("give a command (python3 setup.py --help-commands lists them)")
    return guarded(parser.prog, lambda: COMMANDS[args.command][0](args))


if __name__ == "__main__":
    sys.exit(main())
