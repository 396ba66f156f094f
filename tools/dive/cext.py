"""Build a one-file C extension module for the venv's Python (test helpers,
the callgrind toggle): cc -shared, no setuptools."""
import importlib.util
import json
import subprocess

from .errors import DiveError


def python_build_info(python):
    """(include directory, extension-module suffix) of `python`."""
    probe = subprocess.run(
        [str(python), "-c", "import json, sysconfig; print(json.dumps("
         "[sysconfig.get_paths()['include'], sysconfig.get_config_var('EXT_SUFFIX')]))"],
        capture_output=True, text=True, check=True)
    return json.loads(probe.stdout)


def build_extension(python, source, name, out_dir, cflags=("-O1", "-g"),
                    libraries=()):
    """Compile `source` (a .c file defining PyInit_<name>) into out_dir;
    returns the module's path. Rebuilt only when the source is newer.
    `libraries` (e.g. "-L<dir>", "-lnpymath") come after the source, where a
    static library must be for the linker to take what the source needs."""
    include, suffix = python_build_info(python)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{name}{suffix}"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    cmd = ["cc", "-shared", "-fPIC", *cflags, f"-I{include}", "-o", str(target),
           str(source), *libraries]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise DiveError(f"building {name} failed:\n{' '.join(cmd)}\n{result.stderr}")
    return target


def import_extension(python, source_text, name, out_dir, **build_options):
    """Write `source_text` to out_dir, build it (build_extension's options)
    and import it as module `name`, without touching sys.path."""
    source = out_dir / f"{name}.c"
    source.write_text(source_text)
    target = build_extension(python, source, name, out_dir, **build_options)
    spec = importlib.util.spec_from_file_location(name, target)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
