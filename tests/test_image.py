"""What the production image ships, read from the Dockerfile without building it (Docker
may not run where the tests run): every Russian catalogue in the tree is compiled, and
only the runtime lock is installed (tests/test_dependencies.py checks what it holds)."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
COMPILE_SCRIPT = "bin/compile-messages"
# Local state, never part of the image (.dockerignore) nor of the code.
NOT_CODE = {".venv", "venv", "var", "node_modules", ".git"}


def catalogue_dirs() -> set[Path]:
    """Every `locale` folder holding a `<lang>/LC_MESSAGES/django.po`, relative to ROOT."""
    found = set()
    for top, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in NOT_CODE]
        if "django.po" in files and Path(top).name == "LC_MESSAGES":
            found.add(Path(top).parent.parent.relative_to(ROOT))
    return found


def dockerfile_runs(text: str) -> list[str]:
    """The RUN instructions, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", text)
    return [line[4:].strip() for line in joined.splitlines() if line.startswith("RUN ")]


def loop_globs(shell: str) -> list[str]:
    """The words of each `for dir in <words>; do ... pybabel compile ...` loop."""
    globs = []
    for match in re.finditer(r"\bfor\s+\w+\s+in\s+([^;\n]+?)\s*;\s*do\b(.*?)\bdone\b", shell, re.S):
        if "pybabel compile" in match.group(2):
            globs += shlex.split(match.group(1))
    return globs


def image_compile_globs() -> list[str]:
    """The folder globs the image's build compiles catalogues in: loops written in the
    Dockerfile's RUN lines and loops of the compile script those lines run."""
    globs = []
    for run in dockerfile_runs(DOCKERFILE.read_text()):
        globs += loop_globs(run)
        if COMPILE_SCRIPT in run:
            globs += loop_globs((ROOT / COMPILE_SCRIPT).read_text())
    return globs


def expand(globs: list[str]) -> set[Path]:
    return {
        path.relative_to(ROOT) for pattern in globs for path in ROOT.glob(pattern) if path.is_dir()
    }


def test_the_tree_has_catalogues_at_every_depth():
    # Guards the test below against a walk that finds nothing.
    found = catalogue_dirs()
    assert {Path("locale"), Path("kb/locale"), Path("intranet/audit/locale")} <= found
    assert Path("cases/quality/locale") in found


def test_image_compiles_every_catalogue():
    globs = image_compile_globs()
    assert globs, "no `pybabel compile` loop found in the Dockerfile or bin/compile-messages"
    missing = catalogue_dirs() - expand(globs)
    assert not missing, (
        f"the image's build compiles {globs} and misses {sorted(map(str, missing))}: "
        "their Russian messages would show in English in production"
    )


def test_make_messages_runs_the_same_script_as_the_image():
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^messages:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    assert COMPILE_SCRIPT in recipe
    assert "pybabel" not in recipe  # no loop of its own
    runs = dockerfile_runs(DOCKERFILE.read_text())
    assert any(f"sh {COMPILE_SCRIPT}" in run for run in runs)
    # The script runs after the code (and so the .po files) is copied in.
    text = DOCKERFILE.read_text()
    assert text.index("COPY . .") < text.index(COMPILE_SCRIPT)
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert not {"bin", "bin/", "*.po", "**/*.po", "locale"} & set(ignored)


def test_image_installs_the_runtime_lock_only():
    installs = [run for run in dockerfile_runs(DOCKERFILE.read_text()) if "pip install" in run]
    assert installs, "the Dockerfile installs nothing"
    for run in installs:
        words = shlex.split(run)
        requirement_files = [words[i + 1] for i, word in enumerate(words) if word == "-r"]
        assert requirement_files == ["requirements.lock"], run
        assert not re.search(r"requirements-dev|\.\[|\[test\]|pytest|playwright", run), run
    copies = [line for line in DOCKERFILE.read_text().splitlines() if line.startswith("COPY ")]
    assert "COPY requirements.lock ./" in copies
    assert not any("requirements-dev" in line for line in copies)
