"""The fork's assembly pipeline: fetch, verify, prepare, patch, export, check."""
import datetime
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import make_sdist

from dive import blas, leave_out, patches, pep517, profiles, tree, upstream
from dive.errors import CheckFailed, DiveError
from dive.gitutil import git, git_out

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def prepared(tmp_path, fake_upstream):
    """A prepared tree of the fake upstream with an empty series and overlay."""
    pin, cache = fake_upstream
    patches_dir = tmp_path / "patches"
    patches_dir.mkdir()
    (patches_dir / "series").write_text("")
    overlay = tmp_path / "repo" / "pkg"
    overlay.mkdir(parents=True)
    src = tree.prepare(tmp_path / "src", pin=pin, patches_dir=patches_dir,
                       overlay_root=overlay, cache=cache)
    return dict(src=src, pin=pin, cache=cache, patches_dir=patches_dir, overlay=overlay)


def commit_edit(src, path, old, new, message):
    target = src / path
    target.write_text(target.read_text().replace(old, new))
    git(src, "commit", "--quiet", "-am", message)


def prepare_again(env, **kwargs):
    return tree.prepare(env["src"], pin=env["pin"], patches_dir=env["patches_dir"],
                        overlay_root=env["overlay"], cache=env["cache"], **kwargs)


class TestFetch:
    def test_hash_mismatch_stops_and_quarantines(self, tmp_path):
        sdist = make_sdist(tmp_path / "pkg-1.0.tar.gz", {"a": "b"})
        pin = upstream.Pin("1.0", "file:///nowhere/pkg-1.0.tar.gz", "0" * 64)
        with pytest.raises(DiveError, match="sha256 mismatch") as excinfo:
            upstream.fetch_sdist(pin, cache=tmp_path)
        assert upstream.sha256_of(tmp_path / "pkg-1.0.tar.gz.rejected") in str(excinfo.value)
        assert not sdist.exists()

    def test_download_failure_is_clear(self, tmp_path):
        pin = upstream.Pin("1.0", f"file://{tmp_path}/missing/pkg-1.0.tar.gz", "0" * 64)
        with pytest.raises(DiveError, match="could not download the NumPy sdist"):
            upstream.fetch_sdist(pin, cache=tmp_path / "cache")
        assert not list((tmp_path / "cache").iterdir())

    def test_download_then_verify(self, tmp_path):
        source = make_sdist(tmp_path / "pkg-1.0.tar.gz", {"a": "b"})
        pin = upstream.Pin("1.0", source.as_uri(), upstream.sha256_of(source))
        cached = upstream.fetch_sdist(pin, cache=tmp_path / "cache")
        assert cached.read_bytes() == source.read_bytes()

    def test_real_pin_is_well_formed(self):
        pin = upstream.read_pin()
        assert pin.filename == f"numpy-{pin.version}.tar.gz"
        assert re.fullmatch("[0-9a-f]{64}", pin.sha256)


