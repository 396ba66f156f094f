"""Export the prepared tree's commits to patches/, and check that the series applies.

A patch file is ``git format-patch`` output whose message is a DEP-3 header::

    Subject: [PATCH] <subject>

    Description: <subject>
     <why, from the commit message body>
    Author: <the commit's author>
    Origin: vendor, numpy-dive
    Forwarded: not-needed
    Last-Update: <the day the patch last changed>
    ---
    <diffstat and diff>

so ``git am``, ``quilt push -a`` and ``patch -p1`` all take it.
"""
import datetime
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import paths, tree, upstream
from .errors import CheckFailed, DiveError
from .gitutil import git, git_out

ORIGIN = "vendor, numpy-dive"
FORWARDED = "not-needed"
_PATCH_NAME = re.compile(r"^\d{4}-.*\.patch$")
_DEP3_FIELD = re.compile(r"^(Origin|Forwarded|Bug|Bug-[A-Za-z]+|Applied-Upstream|"
                         r"Last-Update|Author|Reviewed-by):\s")


def slug(subject):
    """The file-name part git format-patch derives from a subject."""
    text = re.sub(r"[^A-Za-z0-9._]+", "-", subject).strip("-.")
    return text[:52].rstrip("-.") or "patch"


def dep3_message(subject, body, sha, author="numpy-dive"):
    """The commit body as a DEP-3 header; idempotent on an exported patch's body.

    The body says why; DEP-3 fields on its last lines (``Forwarded: no`` for a
    fix upstream should take, ``Bug:``, ...) are kept, the others defaulted.
    """
    lines = body.strip().splitlines()
    fields = []
    if lines and not lines[0].startswith("Description:"):
        while lines and _DEP3_FIELD.match(lines[-1]):
            fields.insert(0, lines.pop())
    if not any(line.strip() for line in lines):
        raise DiveError(
            f"commit {sha[:12]} ({subject!r}) has no message body: say why the change "
            "is needed; the body becomes the patch's Description (amend it in build/src).")
    if lines[0].startswith("Description:"):     # an exported patch's own header
        header = lines
    else:
        why = "\n".join(lines).strip().splitlines()
        header = [f"Description: {subject}",
                  *(f" {line}" if line.strip() else " ." for line in why), *fields]
    for field, value in (("Author", author), ("Origin", ORIGIN), ("Forwarded", FORWARDED)):
        if not any(line.startswith(f"{field}:") for line in header):
            header.append(f"{field}: {value}")
    return "\n".join(header)


def format_patch(src, sha):
    """One commit as a patch file text with a DEP-3 header."""
    subject = git_out(src, "log", "-1", "--format=%s", sha)
    message = dep3_message(subject, git(src, "log", "-1", "--format=%b", sha).stdout, sha,
                           author=git_out(src, "log", "-1", "--format=%an <%ae>", sha))
    # not stripped: a hunk may end in context lines that are a single space
    mail = git(src, "format-patch", "-1", "--stdout", "--zero-commit",
               "--no-signature", "--no-numbered", "--full-index", sha).stdout
    headers, rest = mail.split("\n\n", 1)
    _, diff = ("\n" + rest).split("\n---\n", 1)
    return f"{headers}\n\n{message}\n---\n{diff}"


def with_last_update(text, previous, today):
    """The patch `text` with DEP-3's Last-Update: the date of `previous` (the
    patch file as it was) if nothing else changed, else `today`."""
    def without_date(patch):
        return re.sub(r"^Last-Update: .*\n", "", patch, count=1, flags=re.MULTILINE)
    stripped = without_date(text)
    date = today
    if previous is not None and without_date(previous) == stripped:
        date = re.search(r"^Last-Update: (.*)$", previous, re.MULTILINE)
        date = date[1] if date else today
    return stripped.replace("\n---\n", f"\nLast-Update: {date}\n---\n", 1)


def _unnumbered(name):
    """A patch's name without its number: what stays when the series is renumbered."""
    return name.split("-", 1)[1] if _PATCH_NAME.match(name) else name


def series_text(names, previous=""):
    """patches/series for `names`, keeping the comments of the `previous` one:
    the header (up to the first blank line before the first patch) on top,
    a comment block right above a patch, or after it on its line, with that
    patch (found again by its unnumbered name), and the lines after the last
    patch at the end."""
    header, above, after, pending = [], {}, {}, []
    seen_patch = False
    for line in previous.splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            key = _unnumbered(entry.split()[0])
            above[key], pending = pending, []
            if "#" in line:
                after[key] = "  #" + line.split("#", 1)[1]
            seen_patch = True
        elif not seen_patch and not line.strip():
            header, pending = header + pending + [line], []
        else:
            pending.append(line)
    lines = list(header)
    for name in names:
        key = _unnumbered(name)
        lines += above.get(key, [])
        lines.append(name + after.get(key, ""))
    # what follows the last patch stays at the end
    return "".join(f"{line}\n" for line in lines + pending)


