"""Finding 9: pyproject.toml is the one list of dependencies, and the set-up installs from it."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PINNED = re.compile(r"^[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.]*$")


def test_pyproject_is_the_one_pinned_list_of_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    app = project["project"]["dependencies"]
    dev = project["dependency-groups"]["dev"]
    assert all(PINNED.match(requirement) for requirement in app + dev), app + dev
    names = {requirement.split("==")[0].split("[")[0].lower() for requirement in app}
    assert {"django", "weasyprint", "segno", "django-tasks-db", "django-axes", "rapidfuzz"} <= names
    assert {"pytest", "pytest-django"} <= {requirement.split("==")[0] for requirement in dev}
    assert not list(ROOT.glob("requirements*.txt"))


def test_the_set_up_installs_what_pyproject_lists():
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "pyproject.toml" in setup and "requirements" not in setup