class TestPrepare:
    def test_tree_is_git_repo_with_upstream_commit(self, prepared):
        src = prepared["src"]
        assert git_out(src, "log", "--format=%s") == "upstream 1.0"
        assert git_out(src, "rev-parse", "HEAD") == git_out(src, "rev-parse", tree.UPSTREAM_TAG)
        assert (src / "pkg" / "core.py").read_text() == "def answer():\n    return 41\n"

    def test_overlay_is_symlinked_and_pruned(self, prepared):
        new_file = prepared["overlay"] / "sub" / "new.py"
        new_file.parent.mkdir()
        new_file.write_text("x = 1\n")
        src = prepare_again(prepared)
        link = src / "pkg" / "sub" / "new.py"
        assert link.is_symlink() and link.resolve() == new_file.resolve()
        assert git_out(src, "status", "--porcelain") == ""
        new_file.unlink()
        prepare_again(prepared)
        assert not link.is_symlink()

    def test_overlay_may_not_shadow_upstream(self, prepared):
        (prepared["overlay"] / "core.py").write_text("evil = True\n")
        with pytest.raises(DiveError, match="pkg/core.py exists in upstream"):
            prepare_again(prepared)

    def test_patch_that_does_not_apply_names_patch_and_file(self, prepared):
        src = prepared["src"]
        commit_edit(src, "pkg/core.py", "41", "42", "Fix the answer\n\nIt was off by one.")
        patches.export(src, prepared["patches_dir"], pin=prepared["pin"])
        (name,) = tree.read_series(prepared["patches_dir"] / "series")
        patch = prepared["patches_dir"] / name
        patch.write_text(patch.read_text().replace("return 41", "return 40"))
        with pytest.raises(CheckFailed) as excinfo:
            prepare_again(prepared, force=True)
        assert name in str(excinfo.value) and "pkg/core.py" in str(excinfo.value)
        with pytest.raises(CheckFailed, match=f"{name}.*pkg/core.py"):
            patches.check(prepared["patches_dir"], pin=prepared["pin"],
                          cache=prepared["cache"])

    def test_missing_patch_file(self, prepared):
        (prepared["patches_dir"] / "series").write_text("0001-gone.patch\n")
        with pytest.raises(DiveError, match="lists 0001-gone.patch"):
            prepare_again(prepared, force=True)

    def test_unexported_work_blocks_reapply(self, prepared):
        src = prepared["src"]
        commit_edit(src, "README", "tiny", "small", "Reword\n\nClearer.")
        (name,) = patches.export(src, prepared["patches_dir"], pin=prepared["pin"])
        commit_edit(src, "pkg/core.py", "41", "42", "Fix the answer\n\nOff by one.")
        patch = prepared["patches_dir"] / name
        patch.write_text(patch.read_text().replace("Clearer.", "Changed elsewhere."))
        with pytest.raises(DiveError, match="1 commit\\(s\\) not exported"):
            prepare_again(prepared)
        prepare_again(prepared, force=True)
        assert git_out(src, "log", "--format=%s").splitlines() == ["Reword", "upstream 1.0"]
        assert (src / "pkg" / "core.py").read_text().endswith("return 41\n")


