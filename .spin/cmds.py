"""spin commands for numpy-dive, as NumPy's developers type them.

Each command is runtests.py with the matching mode, so spin and runtests.py
share one implementation (tools/dive/) and one set of profiles (site.cfg):

  spin build [--profile debug]          runtests.py --build-only
  spin test [-t PATH] [-m full] [-- PYTEST_ARGS]
  spin ipython | spin python ARGS | spin shell
  spin gdb ARGS | spin lldb ARGS        [--break LOC] [--ex CMD] [--batch]
  spin bench [-t PATTERN] [--compare] [-- ASV_ARGS]   runtests.py --bench[-compare]
  spin docs                             runtests.py --docs

spin is installed in .venv (tools/requirements/test.txt): run `.venv/bin/spin`
after the first `python3 runtests.py`, or put .venv/bin on PATH.
"""
import sys
from pathlib import Path

import click

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import runtests  # noqa: E402

PASS_THROUGH = {"ignore_unknown_options": True, "allow_interspersed_args": False}


def profile_option(default_help):
    return click.option("--profile", metavar="NAME",
                        help=f"build profile from site.cfg (default: {default_help})")


def no_build_option(command):
    return click.option("--no-build", is_flag=True,
                        help="use the existing build of the profile as it is")(command)


def dive(*argv, profile=None, no_build=False):
    """Run runtests.py with these arguments and exit with its status."""
    options = (["--profile", profile] if profile else []) + (["--no-build"] if no_build else [])
    sys.exit(runtests.main([*options, *map(str, argv)]))


@click.command()
@profile_option("release")
@click.option("-j", "--jobs", type=int, help="parallel compile jobs")
@click.option("--show-build-log", is_flag=True, help="stream meson and ninja's output")
def build(profile, jobs, show_build_log):
    """🔧 Build numpy-dive (a site.cfg profile) into build/PROFILE-install/."""
    dive("--build-only", *(["-j", jobs] if jobs else []),
         *(["--show-build-log"] if show_build_log else []), profile=profile)


@click.command(context_settings=PASS_THROUGH)
@profile_option("release")
@no_build_option
@click.option("-t", "--tests", multiple=True, metavar="PATH",
              help="test file, directory or node id (repeatable; default: all)")
@click.option("-m", "--mode", metavar="MODE", help="'fast' (default), 'full' or a -m expression")
@click.option("-n", "--parallel", metavar="N", help="pytest-xdist workers")
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(profile, no_build, tests, mode, parallel, pytest_args):
    """🔧 Run the tests: the fork's own and upstream's suite.

    Arguments after the options go to pytest: spin test -t numpy/_core -- -k sqrt
    """
    argv = [arg for path in tests for arg in ("-t", path)]
    argv += ["-m", mode] if mode else []
    argv += ["-n", parallel] if parallel else []
    dive(*argv, *(["--", *pytest_args] if pytest_args else []), profile=profile,
         no_build=no_build)


@click.command()
@profile_option("release")
@no_build_option
def ipython(profile, no_build):
    """💻 IPython with numpy-dive imported from its build."""
    dive("--ipython", profile=profile, no_build=no_build)


@click.command(context_settings=PASS_THROUGH)
@profile_option("release")
@no_build_option
@click.argument("python_args", nargs=-1, type=click.UNPROCESSED)
def python(profile, no_build, python_args):
    """🐍 Python with numpy-dive on its path: spin python -c "import numpy" """
    dive("--python", *python_args, profile=profile, no_build=no_build)


@click.command()
@profile_option("release")
@no_build_option
def shell(profile, no_build):
    """💻 $SHELL with numpy-dive on PYTHONPATH."""
    dive("--shell", profile=profile, no_build=no_build)


def debugger_command(mode, name):
    @click.command(name=name, context_settings=PASS_THROUGH)
    @profile_option("debug")
    @no_build_option
    @click.option("--break", "breakpoints", multiple=True, metavar="LOCATION",
                  help="a breakpoint, e.g. DOUBLE_add (repeatable)")
    @click.option("--ex", "commands", multiple=True, metavar="COMMAND",
                  help="a debugger command to run where the program stops (repeatable)")
    @click.option("--batch", is_flag=True, help="run, do the --ex commands, exit")
    @click.argument("python_args", nargs=-1, type=click.UNPROCESSED)
    def command(profile, no_build, breakpoints, commands, batch, python_args):
        argv = [arg for location in breakpoints for arg in ("--break", location)]
        argv += [arg for text in commands for arg in ("--ex", text)]
        argv += ["--batch"] if batch else []
        dive(*argv, mode, *python_args, profile=profile, no_build=no_build)
    command.help = (f"👾 Python under {name} with numpy-dive's printers: "
                    f"spin {name} -c \"import numpy as np; np.ones(3) + 1\"")
    return command


gdb = debugger_command("--gdb", "gdb")
lldb = debugger_command("--lldb", "lldb")


@click.command(context_settings=PASS_THROUGH)
@profile_option("release")
@no_build_option
@click.option("-t", "--tests", "patterns", multiple=True, metavar="PATTERN",
              help="benchmarks whose name (with its parameters) matches this regular "
                   "expression (repeatable; default: all)")
@click.option("--compare", is_flag=True,
              help="time stock NumPy 2.4.6 and the fork in turn, print asv's ratio "
                   "table, fail if a stock operation is more than 5% off")
@click.argument("asv_args", nargs=-1, type=click.UNPROCESSED)
def bench(profile, no_build, patterns, compare, asv_args):
    """📊 The asv benchmarks (benchmarks/): spin bench -t Kurtosis1D -- --quick

    Arguments after the options go to asv run.
    """
    dive("--bench-compare" if compare else "--bench", *patterns,
         *(["--", *asv_args] if asv_args else []), profile=profile, no_build=no_build)


@click.command()
@profile_option("release")
@no_build_option
def docs(profile, no_build):
    """📖 Build doc/ as HTML into build/docs/html and run its examples.

    Sphinx with warnings as errors; the API reference comes from the build.
    """
    dive("--docs", profile=profile, no_build=no_build)
