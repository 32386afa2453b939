"""The package's import rules, read from the source with ``ast`` so they stay true.

Each folder is one part; a module may import its own part and the parts below it, never a
part above or beside it. Imports inside functions count as much as those at the top: a
deferred import still ties two parts together. Cycles are looked for among the imports that
run when a module loads (top level, outside ``if TYPE_CHECKING:``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = "pausepoint"
SRC = Path(__file__).resolve().parents[2] / "src" / PACKAGE

# Lowest first. The bottom (values, words, thresholds, protocols, the clock) is one layer: its
# modules may import each other. Parts sharing a rank above it are siblings: neither imports
# the other.
RANKS: dict[str, int] = {
    "": 0,  # the package itself (``__version__``)
    "errors": 0,
    "model": 0,
    "words": 0,
    "config": 0,
    "protocols": 0,  # the calibration protocols' TOML, beside the thresholds
    "clock": 0,
    "pipeline": 1,
    "cues": 1,  # the sounds, made from code: numbers in, WAV bytes out
    "couple": 2,
    "strap": 2,
    "sources": 3,
    "sessions": 4,
    "calibration": 4,
    "reports": 5,
    "ui": 6,
    "cli": 7,
}
BOTTOM_RANK = 0
QT = ("PySide6", "pyqtgraph", "qasync")
WALL_CLOCK = {
    "time": {"time", "time_ns", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns"},
    "datetime": {"now", "utcnow", "today"},
    "date": {"today"},
}


@dataclass(frozen=True)
class Import:
    """One module named by an import statement in ``source`` (a module of the package)."""

    source: str
    target: str
    line: int
    at_load: bool  # runs when the source module loads (top level, not under TYPE_CHECKING)

    def where(self) -> str:
        return f"{self.source}:{self.line} imports {self.target}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def part_of(module: str) -> str:
    """``pausepoint.pipeline.detector`` -> ``pipeline``; ``pausepoint`` -> ``""``."""
    names = module.split(".")
    return names[1] if len(names) > 1 else ""


def is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def resolve_from(module: str, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` names (relative imports resolved)."""
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports_in(module: str) -> Iterator[Import]:
    """Every module ``module`` imports, with whether the import runs at load time."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))

    def visit(node: ast.AST, at_load: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno, at_load)
        elif isinstance(node, ast.ImportFrom):
            target = resolve_from(module, node)
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                name = submodule if submodule in MODULES else target
                yield Import(module, name, node.lineno, at_load)
        elif isinstance(node, ast.If) and is_type_checking(node.test):
            for child in node.body:
                yield from visit(child, False)
            for child in node.orelse:
                yield from visit(child, at_load)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for child in ast.iter_child_nodes(node):
                yield from visit(child, False)
        else:
            for child in ast.iter_child_nodes(node):
                yield from visit(child, at_load)

    yield from visit(tree, True)


ALL_IMPORTS: list[Import] = list(
    dict.fromkeys(imp for module in MODULES for imp in imports_in(module))
)


def ours(target: str) -> bool:
    return target == PACKAGE or target.startswith(PACKAGE + ".")


def top(target: str) -> str:
    return target.split(".")[0]


def test_every_module_is_in_a_known_part() -> None:
    unknown = sorted(m for m in MODULES if part_of(m) not in RANKS)
    assert not unknown, f"modules outside the known parts (add the part to RANKS): {unknown}"


def may_import(source_part: str, target_part: str) -> bool:
    if source_part == target_part:
        return True
    source_rank, target_rank = RANKS[source_part], RANKS[target_part]
    if source_rank == target_rank == BOTTOM_RANK:
        return True
    return target_rank < source_rank


def test_may_import_reads_the_order() -> None:
    assert may_import("model", "config")
    assert may_import("couple", "pipeline")
    assert may_import("cli", "ui")
    assert not may_import("config", "pipeline")
    assert not may_import("couple", "strap")
    assert not may_import("ui", "cli")


def test_parts_import_only_their_own_part_and_parts_below() -> None:
    wrong = [
        imp.where()
        for imp in ALL_IMPORTS
        if ours(imp.target)
        and part_of(imp.target) in RANKS
        and part_of(imp.source) in RANKS
        and not may_import(part_of(imp.source), part_of(imp.target))
    ]
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_radio_is_run_by_the_strap_part_and_the_programs_only() -> None:
    """Sessions record what a source delivers; they do not run Bluetooth themselves."""
    users = {"strap", "ui", "cli"}
    wrong = [
        imp.where()
        for imp in ALL_IMPORTS
        if part_of(imp.source) not in users
        and (top(imp.target) == "bleak" or imp.target == f"{PACKAGE}.strap.ble")
    ]
    assert not wrong, "\n".join(wrong)


def test_cli_starts_the_ui_through_one_entry() -> None:
    entry = f"{PACKAGE}.ui.app"
    wrong = [
        imp.where()
        for imp in ALL_IMPORTS
        if part_of(imp.source) == "cli"
        and part_of(imp.target) == "ui"
        and imp.target != entry
        and ours(imp.target)
    ]
    assert not wrong, "\n".join(wrong)


def test_ui_never_imports_the_cli() -> None:
    wrong = [
        imp.where()
        for imp in ALL_IMPORTS
        if part_of(imp.source) == "ui" and part_of(imp.target) == "cli" and ours(imp.target)
    ]
    assert not wrong, "\n".join(wrong)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative: the components with more than one module (or a self-loop)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = counter
                    counter += 1
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph[succ]))))
                    advanced = True
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    found.append(sorted(component))
    return found


def test_strongly_connected_finds_a_cycle_and_nothing_else() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}, "f": set()}
    assert sorted(strongly_connected(graph)) == [["a", "b", "c"], ["e"]]


def test_no_import_cycles_between_modules() -> None:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for imp in ALL_IMPORTS:
        if imp.at_load and imp.target in MODULES and imp.target != imp.source:
            graph[imp.source].add(imp.target)
    cycles = strongly_connected(graph)
    assert not cycles, "modules importing each other at load time:\n" + "\n".join(
        " <-> ".join(c) for c in cycles
    )


QT_FREE_MODELS = sorted(m for m in MODULES if part_of(m) == "ui" and m.endswith("_model"))


def test_there_are_qt_free_models_to_check() -> None:
    assert QT_FREE_MODELS


@pytest.mark.parametrize("module", QT_FREE_MODELS)
def test_ui_models_import_no_qt(module: str) -> None:
    wrong = [imp.where() for imp in ALL_IMPORTS if imp.source == module and top(imp.target) in QT]
    assert not wrong, "\n".join(wrong)


def test_parts_below_the_ui_import_no_qt() -> None:
    wrong = [
        imp.where()
        for imp in ALL_IMPORTS
        if RANKS.get(part_of(imp.source), 0) < RANKS["ui"] and top(imp.target) in QT
    ]
    assert not wrong, "\n".join(wrong)


PIPELINE = sorted(m for m in MODULES if part_of(m) == "pipeline")


def test_pipeline_imports_no_event_loop_qt_or_radio() -> None:
    banned = {"asyncio", "bleak", *QT}
    wrong = [
        imp.where()
        for imp in ALL_IMPORTS
        if imp.source in PIPELINE and (top(imp.target) in banned or imp.target.endswith(".ble"))
    ]
    assert not wrong, "\n".join(wrong)


def wall_clock_uses(name: str, source: str) -> Iterator[str]:
    """``time.monotonic``, ``datetime.now``, ``from time import time``: reads of the wall clock."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in WALL_CLOCK.get(
            getattr(node.value, "id", getattr(node.value, "attr", "")), set()
        ):
            yield f"{name}:{node.lineno} uses {ast.unparse(node)}"
        elif isinstance(node, ast.ImportFrom) and node.module in WALL_CLOCK:
            for alias in node.names:
                if alias.name in WALL_CLOCK[node.module]:
                    yield f"{name}:{node.lineno} imports {node.module}.{alias.name}"


def test_wall_clock_uses_are_found() -> None:
    """The clock check itself: each form it must catch, and a session-time read it must not."""
    sample = (
        "import time, datetime\n"
        "from time import monotonic\n"
        "t = time.time()\n"
        "d = datetime.datetime.now()\n"
        "clock = time.monotonic\n"
        "t_s = sample.time\n"
    )
    assert sorted(wall_clock_uses("m", sample)) == [
        "m:2 imports time.monotonic",
        "m:3 uses time.time",
        "m:4 uses datetime.datetime.now",
        "m:5 uses time.monotonic",
    ]


def test_pipeline_never_reads_the_wall_clock() -> None:
    wrong = [
        use
        for module in PIPELINE
        for use in wall_clock_uses(module, MODULES[module].read_text(encoding="utf-8"))
    ]
    assert not wrong, "the pipeline is clock-free; time comes with the samples:\n" + "\n".join(
        wrong
    )
