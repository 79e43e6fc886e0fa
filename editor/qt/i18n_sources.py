"""The translatable strings of the Qt layer and the ``.ts`` catalogue that holds them.

    python -m editor.qt.i18n_sources update resources/i18n/lightbox_zh_CN.ts [FILE.py...]
    python -m editor.qt.i18n_sources check  resources/i18n/lightbox_zh_CN.ts [FILE.py...]

Why not ``pyside6-lupdate`` alone: its Python parser files a module's own
``tr = lambda text: QCoreApplication.translate("Ctx", text)`` helper calls under a context
of its guess (``""``, ``self.window``, the enclosing class), and it cannot see the canvas
tools' ``label``/``hint`` class attributes that ``Tool.title()`` translates. This extractor
reads the AST and files each string under the context Qt asks for at run time:

* ``self.tr("…")`` in class ``C``: ``C`` and every class of ``editor/qt`` derived from it
  (PySide's ``tr`` uses ``type(self).__name__``, so a mixin's strings are asked for under
  the window's class);
* ``X.translate("Ctx", "…")``, and calls of a module-level helper whose body is
  ``QCoreApplication.translate("Ctx", text)``: ``Ctx``;
* ``window.tr("…")`` / ``self.window.tr("…")``: ``MainWindow``;
* ``label = "…"`` / ``hint = "…"`` in a class body under ``editor/qt/tools``: ``Tool``.

``update`` merges: existing translations are kept, a new string whose English text is
already translated elsewhere starts with that translation, strings no longer in the sources
stay as ``vanished`` (lrelease skips them) so no translator's work is lost. The runtime
(:mod:`editor.qt.i18n`) also matches by English text alone, for any call whose context
cannot be known statically.
"""

from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from editor.paths import ROOT

QT_SOURCES = ROOT / "editor" / "qt"
TOOL_ATTRIBUTES = ("label", "hint")


@dataclass(frozen=True, order=True)
class Message:
    context: str
    source: str


@dataclass
class Extraction:
    messages: dict[Message, set[str]] = field(default_factory=dict)  # -> files
    #: "file:line: call" for tr() calls whose text is not a literal (cannot be translated)
    dynamic: list[str] = field(default_factory=list)

    def add(self, context: str, source: str, filename: str) -> None:
        self.messages.setdefault(Message(context, source), set()).add(filename)


def qt_source_files(root: Path = QT_SOURCES) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def extract(files: Iterable[Path], base: Path = ROOT) -> Extraction:
    """Every translatable string of ``files`` with the context Qt will ask for."""
    trees = {}
    for path in files:
        trees[path] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    subclasses = _subclasses(trees.values())
    own = {_module_name(path, base): _wrappers(tree) for path, tree in trees.items()}
    found = Extraction()
    for path, tree in trees.items():
        name = _relative(path, base)
        wrappers = {**_imported_wrappers(tree, own), **own[_module_name(path, base)]}
        _Visitor(name, wrappers, subclasses, "tools" in path.parts, found).visit(tree)
    return found


def _module_name(path: Path, base: Path) -> str:
    return _relative(path, base).removesuffix(".py").replace("/", ".")


def _imported_wrappers(tree: ast.Module, own: dict[str, dict[str, str]]) -> dict[str, str]:
    """Helpers imported from another module (``from editor.qt.tools.brush import tr``)."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module in own:
            for alias in node.names:
                if alias.name in own[node.module]:
                    found[alias.asname or alias.name] = own[node.module][alias.name]
    return found


class _Visitor(ast.NodeVisitor):
    def __init__(self, filename: str, wrappers: dict[str, str],
                 subclasses: dict[str, set[str]], tools: bool, found: Extraction) -> None:
        self.filename = filename
        self.wrappers = wrappers
        self.subclasses = subclasses
        self.tools = tools
        self.found = found
        self.classes: list[str] = []
        self.aliases: dict[str, list[str]] = {}

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: N802 - ast API
        if self.tools:
            for stmt in node.body:
                target = _assigned_name(stmt)
                text = _literal(getattr(stmt, "value", None))
                if target in TOOL_ATTRIBUTES and text:
                    self.found.add("Tool", text, self.filename)
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Assign(self, node: ast.Assign) -> None:  # noqa: N802 - ast API
        # a local alias: ``tr = window.tr``
        value = node.value
        if (len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                and isinstance(value, ast.Attribute) and value.attr == "tr"):
            self.aliases[node.targets[0].id] = self._tr_contexts(value.value)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802 - ast API
        func = node.func
        if isinstance(func, ast.Name) and func.id in self.aliases and node.args:
            self._text_call(node, self.aliases[func.id])
            self.generic_visit(node)
            return
        if isinstance(func, ast.Attribute) and func.attr == "translate" and len(node.args) >= 2:
            context, text = _literal(node.args[0]), _literal(node.args[1])
            if context is not None and text:
                self.found.add(context, text, self.filename)
            elif context is not None and not _is_passthrough(node.args[1]):
                self._dynamic(node)
        elif isinstance(func, ast.Name) and func.id in self.wrappers and node.args:
            self._text_call(node, [self.wrappers[func.id]])
        elif isinstance(func, ast.Attribute) and func.attr == "tr" and node.args:
            self._text_call(node, self._tr_contexts(func.value))
        self.generic_visit(node)

    def _tr_contexts(self, owner: ast.expr) -> list[str]:
        dotted = ast.unparse(owner)
        if dotted in {"window", "self.window", "self._window"}:
            return ["MainWindow"]
        if not self.classes:
            return [""]
        cls = self.classes[-1]
        if dotted in {"self", "cls"}:
            return [cls, *sorted(self.subclasses.get(cls, ()))]
        return [cls]

    def _text_call(self, node: ast.Call, contexts: list[str]) -> None:
        text = _literal(node.args[0])
        if text:
            for context in contexts:
                self.found.add(context, text, self.filename)
        elif not _is_passthrough(node.args[0]):
            self._dynamic(node)

    def _dynamic(self, node: ast.Call) -> None:
        self.found.dynamic.append(f"{self.filename}:{node.lineno}: {ast.unparse(node)[:80]}")


def _wrappers(tree: ast.Module) -> dict[str, str]:
    """Module-level helpers ``def tr(text): return QCoreApplication.translate("Ctx", text)``."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.body:
            last = node.body[-1]
            call = last.value if isinstance(last, ast.Return) else None
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "translate" and len(call.args) >= 2
                    and _literal(call.args[0]) is not None):
                found[node.name] = _literal(call.args[0])
    return found


