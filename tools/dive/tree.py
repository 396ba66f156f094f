"""Assemble the prepared tree: upstream sdist + patches/series + overlay of numpy/.

The tree (``build/src``) is a git repository: one commit "upstream <version>"
tagged ``upstream``, then one commit per patch of the series. Developers edit and
commit there, and `patches.export` turns the commits back into patch files.
Files under the repository's ``numpy/`` are new files, symlinked into the tree so
that edits, ninja and gdb all see the repository's copy.
"""
import hashlib
import os
import re
import shutil
from pathlib import Path

from . import paths, upstream
from .errors import CheckFailed, DiveError
from .gitutil import git, git_out

UPSTREAM_TAG = "upstream"
_STATE_FILE = "dive-state"       # inside .git/: what the tree was prepared from
_OVERLAY_MARK = "# numpy-dive overlay (written by tools/dive/tree.py)"
PATCH_LIST = ".dive-patches"


def read_series(series_file=paths.SERIES):
    """Patch file names in order; quilt's syntax (comments, blank lines, -p1)."""
    if not Path(series_file).exists():
        return []
    names = []
    for line in Path(series_file).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line.split()[0])
    return names


def series_fingerprint(pin, patches_dir=paths.PATCHES):
    """Changes whenever the pin or any patch of the series changes."""
    digest = hashlib.sha256(pin.sha256.encode())
    for name in read_series(Path(patches_dir) / "series"):
        digest.update(name.encode())
        patch = Path(patches_dir) / name
        digest.update(patch.read_bytes() if patch.exists() else b"(missing)")
    return digest.hexdigest()


def _state_path(tree):
    return Path(tree) / ".git" / _STATE_FILE


def _read_state(tree):
    try:
        fingerprint, head = _state_path(tree).read_text().split()
    except (OSError, ValueError):
        return None, None
    return fingerprint, head


def record_state(tree, fingerprint):
    head = git_out(tree, "rev-parse", "HEAD")
    _state_path(tree).write_text(f"{fingerprint} {head}\n")


def _failed_files(git_am_stderr):
    """File names git am complains about, to point the user at the hunk."""
    files = re.findall(r"patch failed: ([^:\n]+):\d+", git_am_stderr)
    files += re.findall(r"error: ([^:\n]+): (?:does not exist in index|already exists)",
                        git_am_stderr)
    return sorted(set(files))


def apply_series(tree, patches_dir=paths.PATCHES):
    """``git am`` each patch of the series; a failure names the patch and the files."""
    for name in read_series(Path(patches_dir) / "series"):
        patch = Path(patches_dir) / name
        if not patch.exists():
            raise DiveError(f"patches/series lists {name}, but {patch} does not exist")
        result = git(tree, "am", "--quiet", "--keep-cr", str(patch), check=False)
        if result.returncode != 0:
            git(tree, "am", "--abort", check=False)
            files = ", ".join(_failed_files(result.stderr)) or "see below"
            raise CheckFailed(
                f"patch {name} does not apply (file: {files}):\n{result.stderr.strip()}")


def _init_upstream(tree, pin, sdist):
    if tree.exists():
        shutil.rmtree(tree)
    print(f"Preparing {tree} from NumPy {pin.version}", flush=True)
    upstream.unpack_sdist(sdist, tree)
    git(tree, "init", "--quiet", "--initial-branch=dive")
    # -f: the sdist ships files that upstream's .gitignore names (version.py).
    git(tree, "add", "--all", "--force", ".")
    git(tree, "commit", "--quiet", "--no-verify", "-m", f"upstream {pin.version}")
    git(tree, "tag", UPSTREAM_TAG)
    (tree / ".git" / "upstream-sha256").write_text(pin.sha256 + "\n")


def _tree_upstream_sha(tree):
    try:
        return (tree / ".git" / "upstream-sha256").read_text().strip()
    except OSError:
        return None


def unexported_work(tree):
    """Describe edits/commits in the tree that patches/ does not hold, or ''."""
    dirty = git_out(tree, "status", "--porcelain", "--untracked-files=no")
    _, recorded_head = _read_state(tree)
    head = git_out(tree, "rev-parse", "HEAD")
    problems = []
    if dirty:
        problems.append(f"uncommitted edits:\n{dirty}")
    if recorded_head and head != recorded_head:
        count = git_out(tree, "rev-list", "--count", f"{recorded_head}..HEAD")
        problems.append(f"{count} commit(s) not exported to patches/")
    return "\n".join(problems)


