"""The import contract, checked with the standard library: layers only import downward.

The layers are the ``layers`` contract of ``[tool.importlinter]`` in pyproject.toml (what
``lint-imports`` checks), with app.py on top (import-linter takes packages only). Every .py file of the
layered packages is parsed; every import in it — at module level or inside a function, absolute or
relative — is resolved to the top-level package it reaches. A package may import itself and any
package of a lower layer; packages of one layer separated by ``|`` are independent of each other
(``:`` would let them import each other); nothing imports upward.
"""
from __future__ import annotations

import ast
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOP_MODULES = ("app",)  # single-module layers above the packages of the contract


def contract_layers(pyproject: Path = ROOT / "pyproject.toml") -> list[tuple[list[str], bool]]:
    """Layers top to bottom as (names, independent) from the import-linter ``layers`` contract."""
    cfg = tomllib.loads(pyproject.read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in cfg["contracts"] if c["type"] == "layers")
    out = [([m], True) for m in TOP_MODULES]
    for raw in contract["layers"]:
        sep = ":" if ":" in raw else "|"
        out.append(([n.strip() for n in raw.split(sep)], sep == "|"))
    return out


@dataclass(frozen=True)
class Edge:
    path: str  # file, relative to the root
    line: int
    source: str  # top-level package of the importing file
    target: str  # top-level package imported
    statement: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.source} → {self.target} ({self.statement})"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(tree: ast.AST, module: str, is_package: bool) -> list[tuple[int, str, str]]:
    """(line, absolute module, statement) of every import in a parsed file; relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, f"import {a.name}") for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                base = parts[:len(parts) - (node.level - 1)] if node.level > 1 else parts
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = ", ".join(a.name for a in node.names)
            out.append((node.lineno, target, f"from {'.' * node.level}{node.module or ''} import {names}"))
    return out


def source_files(root: Path, names: list[str]) -> list[Path]:
    files = []
    for name in names:
        if (root / name).is_dir():
            files += sorted(p for p in (root / name).rglob("*.py") if "__pycache__" not in p.parts)
        elif (root / f"{name}.py").is_file():
            files.append(root / f"{name}.py")
    return files


def forbidden_edges(root: Path, layers: list[tuple[list[str], bool]]) -> list[Edge]:
    """Imports that point up a layer, or across independent packages of one layer."""
    rank = {n: i for i, (names, _) in enumerate(layers) for n in names}
    independent = {n: ind for names, ind in layers for n in names}
    out = []
    for path in source_files(root, list(rank)):
        module = module_name(path, root)
        source = module.split(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, target_module, statement in imported_modules(tree, module, path.name == "__init__.py"):
            target = target_module.split(".")[0]
            if target not in rank or target == source:
                continue
            up = rank[target] < rank[source]
            across = rank[target] == rank[source] and independent[source]
            if up or across:
                out.append(Edge(str(path.relative_to(root)), line, source, target, statement))
    return out


# ---------------------------------------------------------------- the project
def test_the_contract_names_every_layered_package():
    names = [n for names, _ in contract_layers() for n in names]
    assert names == ["app", "ui", "evals", "assistant", "ingest", "store", "base"]
    assert all((ROOT / n).is_dir() or (ROOT / f"{n}.py").is_file() for n in names)


def test_layers_only_import_downward():
    layers = contract_layers()
    files = source_files(ROOT, [n for names, _ in layers for n in names])
    assert len(files) > 80  # the packages were found
    bad = forbidden_edges(ROOT, layers)
    assert not bad, "imports against the layers (pyproject.toml [tool.importlinter]):\n" + "\n".join(map(str, bad))


# ---------------------------------------------------------------- the checker itself
def _write(root: Path, rel: str, text: str = "") -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


def test_the_checker_finds_upward_sideways_and_late_imports(tmp_path):
    layers = [(["top"], True), (["left", "right"], True), (["bottom"], True)]
    for pkg in ("top", "left", "right", "bottom"):
        _write(tmp_path, f"{pkg}/__init__.py")
    _write(tmp_path, "top/a.py", "import left.x\nfrom bottom import y\nfrom . import b\n")  # all allowed
    _write(tmp_path, "left/sub/__init__.py", "from .. import x\nfrom ..x import q\n")  # relative, within left
    _write(tmp_path, "left/x.py", "from right.z import w\n")  # sideways: independent siblings
    _write(tmp_path, "right/z.py", "import os\n\nimport top.a as t\n")  # upward
    _write(tmp_path, "bottom/y.py", "def f():\n    import left.x\n")  # inside a function, upward
    found = {(e.path, e.line, e.source, e.target) for e in forbidden_edges(tmp_path, layers)}
    assert found == {("left/x.py", 1, "left", "right"), ("right/z.py", 3, "right", "top"),
                     ("bottom/y.py", 2, "bottom", "left")}
    # non-independent siblings (":") may import each other
    assert not [e for e in forbidden_edges(tmp_path, [(["top"], True), (["left", "right"], False), (["bottom"], True)])
                if e.target == "right"]


def test_relative_imports_resolve_to_their_package():
    tree = ast.parse("from . import a\nfrom .b import c\nfrom ..d import e\n")
    assert [m for _, m, _ in imported_modules(tree, "pkg.sub.mod", False)] == ["pkg.sub", "pkg.sub.b", "pkg.d"]
    assert [m for _, m, _ in imported_modules(tree, "pkg.sub", True)] == ["pkg.sub", "pkg.sub.b", "pkg.d"]