def _subclasses(trees: Iterable[ast.Module]) -> dict[str, set[str]]:
    """class name -> names of every class (transitively) derived from it."""
    direct: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for base in node.bases:
                    name = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", "")
                    if name:
                        direct.setdefault(name, set()).add(node.name)
    closed: dict[str, set[str]] = {}
    for name in direct:
        seen: set[str] = set()
        todo = list(direct[name])
        while todo:
            child = todo.pop()
            if child not in seen:
                seen.add(child)
                todo.extend(direct.get(child, ()))
        closed[name] = seen
    return closed


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_passthrough(node: ast.AST) -> bool:
    """A helper's own parameter (``translate("Ctx", text)`` inside ``def tr(text)``), or a
    tool's class attribute: the strings themselves are found elsewhere."""
    return isinstance(node, ast.Name | ast.Attribute | ast.BoolOp)


def _assigned_name(stmt: ast.stmt) -> str | None:
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
    elif isinstance(stmt, ast.AnnAssign):
        target = stmt.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


# -- the .ts file ---------------------------------------------------------------------------
@dataclass
class Entry:
    translation: str = ""
    finished: bool = False
    vanished: bool = False
    files: set[str] = field(default_factory=set)


def read_ts(path: Path) -> dict[Message, Entry]:
    """The messages of a Qt Linguist ``.ts`` file (empty when there is none)."""
    if not path.is_file():
        return {}
    entries = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            kind = translation.get("type", "") if translation is not None else "unfinished"
            text = ""
            if translation is not None:
                # a numerus message (``%n``) holds its text in <numerusform>; Chinese has one
                text = translation.findtext("numerusform") or translation.text or ""
            entries[Message(name, message.findtext("source") or "")] = Entry(
                translation=text,
                finished=kind == "", vanished=kind in {"vanished", "obsolete"},
                files={loc.get("filename", "").removeprefix("../../")
                       for loc in message.iter("location")})
    return entries


def merge(old: dict[Message, Entry], found: Extraction) -> dict[Message, Entry]:
    """The catalogue for ``found``, keeping every translation of ``old``."""
    known = {m.source: e.translation for m, e in old.items() if e.finished and e.translation}
    merged = {}
    for message, files in found.messages.items():
        entry = old.get(message)
        if entry is not None and entry.translation:
            merged[message] = Entry(entry.translation, entry.finished, False, set(files))
        elif message.source in known:
            merged[message] = Entry(known[message.source], True, False, set(files))
        else:
            merged[message] = Entry(files=set(files))
    for message, entry in old.items():
        if message not in merged and entry.translation:
            merged[message] = Entry(entry.translation, entry.finished, True, set())
    return merged


def write_ts(path: Path, entries: dict[Message, Entry], language: str) -> None:
    """Write ``entries`` as a ``.ts`` file (sorted, so diffs stay small)."""
    root = ET.Element("TS", version="2.1", language=language, sourcelanguage="en")
    by_context: dict[str, list[Message]] = {}
    for message in sorted(entries):
        by_context.setdefault(message.context, []).append(message)
    for name, messages in by_context.items():
        context = ET.SubElement(root, "context")
        ET.SubElement(context, "name").text = name
        for message in messages:
            entry = entries[message]
            node = ET.SubElement(context, "message")
            for filename in sorted(entry.files):
                ET.SubElement(node, "location", filename=f"../../{filename}")
            ET.SubElement(node, "source").text = message.source
            translation = ET.SubElement(node, "translation")
            if "%n" in message.source:
                node.set("numerus", "yes")
                ET.SubElement(translation, "numerusform").text = entry.translation
            else:
                translation.text = entry.translation
            if entry.vanished:
                translation.set("type", "vanished")
            elif not entry.finished:
                translation.set("type", "unfinished")
    ET.indent(root, space="    ")
    body = ET.tostring(root, encoding="unicode")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                    encoding="utf-8")


def missing(entries: dict[Message, Entry], found: Extraction) -> list[Message]:
    """Strings of the sources that the catalogue lacks (or only holds as vanished)."""
    return sorted(m for m in found.messages if m not in entries or entries[m].vanished)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in {"update", "check"}:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    ts = Path(argv[1])
    files = [Path(a) for a in argv[2:]] or qt_source_files()
    found = extract(files)
    old = read_ts(ts)
    if argv[0] == "check":
        lacking = missing(old, found)
        for message in lacking:
            print(f"{ts}: no entry for [{message.context}] {message.source!r}")
        return 1 if lacking else 0
    merged = merge(old, found)
    language = ts.stem.split("_", 1)[1] if "_" in ts.stem else ""
    write_ts(ts, merged, language)
    live = [e for e in merged.values() if not e.vanished]
    done = sum(e.finished for e in live)
    print(f"{ts}: {len(live)} strings, {done} translated, {len(live) - done} to do, "
          f"{len(merged) - len(live)} vanished")
    for line in found.dynamic:
        print(f"not translatable (text is not a literal): {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
