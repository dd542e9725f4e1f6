"""The architecture's own rules, beside import-linter's layer contracts (pyproject.toml):
no import cycles anywhere in bot/ (those behind TYPE_CHECKING or inside functions too),
modules of a readable size, every package with a public surface, every module named in
docs/architecture.md, and a ``quotebot ask`` that imports only what it needs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
MAX_LINES = 250
CORE = ("book", "answers", "daily", "store", "curation")


def modules() -> list[Path]:
    return sorted(p for p in BOT.rglob("*.py") if "quotes" not in p.parts)


def cycles(imports: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm,
    iterative: the graph is small, but recursion limits are not the test's subject)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in sorted(imports):
        if start in index:
            continue
        work = [(start, iter(sorted(imports[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(imports.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_in_bot():
    # grimp reads every import statement: at module level, inside functions and behind
    # TYPE_CHECKING alike, so a cycle cannot hide in any of them.
    graph = grimp.build_graph("bot", include_external_packages=False)
    imports = {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    assert cycles(imports) == []


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_stay_readable(path: Path):
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines (at most {MAX_LINES})"


def test_every_package_has_a_documented_surface():
    for folder in sorted({p.parent for p in modules()}):
        init = folder / "__init__.py"
        assert init.is_file(), f"{folder.relative_to(ROOT)} is not a package"
        tree = ast.parse(init.read_text("utf-8"))
        assert ast.get_docstring(tree), f"{init.relative_to(ROOT)} says nothing of itself"
    for name in CORE:
        tree = ast.parse((BOT / name / "__init__.py").read_text("utf-8"))
        assigned = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        assert "__all__" in assigned, f"bot/{name}/__init__.py has no __all__"


def test_every_core_surface_name_resolves():
    for name in CORE:
        package = __import__(f"bot.{name}", fromlist=["__all__"])
        for exported in package.__all__:
            assert getattr(package, exported) is not None, f"bot.{name}.{exported}"


def test_every_module_is_named_in_the_architecture_doc():
    doc = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    missing = [str(p.relative_to(ROOT)) for p in modules() if str(p.relative_to(ROOT)) not in doc]
    assert missing == [], f"docs/architecture.md does not name {missing}"


@pytest.mark.system  # two processes: scripts/check runs it all the same
def test_ask_imports_only_what_it_needs(tmp_path: Path):
    # The process a user's shell runs, twice: the first may compile the book (and read
    # the YAML); the second opens it compiled and must import nothing else.
    script = (
        # What was there before the ask (a coverage measurer's imports) is not the ask's.
        "import sys, runpy; unwanted = sys.argv[1:]; there = set(sys.modules)\n"
        "sys.argv = ['quotebot', 'ask', 'jonze', 'editing']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    print(exc.code, sorted(m for m in set(sys.modules) - there\n"
        "        if m.split('.')[0] in unwanted\n"
        "        or m.startswith(('bot.daily', 'bot.store', 'bot.curation', 'bot.app'))\n"
        "        or m in ('bot.answers.catalogue', 'bot.answers.autocomplete')))\n"
    )
    unwanted = [
        "discord", "slack_bolt", "slack_sdk", "aiohttp", "yaml", "ruamel", "psycopg",
        "rapidfuzz", "cronsim", "logging", "shutil", "tempfile", "typing",
    ]  # fmt: skip
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script, *unwanted],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
