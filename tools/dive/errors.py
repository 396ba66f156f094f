"""How numpy-dive's commands fail: one exit-code policy for runtests.py and
tools/patches.py (and whatever else grows a command line)."""
import sys
import textwrap

EXIT_OK = 0
# the work ran and found a failure: a test, a memcheck error, a leak, a patch
# that does not apply (pytest and valgrind's own statuses pass through as is)
EXIT_FAILED = 1
# the work could not be done: a bad command line (argparse exits 2 too), a
# missing tool or file
EXIT_ERROR = 2
# Ctrl-C, as a shell reports a command killed by SIGINT
EXIT_INTERRUPTED = 130

def exit_status_help(failures):
    """The policy for --help, with the `failures` a command can find."""
    return textwrap.fill(
        f"Exit status: 0 when the work is done and clean; 1 when it ran and found a "
        f"failure ({failures}); 2 when it could not run (a bad command line, a missing "
        f"tool or file); 130 on Ctrl-C.", 78)


class DiveError(Exception):
    """A failure the user can act on; the command prints the message, no
    traceback, and exits with `exit_status`."""
    exit_status = EXIT_ERROR


class CheckFailed(DiveError):
    """A check ran to its end and found something wrong."""
    exit_status = EXIT_FAILED


def guarded(prog, work):
    """work()'s exit status, or the policy's for DiveError and Ctrl-C."""
    try:
        return work()
    except DiveError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return exc.exit_status
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
