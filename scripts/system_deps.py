"""Install the Debian packages the product and its tests need, when they are missing.

`--build` checks only what building the locked Python packages needs (make install); without
it, everything (make run, make test). Runs apt-get only if something is missing and we are
root; otherwise prints one line that says what to install and stops."""

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

# (a file or command that shows the package is there, the Debian package)
NEEDED = [
    ("msgfmt", "gettext"),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "fonts-dejavu-core"),
    ("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf", "fonts-noto-color-emoji"),
    ("docker-compose", "docker-compose"),
    # The real-browser tests drive Debian's Chromium (Playwright's own download cannot work).
    ("/usr/bin/chromium", "chromium"),
]
# What `make install` needs to build psycopg2 from source against the system's libpq (as the
# image does): pg_config and libpq's headers, a C compiler, this Python's headers.
PYTHON_HEADERS = str(Path(sysconfig.get_paths()["include"]) / "Python.h")
BUILD = [
    ("pg_config", "libpq-dev"),
    ("gcc", "build-essential"),
    (PYTHON_HEADERS, f"python{sys.version_info.major}.{sys.version_info.minor}-dev"),
]
NEEDED_LIBS = [
    ("libpango-1.0.so.0", "libpango-1.0-0"),
    ("libpangoft2-1.0.so.0", "libpangoft2-1.0-0"),
]


def _present(marker: str) -> bool:
    if marker.startswith("/"):
        return Path(marker).exists()
    return shutil.which(marker) is not None


def _lib_present(name: str) -> bool:
    result = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False)
    return name in result.stdout


def missing_packages(build_only: bool = False) -> list[str]:
    if build_only:
        return [pkg for marker, pkg in BUILD if not _present(marker)]
    missing = [pkg for marker, pkg in BUILD + NEEDED if not _present(marker)]
    missing += [pkg for lib, pkg in NEEDED_LIBS if not _lib_present(lib)]
    return missing


def install(packages: list[str]) -> None:
    if not packages:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(f"missing system packages: install {' '.join(packages)} (apt-get install)")
    print(f"installing {' '.join(packages)} …", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, capture_output=True)
    result = subprocess.run(
        ["apt-get", "install", "-y", "-qq", *packages], env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"could not install {' '.join(packages)}: {result.stderr.strip()[-300:]}")


if __name__ == "__main__":
    # --build: only what `make install` needs to build the locked packages.
    install(missing_packages(build_only="--build" in sys.argv[1:]))
