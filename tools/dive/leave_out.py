"""The series with one feature left out: it applies, builds and imports.

Each feature of the fork must be droppable alone, so that a maintainer can
take one without the others. patches/series names the features in its
comments: a comment block that starts `feature NAME:` opens feature NAME,
and the patches below it belong to it, up to the next tag; a block that
starts `needs NAME [NAME ...]:` holds patches that join those features and
belong to none. Patches above the first tag (the upstream fixes) belong to
none and are never left out.

Leaving feature F out drops F's patches and every patch that needs F. The
rest is prepared in build/leave-out/F/src (the numpy/ overlay linked in, as
for build/src), compiled at -O0 without debug information (so that ccache
shares the objects of the trees: with -g it hashes each build directory),
installed, and imported: the probe of F must find it gone and the probe of
every other feature must find it there.
"""
import json
import re
import time
from pathlib import Path

from . import build, environment, paths, profiles, tree, venv
from .errors import CheckFailed, DiveError

LEAVE_OUT = paths.BUILD / "leave-out"
_TAG = re.compile(r"#\s*(feature|needs)\s+([\w\- ]+):")
# the debug profile's options, then those that make the build lean
BASE_PROFILE = "debug"
LEAN_ARGS = ("-Dbuildtype=plain", "-Dc_args=", "-Dcpp_args=")
# what `import numpy` shows of each feature; a feature without a probe
# cannot be checked, and is an error
PROBES = {
    "identity": "'numpy-dive' in numpy.show_config(mode='dicts')",
    "kurtosis": "abs(numpy.arange(10.0).kurtosis() + 1.2242424242424244) < 1e-12",
    "quad": "str(numpy.quad(1) / 3) == '0.3333333333333333333333333333333333'",
}


def series_needs(series_file=paths.SERIES):
    """(features in series order, {patch: the features it needs})."""
    features, needs = [], {}
    own, joined = None, set()
    for line in Path(series_file).read_text().splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            needs[entry.split()[0]] = ({own} if own else set()) | joined
            continue
        tag = _TAG.match(line.strip())
        if tag and tag[1] == "feature":
            own, joined = tag[2].strip(), set()
            features.append(own)
        elif tag:
            own, joined = None, set(tag[2].split())
    unknown = set().union(*needs.values()) - set(features)
    if unknown:
        raise DiveError(f"{Path(series_file).name}: `needs` names {', '.join(sorted(unknown))}, "
                        f"which no `feature NAME:` comment opens")
    return features, needs


def series_without(feature, series_file=paths.SERIES):
    """The patches that stay when `feature` is left out, in order."""
    features, needs = series_needs(series_file)
    if feature not in features:
        raise DiveError(f"no feature {feature!r} in {Path(series_file).name}; "
                        f"its features: {', '.join(features)}")
    return [name for name, wanted in needs.items() if feature not in wanted]


def prepare_without(feature, patches_dir=paths.PATCHES):
    """build/leave-out/FEATURE/src: the sdist, the series without `feature`,
    the overlay. Its patches/ holds the shortened series and links to the
    patch files."""
    root = LEAVE_OUT / feature
    kept_dir = root / "patches"
    kept_dir.mkdir(parents=True, exist_ok=True)
    kept = series_without(feature, Path(patches_dir) / "series")
    for old in kept_dir.glob("*.patch"):
        old.unlink()
    for name in kept:
        (kept_dir / name).symlink_to(Path(patches_dir).resolve() / name)
    (kept_dir / "series").write_text("".join(f"{name}\n" for name in kept))
    return tree.prepare(root / "src", force=True, patches_dir=kept_dir), kept


def _probe_code():
    """Python that prints {feature: found} as JSON."""
    lines = ["import json, numpy", "found = {}"]
    for feature, check in PROBES.items():
        lines += ["try:", f"    found[{feature!r}] = bool({check})",
                  "except (AttributeError, TypeError):", f"    found[{feature!r}] = False"]
    return "\n".join(lines + ["print(json.dumps(found))"])


def check_without(feature, *, jobs=None, show_log=False):
    """Prepare, build and import the tree without `feature`; a text line
    saying what was found, or CheckFailed."""
    features, _ = series_needs()
    missing = set(features) - set(PROBES)
    if missing:
        raise DiveError(f"no probe for feature(s) {', '.join(sorted(missing))}: "
                        "add one to PROBES in tools/dive/leave_out.py")
    start = time.monotonic()
    src, kept = prepare_without(feature)
    python = venv.ensure_venv()
    profile = profiles.load(BASE_PROFILE)
    root = LEAVE_OUT / feature
    args = ["setup", str(root / "build"), str(src), f"--prefix={root / 'install'}",
            "--libdir=lib", *profiles.merged_args(profile.setup_args(python), LEAN_ARGS)]
    step = build.Step(LEAVE_OUT / f"without-{feature}.log", show_log)
    site = build.run_meson(step, f"without-{feature}", build.meson_command(python, src), args,
                           root / "build", root / "install", jobs=jobs)
    output = step.run(f"Importing numpy without {feature}",
                      [str(python), "-c", _probe_code()],
                      env=environment.for_build(site, f"without-{feature}"), capture=True)
    found = json.loads(output.splitlines()[-1])
    expected = {name: name != feature for name in PROBES if name in features}
    wrong = {name: found[name] for name in expected if found[name] != expected[name]}
    if wrong:
        raise CheckFailed(f"without {feature}: " + ", ".join(
            f"{name} {'is still there' if there else 'is missing'}"
            for name, there in wrong.items()))
    left_out = len(tree.read_series()) - len(kept)
    shown = ", ".join(f"{name} {'yes' if found[name] else 'no'}" for name in expected)
    return (f"without {feature}: {len(kept)} patches apply ({left_out} left out), built and "
            f"imported in {time.monotonic() - start:.0f} s: {shown}")