class TestExport:
    def test_export_writes_dep3_patches_and_series(self, prepared):
        src, patches_dir = prepared["src"], prepared["patches_dir"]
        commit_edit(src, "pkg/core.py", "41", "42", "Fix the answer\n\nIt was off by one.")
        commit_edit(src, "README", "tiny", "small", "Reword the README\n\nClearer.\n\nTwo.")
        names = patches.export(src, patches_dir, pin=prepared["pin"])
        assert names == ["0001-Fix-the-answer.patch", "0002-Reword-the-README.patch"]
        assert tree.read_series(patches_dir / "series") == names
        text = (patches_dir / names[1]).read_text()
        assert "Subject: [PATCH] Reword the README\n" in text
        today = datetime.date.today().isoformat()
        assert ("Description: Reword the README\n Clearer.\n .\n Two.\n"
                "Author: numpy-dive <numpy-dive@localhost>\n"
                "Origin: vendor, numpy-dive\nForwarded: not-needed\n"
                f"Last-Update: {today}\n---\n") in text

    def test_export_keeps_the_comments_of_the_series(self, prepared):
        src, patches_dir = prepared["src"], prepared["patches_dir"]
        commit_edit(src, "pkg/core.py", "41", "42", "Fix the answer\n\nIt was off by one.")
        commit_edit(src, "README", "tiny", "small", "Reword the README\n\nClearer.")
        patches.export(src, patches_dir, pin=prepared["pin"])
        (patches_dir / "series").write_text(
            "# the series\n\n# fixes\n0001-Fix-the-answer.patch  # upstream soon\n"
            "\n# features\n0002-Reword-the-README.patch\n# end\n")
        prepare_again(prepared)
        commit_edit(src, "pkg/spaced.txt", "first", "second", "Space it\n\nWhy.")
        names = patches.export(src, patches_dir, pin=prepared["pin"])
        assert (patches_dir / "series").read_text() == (
            "# the series\n\n# fixes\n0001-Fix-the-answer.patch  # upstream soon\n"
            "\n# features\n0002-Reword-the-README.patch\n0003-Space-it.patch\n# end\n")
        assert tree.read_series(patches_dir / "series") == names

    def test_comments_follow_their_patch_when_the_series_is_renumbered(self):
        previous = ("# the series\n\n# about A\n0001-A.patch\n# about B\n"
                    "0002-B.patch  # note\n# end\n")
        assert patches.series_text(["0001-B.patch", "0002-A.patch", "0003-C.patch"],
                                   previous) == (
            "# the series\n\n# about B\n0001-B.patch  # note\n# about A\n0002-A.patch\n"
            "0003-C.patch\n# end\n")

    def test_dep3_fields_in_the_commit_are_kept(self, prepared):
        src, patches_dir = prepared["src"], prepared["patches_dir"]
        commit_edit(src, "pkg/core.py", "41", "42",
                    "Fix the answer\n\nIt was off by one.\nForwarded: no\n"
                    "Bug: https://example.org/1")
        (name,) = patches.export(src, patches_dir, pin=prepared["pin"])
        assert ("Description: Fix the answer\n It was off by one.\nForwarded: no\n"
                "Bug: https://example.org/1\nAuthor: numpy-dive <numpy-dive@localhost>\n"
                "Origin: vendor, numpy-dive\nLast-Update: "
                ) in (patches_dir / name).read_text()

    def test_upstream_form_of_a_patch(self, prepared):
        src, patches_dir = prepared["src"], prepared["patches_dir"]
        commit_edit(src, "pkg/core.py", "41", "42", "Fix the answer\n\nIt was off by one.")
        commit_edit(src, "pkg/core.py", "42", "43", "Fix it once more\n\nOn top of the fix.")
        commit_edit(src, "README", "tiny", "small", "Reword the README\n\nClearer.")
        first, second, third = patches.export(src, patches_dir, pin=prepared["pin"])
        text = patches.upstream_form(first, patches_dir, pin=prepared["pin"],
                                     cache=prepared["cache"])
        assert "Subject: [PATCH] BUG: Fix the answer\n\nIt was off by one.\n---\n" in text
        assert "Origin:" not in text and "+    return 42" in text
        with pytest.raises(CheckFailed, match="does not apply to NumPy 1.0 alone"):
            patches.upstream_form(second, patches_dir, pin=prepared["pin"],
                                  cache=prepared["cache"])
        with pytest.raises(DiveError, match="is not a fix"):
            patches.upstream_form(third, patches_dir, pin=prepared["pin"],
                                  cache=prepared["cache"])

    def test_last_update_changes_only_with_the_patch(self):
        patch = "Subject: x\n\nDescription: x\n y\nOrigin: o\nLast-Update: {}\n---\n{}"
        old = patch.format("2026-01-02", "diff A\n")
        same = patch.format("2026-12-02", "diff A\n")
        changed = patch.format("2026-12-02", "diff B\n")
        assert patches.with_last_update(same, old, "2026-12-02") == old
        assert patches.with_last_update(changed, old, "2026-12-02") == changed
        assert patches.with_last_update(same, None, "2026-12-02") == same

    def test_export_roundtrip_is_stable(self, prepared):
        src, patches_dir = prepared["src"], prepared["patches_dir"]
        commit_edit(src, "pkg/core.py", "41", "42", "Fix the answer\n\nIt was off by one.")
        (name,) = patches.export(src, patches_dir, pin=prepared["pin"])
        first = (patches_dir / name).read_text()
        prepare_again(prepared, force=True)
        (patches_dir / "series").write_text(f"# reapply\n{name}\n")
        prepare_again(prepared)
        assert (src / "pkg" / "core.py").read_text().endswith("return 42\n")
        patches.export(src, patches_dir, pin=prepared["pin"])
        assert (patches_dir / name).read_text() == first

    def test_series_accepted_by_git_am_patch_and_quilt(self, prepared):
        src = prepared["src"]
        commit_edit(src, "pkg/core.py", "41", "42", "Fix the answer\n\nIt was off by one.")
        commit_edit(src, "pkg/meson.build", "core", "core2", "Rename\n\nBecause.")
        patches.export(src, prepared["patches_dir"], pin=prepared["pin"])
        tools = patches.check(prepared["patches_dir"], pin=prepared["pin"],
                              cache=prepared["cache"])
        assert tools[:2] == ["git am", "patch -p1"]

    def test_hunk_ending_in_blank_context_lines_applies(self, prepared):
        commit_edit(prepared["src"], "pkg/spaced.txt", "first", "second", "Edit\n\nWhy.")
        patches.export(prepared["src"], prepared["patches_dir"], pin=prepared["pin"])
        patches.check(prepared["patches_dir"], pin=prepared["pin"], cache=prepared["cache"])

    def test_commit_without_reason_is_refused(self, prepared):
        commit_edit(prepared["src"], "README", "tiny", "small", "No reason given")
        with pytest.raises(DiveError, match="has no message body"):
            patches.export(prepared["src"], prepared["patches_dir"], pin=prepared["pin"])

    def test_uncommitted_edit_is_refused(self, prepared):
        (prepared["src"] / "README").write_text("edited\n")
        with pytest.raises(DiveError, match="uncommitted edits"):
            patches.export(prepared["src"], prepared["patches_dir"], pin=prepared["pin"])


