"""Load quote files into a QuoteBook, naming file and line for everything that is wrong.

Files are parsed with PyYAML's safe composer only: no tag is ever constructed, so
``!!python/object`` is an error rather than code, and aliases are refused rather than
expanded (a "billion laughs" file costs nothing).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot import limits
from bot.book import Director, Quote, QuoteBook, Source, Topic, normalise_key

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


_PLAIN_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp")
)
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_ALLOWED_TAGS = _PLAIN_TAGS | {_MAP_TAG, _SEQ_TAG}
_NULL_TAG = "tag:yaml.org,2002:null"
_STR_TAG = "tag:yaml.org,2002:str"
_DEFAULT_TAGS: dict[type[yaml.Node], str] = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: _SEQ_TAG,
    yaml.MappingNode: _MAP_TAG,
}
_NULL_WORDS = frozenset({"~", "null", "Null", "NULL"})

_FILE_KEYS = ("director", "command", "aliases", "sources", "topics", "quotes")
_SOURCE_KEYS = ("title", "venue", "date", "document", "url")
_QUOTE_KEYS = ("topic", "text", "context", "source")
_QUOTE_KEY_SET = frozenset(_QUOTE_KEYS)


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a quote file, as ``path:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class LoadResult:
    """The book made of every file that loaded cleanly, and the problems of the rest."""

    book: QuoteBook
    problems: tuple[Problem, ...]
    files: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class _Invalid(Exception):
    """A node that cannot be read as what the schema wants; already reported."""


class _FileReader:
    """Walks one file's node tree, collecting every problem instead of stopping at the first."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def report(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(Problem(self.path, line, message))

    def _visit(self, node: yaml.Node, what: str) -> None:
        if node.tag not in _ALLOWED_TAGS:
            self.report(node, f"{what}: tag {node.tag!r} is not allowed")
            raise _Invalid

    def mapping(
        self, node: yaml.Node, what: str, allowed: Sequence[str] | None
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Keys to (key node, value node); unknown and duplicate keys are reported."""
        self._visit(node, what)
        if not isinstance(node, yaml.MappingNode):
            self.report(node, f"{what} must be a mapping")
            raise _Invalid
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            try:
                key = self.string(key_node, f"a key in {what}")
            except _Invalid:
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
            raise _Invalid
        return list(node.value)

    def string(self, node: yaml.Node, what: str) -> str:
        self._visit(node, what)
        if not isinstance(node, yaml.ScalarNode):
            self.report(node, f"{what} must be text")
            raise _Invalid
        value = str(node.value).strip()
        plain_null = node.style is None and value in _NULL_WORDS
        if node.tag == _NULL_TAG or plain_null or not value:
            self.report(node, f"{what} is empty")
            raise _Invalid
        return value

    def strings(self, node: yaml.Node, what: str) -> list[tuple[yaml.Node, str]]:
        if isinstance(node, yaml.ScalarNode) and (
            node.tag == _NULL_TAG or (node.style is None and node.value in ("", *_NULL_WORDS))
        ):
            return []
        out = []
        for item in self.sequence(node, what):
            try:
                out.append((item, self.string(item, f"an entry of {what}")))
            except _Invalid:
                pass
        return out

    def table(
        self, fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, root: yaml.Node
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """The file's ``key`` mapping (its entries by name), or none if it is missing or
        not a mapping (reported)."""
        try:
            return self.mapping(self.required(fields, key, root, "the file"), key, None)
        except _Invalid:
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
            raise _Invalid
        return fields[key][1]


def _read_director(reader: _FileReader, root: yaml.Node) -> Director | None:
    """Build one director from a file's root node, or None when anything is wrong."""
    fields = reader.mapping(root, "the file", _FILE_KEYS)
    director_name = command = None
    command_line = 1
    aliases: list[str] = []
    try:
        node = reader.required(fields, "director", root, "the file")
        director_name = reader.string(node, "director")
        if len(director_name) > limits.DIRECTOR_NAME_MAX:
            reader.report(node, f"director is longer than {limits.DIRECTOR_NAME_MAX} characters")
    except _Invalid:
        pass
    try:
        node = reader.required(fields, "command", root, "the file")
        command = reader.string(node, "command")
        command_line = node.start_mark.line + 1
        _check_command(reader, node, command)
    except _Invalid:
        pass
    if "aliases" in fields:
        try:
            aliases = [a for _, a in reader.strings(fields["aliases"][1], "aliases")]
        except _Invalid:
            pass
    sources = _read_sources(reader, fields, root)
    topics = _read_topics(reader, fields, root)
    quotes = _read_quotes(reader, fields, root, director_name or "", sources, topics)
    if reader.problems or director_name is None or command is None:
        return None
    return Director(
        name=director_name,
        command=command,
        topics=tuple(topics.values()),
        quotes=tuple(quotes),
        aliases=tuple(aliases),
        path=reader.path,
        line=command_line,
    )


def _check_command(reader: _FileReader, node: yaml.Node, command: str) -> None:
    if not limits.COMMAND_NAME.fullmatch(command):
        reader.report(
            node,
            f"command {command!r} is not a name Discord and Slack both accept "
            f"(1-{limits.COMMAND_NAME_MAX} lowercase letters, digits, - or _; Slack counts "
            "the slash in its 32)",
        )
    elif command == limits.GLOBAL_COMMAND:
        reader.report(node, f"command {command!r} is quotebot's own command for every director")
    elif command in limits.SLACK_BUILTIN_COMMANDS:
        reader.report(node, f"command {command!r} is one of Slack's built-in commands")


def _read_sources(
    reader: _FileReader, fields: dict[str, tuple[yaml.Node, yaml.Node]], root: yaml.Node
) -> dict[str, Source]:
    sources: dict[str, Source] = {}
    for key, (key_node, value_node) in reader.table(fields, "sources", root).items():
        try:
            source_fields = reader.mapping(value_node, f"source {key!r}", _SOURCE_KEYS)
            values = {}
            for name, (_, field_node) in source_fields.items():
                values[name] = reader.string(field_node, f"{name} of source {key!r}")
            if "title" not in values:
                reader.report(key_node, f"source {key!r} is missing 'title'")
                continue
            sources[key] = Source(key=key, **values)
        except _Invalid:
            continue
    return sources


def _read_topics(
    reader: _FileReader, fields: dict[str, tuple[yaml.Node, yaml.Node]], root: yaml.Node
) -> dict[str, Topic]:
    topics: dict[str, Topic] = {}
    claimed: dict[str, str] = {}  # normalised word -> the topic that has it
    for name, (key_node, value_node) in reader.table(fields, "topics", root).items():
        if name != name.lower() or len(name) > limits.TOPIC_NAME_MAX:
            reader.report(
                key_node,
                f"topic {name!r} must be lowercase and at most {limits.TOPIC_NAME_MAX} characters",
            )
            continue
        try:
            aliases = reader.strings(value_node, f"the aliases of topic {name!r}")
        except _Invalid:
            continue
        for word_node, word in [(key_node, name), *aliases]:
            key = normalise_key(word)
            if key == limits.TOPICS_WORD:
                reader.report(word_node, f"{word!r} lists the topics, so no topic can use it")
            elif key in claimed and claimed[key] != name:
                reader.report(word_node, f"{word!r} already names topic {claimed[key]!r}")
            else:
                claimed[key] = name
        topics[name] = Topic(name=name, aliases=tuple(a for _, a in aliases))
    return topics


def _read_quotes(
    reader: _FileReader,
    fields: dict[str, tuple[yaml.Node, yaml.Node]],
    root: yaml.Node,
    director: str,
    sources: dict[str, Source],
    topics: dict[str, Topic],
) -> list[Quote]:
    quotes: list[Quote] = []
    try:
        node = reader.required(fields, "quotes", root, "the file")
        items = reader.sequence(node, "quotes")
    except _Invalid:
        return quotes
    if not items:
        reader.report(node, "quotes is empty")
    seen: dict[str, int] = {}
    for item in items:
        quote = _read_quote(reader, item, director, sources, topics)
        if quote is None:
            continue
        key = quote.text_key
        line = item.start_mark.line + 1
        if key in seen:
            reader.report(item, f"duplicate quote: the same text is at line {seen[key]}")
            continue
        seen[key] = line
        quotes.append(quote)
    quoted = {q.topic for q in quotes}
    topics_node = fields.get("topics", (root, root))[0]
    for name in topics:
        if name not in quoted and not reader.problems:
            reader.report(topics_node, f"topic {name!r} has no quotes")
    return quotes


def _read_quote(
    reader: _FileReader,
    node: yaml.Node,
    director: str,
    sources: dict[str, Source],
    topics: dict[str, Topic],
) -> Quote | None:
    fields = _plain_quote(node)
    if fields is None:  # anything unusual: the general walk, which reports every problem
        fields = _checked_quote(reader, node)
        if fields is None:
            return None
    values = {key: value for key, (_node, value) in fields.items()}
    ok = True
    if values["topic"] not in topics:
        reader.report(fields["topic"][0], f"unknown topic {values['topic']!r}")
        ok = False
    if values["source"] not in sources:
        reader.report(fields["source"][0], f"unknown source {values['source']!r}")
        ok = False
    text = values["text"]
    if limits.slack_escaped_length(text) > limits.QUOTE_TEXT_MAX:
        reader.report(
            fields["text"][0],
            f"text is too long for a Slack section or Discord embed "
            f"({limits.slack_escaped_length(text)} > {limits.QUOTE_TEXT_MAX} characters, "
            "counting & < > as Slack escapes them)",
        )
        ok = False
    if not ok:
        return None
    quote = Quote(
        director=director,
        topic=values["topic"],
        text=text,
        context=values["context"],
        source=sources[values["source"]],
        line=node.start_mark.line + 1,
    )
    # The attribution is the context, director and citation plus a few characters of
    # punctuation; build it only when that could come near the limit.
    rough = len(quote.context) + len(director) + len(quote.source.citation) + 16
    if rough > limits.ATTRIBUTION_MAX and len(quote.attribution) > limits.ATTRIBUTION_MAX:
        reader.report(
            fields["context"][0],
            f"context and source make an attribution longer than {limits.ATTRIBUTION_MAX} "
            "characters (a Discord embed footer)",
        )
        return None
    return quote


QuoteFields = dict[str, tuple[yaml.Node, str]]


def _plain_quote(node: yaml.Node) -> QuoteFields | None:
    """The four fields of a quote written the usual way (a mapping of the four keys to
    non-empty plain or quoted text), read without the general walk; None for anything
    else. Nearly every quote is like this, and it is most of a large book's load time."""
    if type(node) is not yaml.MappingNode or node.tag != _MAP_TAG or len(node.value) != 4:
        return None
    out: QuoteFields = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode or type(value_node) is not yaml.ScalarNode:
            return None
        if key_node.tag != _STR_TAG or value_node.tag != _STR_TAG:
            return None
        key, value = key_node.value, value_node.value.strip()
        if key not in _QUOTE_KEY_SET or key in out or not value:
            return None
        if value_node.style is None and value in _NULL_WORDS:
            return None
        out[key] = (value_node, value)
    return out


def _checked_quote(reader: _FileReader, node: yaml.Node) -> QuoteFields | None:
    try:
        fields = reader.mapping(node, "a quote", _QUOTE_KEYS)
    except _Invalid:
        return None
    out: QuoteFields = {}
    for key in _QUOTE_KEYS:
        try:
            value_node = reader.required(fields, key, node, "this quote")
            out[key] = (value_node, reader.string(value_node, key))
        except _Invalid:
            pass
    return out if len(out) == len(_QUOTE_KEYS) else None


def load_file(path: Path) -> tuple[Director | None, list[Problem]]:
    """Read one quote file: its director, or None and every problem found in it."""
    # Composing makes about ten objects a quote and none of them form cycles: the cyclic
    # garbage collector, run again and again as they pile up, was a third of load time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_file(path)
    finally:
        if collecting:
            gc.enable()


def _load_file(path: Path) -> tuple[Director | None, list[Problem]]:
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return None, [Problem(shown, 1, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
    except OSError as exc:
        return None, [Problem(shown, 1, f"cannot read: {exc.strerror}")]
    reader = _FileReader(shown)
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        reason = exc.problem or exc.context or "malformed YAML"
        return None, [Problem(shown, line, f"malformed YAML: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(shown, 1, f"malformed YAML: {exc}")]
    if root is None:
        return None, [Problem(shown, 1, "the file is empty")]
    # An alias is composed as a shared node, so walking one could expand a "billion
    # laughs"; refuse them before walking. Only a file with a * can have one.
    if "*" in text:
        aliases = [
            Problem(shown, _line(event), f"YAML aliases (*{event.anchor}) are not allowed")
            for event in _events(text)
            if isinstance(event, yaml.AliasEvent)
        ]
        if aliases:
            return None, aliases
    try:
        director = _read_director(reader, root)
    except _Invalid:
        director = None
    return director, sorted(reader.problems)


def _compose(text: str) -> yaml.Node | None:
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


def _events(text: str) -> list[yaml.Event]:
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


def _line(event: yaml.Event) -> int:
    return event.start_mark.line + 1 if event.start_mark is not None else 1


def quote_files(paths: Iterable[Path]) -> list[Path]:
    """The quote files named by ``paths``: files as given, folders' *.yaml and *.yml sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml")))
        else:
            found.append(path)
    return found


def load_book(paths: Iterable[Path]) -> LoadResult:
    """Load every quote file under ``paths``; a file with any problem is left out whole."""
    paths = list(paths)
    files = quote_files(paths)
    problems: list[Problem] = []
    directors: list[Director] = []
    owner: dict[str, Director] = {}  # normalised command, name or alias -> its director
    texts: dict[str, Director] = {}
    for path in files:
        director, file_problems = load_file(path)
        problems.extend(file_problems)
        if director is None:
            continue
        clash = _clash(director, owner, texts)
        if clash is not None:
            problems.append(clash)
            continue
        directors.append(director)
        for word in (director.command, director.name, *director.aliases):
            owner.setdefault(normalise_key(word), director)
        for quote in director.quotes:
            texts[quote.text_key] = director
    if not files:
        shown = ", ".join(str(p) for p in paths) or "."
        problems.append(Problem(shown, 0, "no quote files (*.yaml) found"))
    return LoadResult(QuoteBook(directors), tuple(problems), tuple(str(p) for p in files))


def _clash(
    director: Director, owner: dict[str, Director], texts: dict[str, Director]
) -> Problem | None:
    """Why ``director`` cannot join the directors already loaded, if it cannot."""
    where = director.path
    command = normalise_key(director.command)
    if command in owner:
        taken = f"command {director.command!r} is already taken by {owner[command].path}"
        return Problem(where, director.line, taken)
    for word in (director.name, *director.aliases):
        other = owner.get(normalise_key(word))
        if other is not None and other.name != director.name:
            named = f"{word!r} already names {other.name} ({other.path})"
            return Problem(where, director.line, named)
    for quote in director.quotes:
        first = texts.get(quote.text_key)
        if first is not None:
            return Problem(where, quote.line, f"duplicate quote: the same text is in {first.path}")
    return None
