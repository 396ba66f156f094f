"""Fetch the pinned NumPy sdist into the cache and verify its sha256."""
import hashlib
import tarfile
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .errors import DiveError


@dataclass(frozen=True)
class Pin:
    version: str
    url: str
    sha256: str

    @property
    def filename(self):
        return self.url.rsplit("/", 1)[-1]


def read_pin(pin_file=paths.UPSTREAM_PIN):
    with open(pin_file, "rb") as f:
        data = tomllib.load(f)
    try:
        return Pin(data["version"], data["url"], data["sha256"].lower())
    except KeyError as exc:
        raise DiveError(f"{pin_file}: missing key {exc}") from None


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _download(url, dest):
    partial = dest.with_suffix(dest.suffix + ".part")
    try:
        with urllib.request.urlopen(url, timeout=120) as response, \
                open(partial, "wb") as out:
            while block := response.read(1 << 20):
                out.write(block)
    except (urllib.error.URLError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise DiveError(
            f"could not download the NumPy sdist from {url}: {exc}\n"
            f"Fetch it by other means and place it at {dest} "
            "(its sha256 is checked either way).") from None
    partial.replace(dest)


def fetch_sdist(pin=None, cache=None):
    """Return the path of the verified sdist, downloading it if not cached.

    A cached file with the wrong hash is not trusted: it is moved aside and the
    error names both hashes, so a corrupted download or a wrong pin is obvious.
    """
    pin = pin or read_pin()
    cache = Path(cache or paths.cache_dir())
    cache.mkdir(parents=True, exist_ok=True)
    sdist = cache / pin.filename
    if not sdist.exists():
        print(f"Downloading {pin.url}", flush=True)
        _download(pin.url, sdist)
    actual = sha256_of(sdist)
    if actual != pin.sha256:
        rejected = sdist.with_suffix(sdist.suffix + ".rejected")
        sdist.replace(rejected)
        raise DiveError(
            f"sha256 mismatch for {pin.filename}:\n"
            f"  expected {pin.sha256} (patches/upstream.toml)\n"
            f"  got      {actual}\n"
            f"The file was moved to {rejected}; nothing was built from it.")
    return sdist


def unpack_sdist(sdist, dest):
    """Unpack the sdist's single top-level directory into ``dest``."""
    dest = Path(dest)
    with tarfile.open(sdist) as tar:
        top = {m.name.split("/", 1)[0] for m in tar.getmembers()}
        if len(top) != 1:
            raise DiveError(f"{sdist}: expected one top-level directory, got {sorted(top)}")
        (prefix,) = top
        members = []
        for member in tar.getmembers():
            if member.name == prefix:
                continue
            member.name = member.name[len(prefix) + 1:]
            members.append(member)
        dest.mkdir(parents=True, exist_ok=True)
        tar.extractall(dest, members=members, filter="data")
    return dest