def export(src=paths.PREPARED_TREE, patches_dir=paths.PATCHES, pin=None):
    """Write one NNNN-subject.patch per commit on top of ``upstream``, and series."""
    src, patches_dir = Path(src), Path(patches_dir)
    if not (src / ".git").is_dir():
        raise DiveError(f"{src} is not prepared; run: python3 tools/patches.py prepare")
    dirty = git_out(src, "status", "--porcelain", "--untracked-files=no")
    if dirty:
        raise DiveError(f"{src} has uncommitted edits; commit them there first:\n{dirty}")
    commits = git_out(src, "rev-list", "--reverse", f"{tree.UPSTREAM_TAG}..HEAD").split()
    patches_dir.mkdir(exist_ok=True)
    previous = {_unnumbered(old.name): old.read_text() for old in patches_dir.iterdir()
                if _PATCH_NAME.match(old.name)}
    today = datetime.date.today().isoformat()
    texts = {}
    for number, sha in enumerate(commits, start=1):
        subject = git_out(src, "log", "-1", "--format=%s", sha)
        name = f"{number:04d}-{slug(subject)}.patch"
        texts[name] = with_last_update(format_patch(src, sha),
                                       previous.get(_unnumbered(name)), today)
    for old in patches_dir.iterdir():
        if _PATCH_NAME.match(old.name) and old.name not in texts:
            old.unlink()
    for name, text in texts.items():
        (patches_dir / name).write_text(text)
    series = patches_dir / "series"
    series.write_text(series_text(list(texts), series.read_text() if series.exists() else ""))
    tree.record_state(src, tree.series_fingerprint(pin or upstream.read_pin(), patches_dir))
    return list(texts)


def description(patch_text):
    """(subject, body) of a patch's DEP-3 Description, the body unindented."""
    lines = patch_text.split("\n---\n", 1)[0].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Description: "))
    subject = lines[start][len("Description: "):]
    body = []
    for line in lines[start + 1:]:
        if not line.startswith(" "):
            break
        body.append("" if line == " ." else line[1:])
    return subject, "\n".join(body).strip()


def upstream_form(name, patches_dir=paths.PATCHES, pin=None, cache=None):
    """Fix `name` as a commit for NumPy's own repository: applied alone to
    the pinned sdist (a fix must not need the rest of the series), its
    message in NumPy's form (``BUG:`` and the description; no DEP-3 fields),
    as git format-patch writes it. Features have no upstream form."""
    patch = Path(patches_dir) / name
    if not patch.exists():
        raise DiveError(f"no patch {name} in {patches_dir}")
    pin = pin or upstream.read_pin()
    subject, body = description(patch.read_text())
    if not subject.startswith("Fix"):
        raise DiveError(f"{name} is not a fix (its subject does not start with 'Fix'): a "
                        "feature of the fork needs its new files under numpy/, which no "
                        "patch holds, so it has no upstream form")
    with tempfile.TemporaryDirectory(prefix="dive-upstream-") as workdir:
        src = _upstream_repository(upstream.fetch_sdist(pin, cache), workdir)
        result = git(src, "am", "--quiet", "--keep-cr", str(patch.resolve()), check=False)
        if result.returncode != 0:
            raise CheckFailed(f"{name} does not apply to NumPy {pin.version} alone (it needs "
                              f"an earlier patch of the series):\n{result.stderr.strip()}")
        git(src, "commit", "--quiet", "--amend", "--no-verify",
            "-m", f"BUG: {subject}\n\n{body}\n")
        return git(src, "format-patch", "-1", "--stdout", "--no-signature", "HEAD").stdout


def _upstream_repository(sdist, workdir):
    """A git repository of the sdist as it is: one commit."""
    src = _fresh_copy(sdist, workdir, "upstream")
    git(src, "init", "--quiet")
    git(src, "add", "--all", "--force", ".")
    git(src, "commit", "--quiet", "--no-verify", "-m", "upstream")
    return src


def _fresh_copy(sdist, workdir, name):
    return upstream.unpack_sdist(sdist, Path(workdir) / name)


def _check_git_am(sdist, workdir, patches_dir):
    tree.apply_series(_upstream_repository(sdist, workdir), patches_dir)


def _check_patch_p1(sdist, workdir, patches_dir):
    src = _fresh_copy(sdist, workdir, "patch-p1")
    for name in tree.read_series(patches_dir / "series"):
        result = subprocess.run(
            ["patch", "-p1", "--forward", "--batch", "--no-backup-if-mismatch",
             "-i", str(patches_dir / name)], cwd=src, capture_output=True, text=True)
        if result.returncode != 0:
            failed = re.findall(r"patching file (\S+)\n(?:.*\n)*?.*FAILED", result.stdout)
            files = ", ".join(failed) or "see below"
            raise CheckFailed(f"patch -p1: {name} does not apply (file: {files}):\n"
                            f"{result.stdout.strip()}")


def _check_quilt(sdist, workdir, patches_dir):
    src = _fresh_copy(sdist, workdir, "quilt")
    env = {"QUILT_PATCHES": str(patches_dir), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(["quilt", "push", "-a", "-q"], cwd=src, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        raise CheckFailed(f"quilt push -a failed:\n{result.stdout}{result.stderr}")


def check(patches_dir=paths.PATCHES, pin=None, cache=None):
    """Apply the series to fresh copies of the sdist with git am, patch -p1 and quilt.

    Returns the names of the tools that accepted the series; quilt is skipped
    (and left out of the list) when it is not installed.
    """
    patches_dir = Path(patches_dir).resolve()
    sdist = upstream.fetch_sdist(pin or upstream.read_pin(), cache)
    checkers = {"git am": _check_git_am, "patch -p1": _check_patch_p1}
    if shutil.which("quilt"):
        checkers["quilt push -a"] = _check_quilt
    with tempfile.TemporaryDirectory(prefix="dive-check-") as workdir:
        for check_one in checkers.values():
            check_one(sdist, workdir, patches_dir)
    return list(checkers)
