"""The package's shape (docs/architecture.md): folders are the stages, upper folders import lower ones
only, and no module imports itself back through others. Imports are read with `ast`, so one made
inside a function (to start quicker) counts as much as one at the top."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "showcase"
# Lowest first: a folder may import its own modules and those of the folders before it.
LAYERS = ("common", "source", "site", "office", "engine", "commands")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, known: set[str]) -> set[str]:
    """The package's modules `path` imports (`from showcase.x import y` names module x.y when there is one)."""
    found = set()
    own_package = module_name(path).rpartition(".")[0] if path.name != "__init__.py" else module_name(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name in known}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = own_package.split(".")[: len(own_package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    found.add(f"{base}.{alias.name}")
                elif base in known:
                    found.add(base)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(path) for path in paths}
    graph = {module_name(path): imported_modules(path, known) for path in paths}
    graph["build"] = imported_modules(ROOT / "build.py", known)
    return graph


def layer(module: str) -> int:
    if module == "build":
        return len(LAYERS)
    parts = module.split(".")
    assert len(parts) >= 2 and parts[1] in LAYERS, f"{module} is in no stage folder ({', '.join(LAYERS)})"
    return LAYERS.index(parts[1])


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_every_module_sits_in_a_stage_folder():
    for module in import_graph():
        if module not in ("build", "showcase"):
            layer(module)


def test_upper_folders_import_lower_ones_only():
    wrong = sorted(f"{source} → {target}" for source, targets in import_graph().items() for target in targets
                   if target != "showcase" and layer(target) > layer(source))
    assert not wrong, "imports against the layers " + " > ".join(reversed(LAYERS)) + ":\n" + "\n".join(wrong)


def test_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_the_checks_can_fail():
    """The graph is read for real: a known import is found, and a made-up cycle and layer breach are caught."""
    graph = import_graph()
    assert "showcase.common.config" in graph["showcase.source.validate"]
    assert find_cycle({**graph, "showcase.common.text": {"showcase.engine.pipeline"}}) is not None
    assert layer("showcase.engine.pipeline") > layer("showcase.source.reader")


def test_the_pipeline_only_wires_and_fits_on_one_screen():
    """pipeline.build calls the stages and the engine; the machinery (caches, processes, spools) is not in it."""
    import inspect

    from showcase.engine import pipeline

    source = inspect.getsource(pipeline.build)
    body = source[source.index('"""', source.index('"""') + 3) + 3:]
    assert len([line for line in body.splitlines() if line.strip()]) <= 40
    machinery = ("multiprocessing", "ThreadPool", "tempfile", "PageManifest", "ProfileCache", "fork", "spool", "gc.")
    assert not [word for word in machinery if word in inspect.getsource(pipeline)]
