"""The locks: runtime and development apart, every file hash-pinned, the image built from the
runtime lock alone with psycopg2 compiled against the system's libpq."""

import re
from importlib import metadata
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("source-tree")

ROOT = Path(__file__).resolve().parent.parent
REQUIREMENTS = ROOT / "requirements"
LOCKS = ("runtime", "dev", "build")
DEVELOPMENT_ONLY = ("pytest", "pytest-django", "pytest-timeout", "pytest-xdist", "playwright",
                    "locust", "hypothesis", "ruff", "saxonche", "pip-tools")
PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)((?: --hash=sha256:[0-9a-f]{64})+)$")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _logical_lines(path: Path) -> list[str]:
    """The lines of a requirements file without comments, continuations joined."""
    text = re.sub(r"\s*\\\n\s*", " ", path.read_text())
    lines = (line.split(" #")[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _lock(name: str) -> dict[str, str]:
    pins = {}
    for line in _logical_lines(REQUIREMENTS / f"{name}.txt"):
        match = PINNED.match(line)
        assert match, f"{name}.txt: not pinned with == and hashes: {line[:80]}"
        pins[_name(match[1])] = match[2]
    return pins


def _in_pins(name: str) -> dict[str, str]:
    pins = {}
    for line in _logical_lines(REQUIREMENTS / f"{name}.in"):
        if line.startswith(("-r ", "-c ")):
            continue
        package, sep, version = line.partition("==")
        assert sep and re.fullmatch(r"[A-Za-z0-9._-]+", package), f"{name}.in: unpinned {line}"
        pins[_name(package)] = version
    return pins


@pytest.mark.parametrize("name", LOCKS)
def test_every_locked_package_is_pinned_with_its_hashes(name):
    lines = _logical_lines(REQUIREMENTS / f"{name}.txt")
    assert lines, f"{name}.txt is empty"
    for line in lines:
        assert PINNED.match(line), f"{name}.txt: not pinned with == and hashes: {line[:80]}"


@pytest.mark.parametrize("name", LOCKS)
def test_every_pin_of_an_in_file_is_its_locks_version(name):
    lock = _lock(name)
    for package, version in _in_pins(name).items():
        assert lock.get(package) == version, f"{package}=={version} of {name}.in: {name}.txt " \
                                             f"has {lock.get(package)} (run make lock)"


def test_the_runtime_lock_has_no_development_tool():
    runtime = _lock("runtime")
    assert not set(DEVELOPMENT_ONLY) & set(runtime)
    assert set(DEVELOPMENT_ONLY) <= set(_lock("dev"))


def test_psycopg2_is_built_from_source_not_the_binary_wheel():
    for name in ("runtime", "dev"):
        lock = _lock(name)
        assert "psycopg2" in lock, name
        assert "psycopg2-binary" not in lock, name


def test_the_development_lock_has_every_runtime_package_at_the_same_version():
    runtime, dev = _lock("runtime"), _lock("dev")
    differing = {name: (version, dev.get(name)) for name, version in runtime.items()
                 if dev.get(name) != version}
    assert not differing, f"runtime.txt vs dev.txt: {differing}"
    build = _lock("build")
    assert {name: dev[name] for name in build} == build


def test_this_environment_is_the_development_lock():
    # make install syncs .venv with the lock: a test run uses exactly the locked versions.
    installed = {_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()}
    stale = {name: (version, installed.get(name)) for name, version in _lock("dev").items()
             if installed.get(name) != version}
    assert not stale, f"locked vs installed (make install): {stale}"
    assert "psycopg2-binary" not in installed


def _stages() -> list[list[str]]:
    """The Dockerfile's stages, each a list of its instructions (continuations joined)."""
    text = re.sub(r"\s*\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    stages: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("FROM "):
            stages.append([])
        if line.strip() and not line.startswith("#") and stages:
            stages[-1].append(line.strip())
    return stages


def _commands(stage: list[str]) -> list[str]:
    runs = (line.removeprefix("RUN ") for line in stage if line.startswith("RUN "))
    return [command.strip() for run in runs for command in run.split("&&")]


def test_the_image_builds_the_runtime_lock_into_wheels_with_hashes():
    build = _stages()[0]
    assert len(_stages()) == 2
    assert any(line.startswith("COPY ") and "requirements/runtime.txt" in line for line in build)
    wheel = [command for command in _commands(build) if command.startswith("pip wheel ")]
    assert len(wheel) == 1
    words = wheel[0].split()
    assert "--require-hashes" in words
    assert words[words.index("-r") + 1] == "runtime.txt"
    assert words[words.index("--no-binary") + 1] == "psycopg2"
    assert "build-essential" in " ".join(build) and "libpq-dev" in " ".join(build)
    instructions = " ".join(line for stage in _stages() for line in stage)
    assert "dev.txt" not in instructions and "requirements.txt" not in instructions


def test_the_final_image_has_the_wheels_and_libpq_but_no_compiler():
    final = " ".join(_stages()[-1])
    installs = [command for command in _commands(_stages()[-1]) if "pip install" in command]
    assert len(installs) == 1
    assert "--no-index" in installs[0] and "/wheels/" in installs[0]
    assert "libpq5" in final.split()
    for package in ("build-essential", "gcc", "libpq-dev", "python3-dev"):
        assert package not in final.split(), package


def test_no_developer_files_enter_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {"var/", ".venv"} <= ignored


def test_make_install_installs_the_development_lock_with_hashes():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile.split("$(VENV)/.installed: ", 1)[1].split("\n\n", 1)[0]
    assert recipe.startswith("requirements/dev.txt")
    assert re.search(r"pip install [^\n]*--require-hashes \\\n\s*-r requirements/dev.txt", recipe)
    for path in ("Makefile", "Dockerfile", ".ci/run", "README.md"):
        assert "requirements.txt" not in (ROOT / path).read_text(), path
