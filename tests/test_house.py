"""The house stays easy to change: no module in docprep/ over 600 lines and no function over 60 (docstring
included). Rule declarations and TOML are data, not logic, and are not limited here."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "docprep"
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 60
MODULES = sorted(PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_module_is_at_most_600_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{_name(path)} has {lines} lines"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_functions_are_at_most_60_lines(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{_name(path)}: " + ", ".join(long)


LAYERS = ["core", "profiles", "analysis", "documents", "applications", "rules", "engine", "fix", "render",
          "interface"]
CORE = {"model", "errors", "i18n", "numbers", "paths", "atomic"}


def _layer(module: str) -> str:
    """docprep.X.Y -> its layer (docs/architecture.md)."""
    top = module.split(".")[1] if "." in module else "__init__"
    if top in ("api", "cli", "bundle", "web", "__init__", "__main__"):  # the public face, entry points, upload
        #                                                                  packages, the local web page
        return "interface"
    return "core" if top in CORE else top


def _top_level_imports(path: Path) -> list[str]:
    """Modules imported when `path` is imported (not those inside functions or `if TYPE_CHECKING:`)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if path.name != "__init__.py":
        package = package.rsplit(".", 1)[0]
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")[:len(package.split(".")) - node.level + 1]
            found.append(".".join(base + ([node.module] if node.module else [])))
    return found


@pytest.mark.parametrize("path", [p for p in MODULES if _layer(".".join(p.relative_to(PACKAGE.parent).with_suffix(
    "").parts)) != "core" or p.parent == PACKAGE], ids=_name)
def test_layers_import_only_from_the_layers_above(path):
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    own = LAYERS.index(_layer(module))
    below = [m for m in _top_level_imports(path) if m != "docprep" and LAYERS.index(_layer(m)) > own]
    assert not below, f"{_name(path)} ({_layer(module)}) imports from layers below it: {below}"


def test_every_package_ships_in_the_wheel():
    """A package missing from pyproject's list works in an editable install and is absent from a real one."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    root = PACKAGE.parent
    listed = set(tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(root).parts) for path in PACKAGE.rglob("__init__.py")}
    assert found - listed == set()
