"""The two locks: requirements.lock is what the application needs to run (and all the
production image installs), requirements-dev.lock adds the test and lint tools.
The split is checked against the installed packages' own metadata, not a list kept by
hand: the runtime lock is exactly the dependency closure of pyproject.toml's
`[project] dependencies`, the development lock exactly what its `test` extra adds."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# Code that runs in production (bench/ and tests/ are development).
RUNTIME_CODE = ("intranet", "kb", "cases", "search", "manage.py", "gunicorn.conf.py")
FIRST_PARTY = {"intranet", "kb", "cases", "search"}
# Tools that must never reach the production image.
DEVELOPMENT_TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "playwright",
    "axe-playwright-python",
    "hypothesis",
    "schemathesis",
    "aiosmtpd",
    "faker",
    "factory-boy",
    "wagtail-factories",
    "ruff",
}
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s=;#]+)$")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_lines(path: Path) -> list[str]:
    return [
        line.strip()
        for line in path.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]


def pins(path: Path) -> dict[str, str]:
    """{canonical name: version} of a lock's own lines (not of the files it includes)."""
    found = {}
    for line in lock_lines(path):
        if line.startswith("-r "):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: {line!r} is not pinned as name==version"
        name = canonical(match["name"])
        assert name not in found, f"{path.name} pins {name} twice"
        found[name] = match["version"]
    return found


def closure(requirements: list[str]) -> set[str]:
    """Canonical names of the requirements and everything they need, extras included,
    as the installed distributions declare it for this interpreter."""
    seen: dict[str, set[str]] = {}
    todo = [Requirement(line) for line in requirements]
    while todo:
        requirement = todo.pop()
        name = canonical(requirement.name)
        extras = set(requirement.extras)
        if name in seen and extras <= seen[name]:
            continue
        seen[name] = seen.get(name, set()) | extras
        for line in metadata.distribution(name).requires or []:
            needed = Requirement(line)
            environments = [{"extra": extra} for extra in ("", *seen[name])]
            if needed.marker is None or any(needed.marker.evaluate(e) for e in environments):
                todo.append(needed)
    return set(seen)


def test_every_line_is_an_exact_pin():
    assert pins(RUNTIME_LOCK)
    assert pins(DEV_LOCK)
    assert not [line for line in lock_lines(RUNTIME_LOCK) if line.startswith("-")]


def test_the_development_lock_adds_to_the_runtime_lock():
    assert lock_lines(DEV_LOCK)[0] == "-r requirements.lock"
    assert [line for line in lock_lines(DEV_LOCK) if line.startswith("-")] == [
        "-r requirements.lock"
    ]
    both = set(pins(RUNTIME_LOCK)) & set(pins(DEV_LOCK))
    assert not both, f"pinned in both locks: {sorted(both)}"


def test_no_development_tool_in_the_runtime_lock():
    runtime = set(pins(RUNTIME_LOCK))
    assert not runtime & DEVELOPMENT_TOOLS
    assert set(pins(DEV_LOCK)) >= DEVELOPMENT_TOOLS


def test_the_locks_are_what_is_installed():
    """The environment the tests run in (make install: the development lock) has every
    pinned package at its pinned version, so the split changed no version."""
    missing, other = [], []
    for name, version in {**pins(RUNTIME_LOCK), **pins(DEV_LOCK)}.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if installed != version:
            other.append(f"{name}=={version} (installed {installed})")
    assert not missing and not other, (missing, other)


def test_runtime_lock_is_the_closure_of_the_project_dependencies():
    needed = closure(PYPROJECT["project"]["dependencies"])
    runtime = set(pins(RUNTIME_LOCK))
    assert not needed - runtime, f"needed at runtime, not in requirements.lock: {needed - runtime}"
    assert not runtime - needed, f"in requirements.lock, needed by nothing: {runtime - needed}"


def test_development_lock_is_what_the_test_extra_adds():
    test_extra = PYPROJECT["project"]["optional-dependencies"]["test"]
    runtime = set(pins(RUNTIME_LOCK))
    dev = set(pins(DEV_LOCK))
    # Every tool the extra names is locked (PyYAML in the runtime lock: drf-spectacular).
    named = {canonical(Requirement(line).name) for line in test_extra}
    assert not named - (runtime | dev), named - (runtime | dev)
    adds = closure(test_extra) - runtime
    assert adds == dev, (
        f"missing from requirements-dev.lock: {sorted(adds - dev)}; "
        f"needed by nothing: {sorted(dev - adds)}"
    )


def imported_distributions(paths: list[Path]) -> dict[str, set[str]]:
    """{distribution: files} of the third-party top-level imports in the files."""
    providers = metadata.packages_distributions()
    found: dict[str, set[str]] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top in sys.stdlib_module_names or top in FIRST_PARTY:
                    continue
                for distribution in providers.get(top, [f"<unknown: {top}>"]):
                    found.setdefault(canonical(distribution), set()).add(
                        str(path.relative_to(ROOT))
                    )
    return found


def test_runtime_code_imports_only_runtime_packages():
    paths = []
    for name in RUNTIME_CODE:
        path = ROOT / name
        paths += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    imported = imported_distributions(paths)
    assert "django" in imported and "wagtail" in imported  # the scan sees imports
    outside = {name: files for name, files in imported.items() if name not in pins(RUNTIME_LOCK)}
    assert not outside, f"runtime code imports packages outside requirements.lock: {outside}"
