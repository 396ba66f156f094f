#!/usr/bin/env python3
"""The patch workflow of numpy-dive.

Upstream NumPy files change only through patches/: edit them in the prepared
tree build/src (a git repository: "upstream 2.4.6" + one commit per patch),
commit there with a message that says why, then export.

  prepare   make build/src from the pinned sdist + patches/series + the
            numpy/ overlay (--force discards work in build/src that is not
            exported)
  export    write build/src's commits to patches/NNNN-subject.patch (DEP-3
            header: Description from the commit message, Author, Origin,
            Forwarded, Last-Update) and rewrite patches/series in order,
            keeping its comments
  check     apply the series to fresh copies of the sdist with git am,
            patch -p1 and quilt push -a (CI runs this)
  leave-out build the series with one feature left out (each of those
            patches/series names, or the ones given): the rest applies,
            builds (-O0, in build/leave-out/FEATURE/) and imports, without
            that feature and with every other (CI runs this)
  upstream  write one fix as a commit for NumPy's own repository: applied
            alone to the sdist, "BUG: subject" and the description, no DEP-3
            fields (-o FILE, or stdout); refused for the fork's features

Typical session:

  python3 tools/patches.py prepare
  cd build/src && $EDITOR numpy/_core/meson.build && git commit -a
  cd ../.. && python3 tools/patches.py export && git add patches/

To change an existing patch: `git rebase -i upstream` in build/src, then export.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dive import leave_out, patches, tree  # noqa: E402
from dive.errors import EXIT_OK, exit_status_help, guarded  # noqa: E402


def cmd_prepare(args):
    src = tree.prepare(force=args.force)
    print(f"{src} is ready ({len(tree.read_series())} patches applied)")


def cmd_export(args):
    names = patches.export()
    print(f"exported {len(names)} patches to patches/:")
    for name in names:
        print(f"  {name}")


def cmd_check(args):
    tools = patches.check()
    count = len(tree.read_series())
    print(f"series OK: {count} patches apply cleanly with {', '.join(tools)}")


def cmd_leave_out(args):
    features = args.features or leave_out.series_needs()[0]
    for feature in features:
        print(leave_out.check_without(feature, jobs=args.jobs, show_log=args.show_build_log))


def cmd_upstream(args):
    text = patches.upstream_form(args.patch)
    if args.output:
        Path(args.output).write_text(text)
        print(f"wrote {args.output}: git am it in a clone of NumPy")
    else:
        sys.stdout.write(text)


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="tools/patches.py", description=__doc__, epilog=exit_status_help("a patch that does not apply"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    prepare = sub.add_parser("prepare", help="assemble build/src")
    prepare.add_argument("--force", action="store_true",
                         help="discard commits and edits in build/src that are not exported")
    prepare.set_defaults(func=cmd_prepare)
    sub.add_parser("export", help="write build/src's commits to patches/").set_defaults(
        func=cmd_export)
    sub.add_parser("check", help="check the series applies to a fresh sdist").set_defaults(
        func=cmd_check)
    leave = sub.add_parser(
        "leave-out", help="build the series with each feature left out in turn")
    leave.add_argument("features", nargs="*", metavar="FEATURE",
                       help="the features to leave out, one at a time (default: every "
                            "`feature NAME:` of patches/series)")
    leave.add_argument("-j", "--jobs", type=int, help="parallel compile jobs (ninja's -j)")
    leave.add_argument("--show-build-log", action="store_true",
                       help="stream meson's output instead of writing build/leave-out/*.log")
    leave.set_defaults(func=cmd_leave_out)
    upstream_cmd = sub.add_parser(
        "upstream", help="write one fix as a commit for NumPy's repository")
    upstream_cmd.add_argument("patch", help="its file name in patches/, e.g. "
                                            "0002-Fix-a-reference-leak-in-the-string-ufuncs-promoter-s.patch")
    upstream_cmd.add_argument("-o", "--output", metavar="FILE",
                              help="write it there instead of to stdout")
    upstream_cmd.set_defaults(func=cmd_upstream)
    args = parser.parse_args(argv)

    def work():
        args.func(args)
        return EXIT_OK
    return guarded(parser.prog, work)


if __name__ == "__main__":
    sys.exit(main())
