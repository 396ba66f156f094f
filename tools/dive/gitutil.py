"""Thin wrappers around git for the prepared tree (which is its own repository)."""
import subprocess

from .errors import DiveError

# The prepared tree's commits are made by the tooling, so they must not depend
# on the user's git configuration (identity, hooks, signing).
_GIT_CONFIG = [
    "-c", "user.name=numpy-dive", "-c", "user.email=numpy-dive@localhost",
    "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null",
    "-c", "advice.detachedHead=false",
]


def git(tree, *args, check=True):
    """Run git in ``tree`` and return the CompletedProcess (text mode)."""
    result = subprocess.run(
        ["git", *_GIT_CONFIG, *args], cwd=tree, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and result.returncode != 0:
        raise DiveError(f"git {' '.join(args)} failed in {tree}:\n{result.stderr.strip()}")
    return result


def git_out(tree, *args):
    return git(tree, *args).stdout.strip()
