"""The locks (requirements.txt, requirements-dev.txt) agree with the hand-edited lists
(requirements.in, requirements-dev.in): every direct dependency pinned at its version,
every entry hashed, the dev lock holding the runtime tree at the same versions.
Reads files only; `make lock` regenerates the locks."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_IN = ROOT / "requirements.in"
RUNTIME_LOCK = ROOT / "requirements.txt"
DEV_IN = ROOT / "requirements-dev.in"
DEV_LOCK = ROOT / "requirements-dev.txt"

# name, optional [extras], optional ==version
IN_LINE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:==\s*(?P<version>\S+))?\s*(?:;.*)?$")
LOCK_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)(?:\s*;[^\\]*)?$")
HASH = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def direct_pins(path):
    """{canonical name: version or None} of the requirement lines of a hand-edited .in file
    (options such as -r / -c are not requirements)."""
    pins = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        m = IN_LINE.match(line)
        assert m, f"{path.name}: cannot read {raw!r}"
        pins[canonical(m["name"])] = m["version"]
    return pins


def lock_entries(path):
    """[(canonical name, version, [hashes], text)] of a lock, continuation lines joined."""
    logical, current = [], ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            if current:
                logical.append(current)
                current = ""
            continue
        if line.endswith("\\"):
            current += line[:-1].strip() + " "
        else:
            logical.append(current + line)
            current = ""
    if current:
        logical.append(current)

    entries = []
    for text in logical:
        words = text.split()
        hashes = [w for w in words if w.startswith("--hash=")]
        head = " ".join(w for w in words if not w.startswith("--hash="))
        m = LOCK_ENTRY.match(head)
        assert m, f"{path.name}: not a pinned requirement: {text[:120]!r}"
        entries.append((canonical(m["name"]), m["version"], hashes, text))
    return entries


def lock_pins(path):
    pins = {}
    for name, version, _hashes, _text in lock_entries(path):
        assert name not in pins, f"{path.name}: {name} pinned twice"
        pins[name] = version
    return pins


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda p: p.name)
def test_every_lock_entry_is_pinned_and_hashed(lock):
    entries = lock_entries(lock)
    assert entries, f"{lock.name} is empty"
    for name, _version, hashes, text in entries:
        assert hashes, f"{lock.name}: {name} has no --hash"
        for h in hashes:
            assert HASH.match(h), f"{lock.name}: {name}: malformed {h!r}"
        assert not any(w.startswith("-") and not w.startswith("--hash=") for w in text.split()), (
            f"{lock.name}: {name}: unexpected option in {text[:120]!r}"
        )


@pytest.mark.parametrize(
    "source, lock",
    [(RUNTIME_IN, RUNTIME_LOCK), (DEV_IN, DEV_LOCK)],
    ids=["requirements", "requirements-dev"],
)
def test_every_direct_dependency_is_locked_at_its_pin(source, lock):
    wanted = direct_pins(source)
    assert wanted, f"{source.name} lists nothing"
    locked = lock_pins(lock)
    for name, version in wanted.items():
        assert name in locked, f"{name} ({source.name}) is missing from {lock.name}: run `make lock`"
        if version is not None:
            assert locked[name] == version, (
                f"{name}: {source.name} pins {version}, {lock.name} has {locked[name]}: run `make lock`"
            )


def test_direct_dependencies_are_pinned():
    for source in (RUNTIME_IN, DEV_IN):
        loose = [name for name, version in direct_pins(source).items() if version is None]
        assert not loose, f"{source.name}: pin these with ==: {', '.join(loose)}"


def test_dev_lock_holds_the_runtime_tree_at_the_same_versions():
    runtime, dev = lock_pins(RUNTIME_LOCK), lock_pins(DEV_LOCK)
    missing = sorted(set(runtime) - set(dev))
    assert not missing, f"{DEV_LOCK.name} lacks runtime packages: {', '.join(missing)}"
    differ = {n: (v, dev[n]) for n, v in runtime.items() if dev[n] != v}
    assert not differ, f"runtime versions differ between the locks (runtime, dev): {differ}"


def test_dev_lock_is_constrained_by_the_runtime_lock():
    text = DEV_IN.read_text(encoding="utf-8")
    assert re.search(r"^-r\s+requirements\.in\s*$", text, re.M)
    assert re.search(r"^-c\s+requirements\.txt\s*$", text, re.M)


@pytest.mark.parametrize("lock", [RUNTIME_LOCK, DEV_LOCK], ids=lambda p: p.name)
def test_locks_name_no_index_or_local_path(lock):
    for line in lock.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        assert not stripped.startswith(("--index-url", "--extra-index-url", "--find-links", "-f ", "-e ")), line
        assert "file:" not in stripped and "://" not in stripped, line