class TestProfiles:
    def test_known_profiles(self):
        assert {"debug", "release"} <= set(profiles.available())
        debug = profiles.load("debug")
        assert "-Dbuildtype=debug" in debug.meson_args
        assert "-Ddisable-optimization=true" in debug.meson_args
        assert debug.build_dir.name == "debug"
        assert debug.install_dir.name == "debug-install"
        assert "-Dbuildtype=release" in profiles.load("release").meson_args

    def test_a_profile_extends_another(self, tmp_path):
        site_cfg = tmp_path / "site.cfg"
        site_cfg.write_text("""
[profile:base]
meson-args =
    -Dbuildtype=debug
    -Dc_args=-g3
without-simd-tests = test_simd.py
environment = A=1
[profile:child]
extends = base
meson-args =
    -Dc_args=-O1
    -Db_lundef=false
environment = B=2
[profile:grandchild]
extends = child
without-simd-tests = other.py
environment = A=3
[profile:loop]
extends = loop
[profile:orphan]
extends = nowhere
[local]
meson-args = -Dblas=none
""")
        child = profiles.load("child", site_cfg)
        assert child.meson_args == ("-Dbuildtype=debug", "-Dc_args=-O1", "-Db_lundef=false",
                                    "-Dblas=none")
        assert child.without_simd_tests == ("test_simd.py",)
        assert child.environment == {"A": "1", "B": "2"}
        grandchild = profiles.load("grandchild", site_cfg)
        assert grandchild.meson_args == child.meson_args
        assert grandchild.without_simd_tests == ("other.py",)
        assert grandchild.environment == {"A": "3", "B": "2"}
        with pytest.raises(DiveError, match="in a circle in site.cfg: loop -> loop"):
            profiles.load("loop", site_cfg)
        with pytest.raises(DiveError, match="profile 'orphan' extends an unknown profile 'nowhere'"):
            profiles.load("orphan", site_cfg)

    def test_the_simd_test_list_is_written_once(self):
        lists = {name: profiles.load(name).without_simd_tests
                 for name in profiles.available()}
        assert lists["debug"] and all(lists[name] == lists["debug"] for name in
                                      ("asan", "coverage", "refdebug", "tsan"))
        assert (REPO / "site.cfg").read_text().count("test_simd.py") == 1

    def test_unknown_profile_lists_known_ones(self):
        with pytest.raises(DiveError, match="unknown profile 'fast'.*debug, release"):
            profiles.load("fast")

    def test_runtests_rejects_unknown_profile(self):
        result = subprocess.run(
            [sys.executable, str(REPO / "runtests.py"), "--profile", "nope", "--no-build"],
            capture_output=True, text=True)
        assert result.returncode == 2
        assert "unknown profile 'nope'" in result.stderr
        assert "debug" in result.stderr and "release" in result.stderr


