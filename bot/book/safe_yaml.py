"""Safe YAML for quote files: compose nodes only (no tag is ever constructed, aliases are
refused rather than expanded), and read them against a schema, collecting every problem
as ``path:line: message`` instead of stopping at the first."""

from __future__ import annotations

import operator
from collections.abc import Sequence

import yaml

from bot.book.files import Problem

__all__ = ["Problem"]  # where it used to be defined; it needs no YAML

try:
    from yaml._yaml import CParser as _Parser  # libyaml: about ten times faster
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


class _Loader(_Parser, yaml.resolver.BaseResolver):
    """Composes nodes only. Every value in a quote file is text, so plain scalars are not
    resolved to ints, dates or booleans (resolving was half of the load time)."""

    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        yaml.resolver.BaseResolver.__init__(self)

    def resolve(self, kind: type[yaml.Node], value: object, implicit: object) -> str:
        # Called for every untagged node; the default tag of its kind is all we need.
        return _DEFAULT_TAGS[kind]

    # The resolver's walk down and up the tree (for yaml.add_path_resolver's tags, which
    # resolve() above never gives) is called twice for every node: nothing to do, so a
    # builtin that does nothing, in C, not a Python method (a sixth of composing).
    descend_resolver = staticmethod(operator.is_)  # type: ignore[assignment]  # (parent, index)
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]  # ()


PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
ALLOWED_TAGS = PLAIN_TAGS | {MAP_TAG, SEQ_TAG}
NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
_DEFAULT_TAGS: dict[type[yaml.Node], str] = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: SEQ_TAG,
    yaml.MappingNode: MAP_TAG,
}
NULL_WORDS = frozenset({"~", "null", "Null", "NULL"})


class Invalid(Exception):
    """A node that cannot be read as what the schema wants; already reported."""


class NodeReader:
    """Walks one file's node tree, collecting every problem instead of stopping at the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def report(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.path, line, message))

    def _visit(self, node: yaml.Node, what: str) -> None:
        if node.tag not in ALLOWED_TAGS:
            self.report(node, f"{what}: tag {node.tag!r} is not allowed")
            raise Invalid

    def mapping(
        self, node: yaml.Node, what: str, allowed: Sequence[str] | None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Keys to (key node, value node); unknown and duplicate keys are reported."""
        self._visit(node, what)
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} must be a mapping")
            raise Invalid
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            try:
                key = self.string(key_node, f"a key in {what}")
            except Invalid:
                continue
            if allowed is not None and key not in allowed:
                self.report(
                    key_node, f"unknown key {key!r} in {what} (expected: {', '.join(allowed)})"
                )
            elif key in out:
                self.report(key_node, f"duplicate key {key!r} in {what}")
            else:
                out[key] = (key_node, value_node)
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        self._visit(node, what)
        if not isinstance(node, yaml.SequenceNode):
            self.report(node, f"{what} must be a list")
            raise Invalid
        return list(node.value)

    def string(self, node: yaml.Node, what: str) -> str:
        self._visit(node, what)
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, f"{what} must be text")
            raise Invalid
        value = str(node.value).strip()
        plain_null = node.style is None and value in NULL_WORDS
        if node.tag == NULL_TAG or plain_null or not value:
            self.report(node, f"{what} is empty")
            raise Invalid
        return value

    def strings(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, str]]:
        if isinstance(node, yaml.ScalarNode) and (
            node.tag == NULL_TAG or (node.style is None and node.value in ("", *NULL_WORDS))
        ):
            return []
        out = []
        for item in self.sequence(node, what):
            try:
                out.append((item, self.string(item, f"an entry of {what}")))
            except Invalid:
                pass
        return out

    def table(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, root: yaml.Node
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """The file's ``key`` mapping (its entries by name), or none if it is missing or
        not a mapping (reported)."""
        try:
            return self.mapping(self.required(fields, key, root, "the file"), key, None)
        except Invalid:
            return {}

    def required(
        self,
        fields: dict[str, tuple[yaml.Node, yaml.Node]],
        key: str,
        where: yaml.Node,
        what: str,
    ) -> yaml.Node:
        if key not in fields:
            self.report(where, f"{what} is missing {key!r}")
            raise Invalid
        return fields[key][1]


def compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def events(text: str) -> list[yaml.Event]:
    loader = _Loader(text)
    try:
        events: list[yaml.Event] = []
        while loader.check_event():
            event = loader.get_event()
            if event is not None:
                events.append(event)
        return events
    finally:
        loader.dispose()


def event_line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 1
