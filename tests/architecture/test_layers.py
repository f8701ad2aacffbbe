"""Imports run one way (README, Architecture; DESIGN.md §3): an app imports only apps below it, and
siblings never import each other. Read from the source (every import, also inside functions), so a
wrong-way import fails here even when it would happen to work."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Low to high. Apps on one level are siblings.
LAYERS = [
    {"accounts"},
    {"liaison_points"},
    {"guards"},
    {"rewards"},
    {"training"},
    {"assessments"},
    {"patrol", "disputes"},
    {"bulletins"},
]
LEVEL = {app: i for i, apps in enumerate(LAYERS) for app in apps}
# config holds no domain code: it may import no app, except the modules that wire every app together.
CONFIG_WIRING = {
    "config/urls.py", "config/page_urls.py", "config/api_router.py", "config/api_urls.py", "config/admin_site.py",
    "config/views.py",  # the home page sends each role to its start page
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _violations() -> list[str]:
    wrong = []
    for app, level in LEVEL.items():
        for path in _modules(app):
            for imported in _imports(path) & LEVEL.keys():
                if imported == app:
                    continue
                if LEVEL[imported] > level:
                    wrong.append(f"{path.relative_to(ROOT)} imports {imported}, which is above {app}")
                elif LEVEL[imported] == level:
                    wrong.append(f"{path.relative_to(ROOT)} imports its sibling {imported}")
    for path in _modules("config"):
        rel = str(path.relative_to(ROOT))
        if rel in CONFIG_WIRING:
            continue
        for imported in _imports(path) & LEVEL.keys():
            wrong.append(f"{rel} imports {imported}: config holds no domain code")
    return wrong


def test_imports_run_one_way():
    assert _violations() == []


def test_every_app_has_a_place_in_the_order():
    from django.conf import settings

    ours = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
    assert sorted(ours) == sorted(LEVEL)


@pytest.mark.parametrize("source, expected", [
    ("from training.models import TrainingRoster", {"training"}),
    ("def f():\n    import bulletins.selectors", {"bulletins"}),
    ("from . import x", set()),
])
def test_the_check_sees_every_kind_of_import(tmp_path, source, expected):
    module = tmp_path / "m.py"
    module.write_text(source)
    assert _imports(module) == expected