def prepare(tree=paths.PREPARED_TREE, *, force=False, pin=None,
            patches_dir=paths.PATCHES, overlay_root=paths.OVERLAY, cache=None):
    """Bring ``tree`` in line with the pin, the series and the overlay.

    Cheap when nothing changed (only the overlay links are refreshed). When the
    series changed, the tree is reset to ``upstream`` and the series re-applied,
    which rewrites only the files that patches touch. Work in the tree that is
    not exported refuses the reset unless ``force``.
    """
    tree = Path(tree)
    pin = pin or upstream.read_pin()
    fingerprint = series_fingerprint(pin, patches_dir)
    if not (tree / ".git").is_dir() or _tree_upstream_sha(tree) != pin.sha256:
        _init_upstream(tree, pin, upstream.fetch_sdist(pin, cache))
        apply_series(tree, patches_dir)
        record_state(tree, fingerprint)
    elif _read_state(tree)[0] != fingerprint:
        work = unexported_work(tree)
        if work and not force:
            raise DiveError(
                f"patches/ changed, but {tree} has work that is not in patches/:\n{work}\n"
                "Export it first (python3 tools/patches.py export) or discard it "
                "(python3 tools/patches.py prepare --force).")
        print(f"Re-applying patches/series in {tree}", flush=True)
        git(tree, "am", "--abort", check=False)
        git(tree, "reset", "--quiet", "--hard", UPSTREAM_TAG)
        apply_series(tree, patches_dir)
        record_state(tree, fingerprint)
    elif force:
        git(tree, "reset", "--quiet", "--hard")
    link_overlay(tree, overlay_root)
    write_patch_list(tree, patches_dir)
    return tree


def write_patch_list(tree, patches_dir=paths.PATCHES):
    """The series, one patch a line, in PATCH_LIST at the tree's root: the
    build reads it for np.show_config()["numpy-dive"]["patches"]. Written only
    when it changes, as meson reconfigures when it does."""
    path = Path(tree) / PATCH_LIST
    text = "".join(f"{name}\n" for name in read_series(Path(patches_dir) / "series"))
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


def overlay_files(overlay_root=paths.OVERLAY):
    """Relative paths of the new files under the repository's numpy/."""
    root = Path(overlay_root)
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != "__pycache__"]
        for name in filenames:
            if not name.endswith((".pyc", "~")):
                files.append((Path(dirpath) / name).relative_to(root.parent))
    return sorted(files)


def link_overlay(tree, overlay_root=paths.OVERLAY):
    """Symlink each overlay file into the tree; drop links whose file is gone.

    The links are listed in .git/info/exclude so ``git status`` in the tree shows
    only edits to upstream files, which are what patches are made of.
    """
    tree = Path(tree)
    overlay_root = Path(overlay_root).resolve()
    exclude = tree / ".git" / "info" / "exclude"
    wanted = overlay_files(overlay_root)
    previous = _previous_overlay(exclude)
    for rel in previous - set(wanted):
        stale = tree / rel
        if stale.is_symlink():
            stale.unlink()
    for rel in wanted:
        link = tree / rel
        target = overlay_root.parent / rel
        if link.is_symlink():
            if Path(os.readlink(link)) == target:
                continue
            link.unlink()
        elif link.exists():
            raise DiveError(
                f"{rel} exists in upstream NumPy: the numpy/ overlay is for new files "
                "only; change upstream files through patches/ (tools/patches.py).")
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target)
    exclude.parent.mkdir(parents=True, exist_ok=True)
    exclude.write_text("\n".join([_OVERLAY_MARK, *(f"/{rel}" for rel in wanted),
                                   f"/{PATCH_LIST}"]) + "\n")


def _previous_overlay(exclude):
    if not exclude.exists():
        return set()
    lines = exclude.read_text().splitlines()
    if not lines or lines[0] != _OVERLAY_MARK:
        return set()
    return {Path(line[1:]) for line in lines[1:]
            if line.startswith("/") and line[1:] != PATCH_LIST}
