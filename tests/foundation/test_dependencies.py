"""The hashed locks install exactly what the requirements files ask for.

`make` installs from requirements*.lock only; a pin edited in a .txt file without
`make lock` would silently not be installed. This catches that before CI installs.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?==([^\s;#\\]+)", re.MULTILINE)


def pins(path: Path) -> dict[str, str]:
    return {
        re.sub(r"[-_.]+", "-", name).lower(): version
        for name, version in PIN.findall(path.read_text())
    }


@pytest.mark.parametrize(
    ("wanted", "lock"),
    [
        ("requirements.txt", "requirements.lock"),
        ("requirements-dev.txt", "requirements-dev.lock"),
    ],
)
def test_every_pinned_requirement_is_in_its_lock_at_the_same_version(wanted, lock):
    locked = pins(ROOT / lock)
    assert locked, f"{lock} holds no pins"
    if wanted == "requirements-dev.txt":  # it includes the runtime set with -r
        required = pins(ROOT / "requirements.txt") | pins(ROOT / wanted)
    else:
        required = pins(ROOT / wanted)
    stale = {
        name: (version, locked.get(name))
        for name, version in required.items()
        if locked.get(name) != version
    }
    assert stale == {}, f"run `make lock`: {lock} disagrees with {wanted} on {stale}"
