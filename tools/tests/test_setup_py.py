"""setup.py: the commands of NumPy's old build, each onto runtests.py."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
import setup  # noqa: E402

# the interpreter .venv was made from: not a virtual environment
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)


def setup_py(*args, python=BASE_PYTHON, cwd=REPO):
    return subprocess.run([str(python), str(REPO / "setup.py"), *args], capture_output=True,
                          text=True, cwd=cwd, timeout=1800,
                          env={k: v for k, v in os.environ.items()
                               if k not in ("PYTHONPATH", "VIRTUAL_ENV")})


def fresh_venv(path, with_pip=False):
    subprocess.run([BASE_PYTHON, "-m", "venv", *([] if with_pip else ["--without-pip"]),
                    str(path)], check=True)
    return path / "bin" / "python"


def imported_numpy(python, cwd):
    result = subprocess.run([str(python), "-c", "import numpy; print(numpy.__version__); "
                             "print(numpy.show_config(mode='dicts')['numpy-dive']['profile']); "
                             "print(numpy.__file__)"],
                            capture_output=True, text=True, cwd=cwd, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.split()


def test_help_commands_lists_every_command():
    result = setup_py("--help-commands")
    assert result.returncode == 0
    for name in (*setup.COMMANDS, *setup.INSTEAD):
        assert f"  {name} " in result.stdout, name


@pytest.mark.parametrize("command", sorted(setup.INSTEAD))
def test_other_commands_say_what_to_use_instead(command):
    result = setup_py(command)
    assert result.returncode == 2
    assert result.stderr.strip() == (f"setup.py: {command} is not a numpy-dive command: "
                                     f"{setup.INSTEAD[command]}")


@pytest.mark.parametrize("command", ["develop", "install"])
def test_changing_a_python_needs_a_virtual_environment(command):
    result = setup_py(command)
    assert result.returncode == 2
    assert "is not a virtual environment: numpy-dive never goes over the system's NumPy" \
        in result.stderr


def test_test_hands_its_arguments_to_runtests():
    result = setup_py("test", "--no-build", "-t", "numpy/tests/test_dive_identity.py",
                      "--", "-q", "-k", "version")
    assert result.returncode == 0, result.stdout[-2000:]
    assert " passed" in result.stdout and " deselected" in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize("debug", [False, True], ids=["release", "debug"])
def test_build_ext_inplace_says_how_to_import_the_build(debug):
    result = setup_py("build_ext", "--inplace", *(["--debug"] if debug else []))
    assert result.returncode == 0, result.stderr[-2000:]
    site = next(line.split("=", 1)[1] for line in result.stdout.splitlines()
                if line.strip().startswith("PYTHONPATH="))
    site = site.split()[0]
    out = subprocess.run([BASE_PYTHON, "-c", "import numpy; print(numpy.show_config("
                          "mode='dicts')['numpy-dive']['profile'])"],
                         capture_output=True, text=True, env={"PYTHONPATH": site}, cwd="/")
    assert out.stdout.strip() == ("debug" if debug else "release"), out.stderr[-2000:]
    result = setup_py("build", *(["-g"] if debug else []))
    assert result.returncode == 0 and f"is installed in {site}" in result.stdout


@pytest.mark.slow
def test_develop_makes_a_virtual_environment_import_the_build(tmp_path):
    python = fresh_venv(tmp_path / "env")
    result = setup_py("develop", python=python)
    assert result.returncode == 0, result.stderr[-2000:]
    version, profile, location = imported_numpy(python, tmp_path)
    assert version.endswith("+dive") and profile == "release"
    assert Path(location).is_relative_to(REPO / "build" / "release-install")
    assert setup_py("develop", "--uninstall", python=python).returncode == 0
    assert subprocess.run([str(python), "-c", "import numpy"], cwd=tmp_path,
                          capture_output=True, env={"PATH": "/usr/bin:/bin"}).returncode == 1


@pytest.mark.slow
def test_install_goes_through_the_pep517_backend(tmp_path):
    python = fresh_venv(tmp_path / "env", with_pip=True)
    result = setup_py("install", python=python, cwd=tmp_path)
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    version, profile, location = imported_numpy(python, tmp_path)
    assert version.endswith("+dive") and profile == "release"
    assert Path(location).is_relative_to(tmp_path / "env")