class TestBlas:
    def test_every_profile_links_the_blas_of_local(self, tmp_path):
        site_cfg = tmp_path / "site.cfg"
        site_cfg.write_text("[profile:a]\n[local]\nblas = debian\n")
        assert profiles.load("a", site_cfg).blas == blas.DEBIAN
        site_cfg.write_text("[profile:a]\n")
        assert profiles.load("a", site_cfg).blas == blas.SCIPY_OPENBLAS
        assert profiles.load("release").blas == blas.SCIPY_OPENBLAS

    def test_an_unknown_blas_lists_the_choices(self, tmp_path):
        site_cfg = tmp_path / "site.cfg"
        site_cfg.write_text("[profile:a]\n[local]\nblas = mkl\n")
        with pytest.raises(DiveError, match=r"site.cfg \[local\]: unknown blas 'mkl'; "
                                            r"choose one of: scipy-openblas64 \(.*\), debian"):
            profiles.load("a", site_cfg)

    def test_the_choice_replaces_local_options(self):
        profile = profiles.Profile(name="p", description="", blas=blas.NONE,
                                   meson_args=("-Duse-ilp64=true", "-Dallow-noblas=false"))
        assert profile.setup_args(None) == ("-Duse-ilp64=true", "-Dallow-noblas=true",
                                            "-Dblas=none", "-Dlapack=none")

    def test_scipy_openblas_is_found_through_its_own_pkg_config_file(self):
        args = profiles.load("release").setup_args(sys.executable)
        pc_dir = Path(args[-1].removeprefix("-Dpkg_config_path="))
        assert args[-3:-1] == ("-Dblas=scipy-openblas", "-Dlapack=scipy-openblas")
        pc = (pc_dir / "scipy-openblas.pc").read_text()
        assert re.search(r"^Libs: \S+/libscipy_openblas64_.so -Wl,-rpath,", pc, re.M)
        assert "version=0.3.31.188.0" in pc

    def test_a_wheel_links_debians_openblas(self):
        setup_args = pep517._config_settings({"setup-args": "-Dfoo=1"})["setup-args"]
        assert "-Dblas=openblas64" in setup_args and "-Dlapack=openblas64" in setup_args
        assert not any("scipy-openblas" in arg for arg in setup_args)
        assert setup_args[-1] == "-Dfoo=1"


class TestLeaveOut:
    SERIES = """\
# header
0001-Fix-a.patch
# feature one: the first
0002-one.patch
# more of one
0003-one-more.patch
# feature two: the second
0004-two.patch
# needs one two: where they meet
0005-both.patch
"""

    def test_features_and_what_each_patch_needs(self, tmp_path):
        series = tmp_path / "series"
        series.write_text(self.SERIES)
        features, needs = leave_out.series_needs(series)
        assert features == ["one", "two"]
        assert needs == {"0001-Fix-a.patch": set(), "0002-one.patch": {"one"},
                         "0003-one-more.patch": {"one"}, "0004-two.patch": {"two"},
                         "0005-both.patch": {"one", "two"}}
        assert leave_out.series_without("one", series) == ["0001-Fix-a.patch",
                                                           "0004-two.patch"]
        assert leave_out.series_without("two", series) == [
            "0001-Fix-a.patch", "0002-one.patch", "0003-one-more.patch"]
        with pytest.raises(DiveError, match="no feature 'three' in series; its features: "
                                            "one, two"):
            leave_out.series_without("three", series)

    def test_needs_must_name_a_feature(self, tmp_path):
        series = tmp_path / "series"
        series.write_text(self.SERIES.replace("# needs one two", "# needs one tow"))
        with pytest.raises(DiveError, match="`needs` names tow, which no `feature NAME:`"):
            leave_out.series_needs(series)

    def test_the_forks_features_each_have_a_probe(self):
        features, needs = leave_out.series_needs()
        assert features == ["identity", "kurtosis", "quad"]
        assert set(leave_out.PROBES) == set(features)
        bridge = [name for name, wanted in needs.items() if wanted == {"kurtosis", "quad"}]
        assert len(bridge) == 1 and "kurtosis-of-np.quad" in bridge[0]
