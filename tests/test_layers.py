"""Imports point down only: db <- crawler <- monitor <- dashboards, with the CLI (disclosure) on top."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

ALLOWED = {
    "db": set(),
    "crawler": {"db"},
    "monitor": {"crawler", "db"},
    "dashboards": {"monitor", "crawler", "db"},
    "demo": {"monitor", "crawler", "db"},
    "disclosure": {"dashboards", "monitor", "crawler", "db", "demo"},
}


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(top-level package, line, at module level) for every absolute import in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    for node in tree.body:  # imports under `if TYPE_CHECKING:` count as module level
        if isinstance(node, ast.If):
            top_level.update(id(child) for child in node.body)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name.split(".")[0], node.lineno, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module.split(".")[0], node.lineno, id(node) in top_level))
    return out


def test_imports_point_down_and_sit_at_module_level() -> None:
    problems = []
    for package, allowed in ALLOWED.items():
        for path in sorted((REPO / package).rglob("*.py")):
            for target, line, module_level in _imports(path):
                if target in ALLOWED and target != package:
                    where = f"{path.relative_to(REPO)}:{line}"
                    if target not in allowed:
                        problems.append(f"{where} imports {target}, above {package}")
                    elif not module_level:
                        problems.append(f"{where} imports {target} inside a function")
    assert problems == []


def test_scrapy_project_loads_from_the_repository_root() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
