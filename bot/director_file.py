"""One quote file's content: the director, their command, sources, topics and quotes,
read from composed YAML nodes against the file format, every problem reported."""

from __future__ import annotations

import yaml

from bot import limits
from bot.book import Director, Quote, Source, Topic, normalise_key
from bot.yaml_nodes import MAP_TAG, NULL_WORDS, STR_TAG, Invalid, NodeReader

_FILE_KEYS = ("director", "command", "aliases", "sources", "topics", "quotes")
_SOURCE_KEYS = ("title", "venue", "date", "document", "url")
_QUOTE_KEYS = ("topic", "text", "context", "source")
_QUOTE_KEY_SET = frozenset(_QUOTE_KEYS)


def read_director(reader: NodeReader, root: yaml.Node) -> Director | None:
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
    except Invalid:
        pass
    try:
        node = reader.required(fields, "command", root, "the file")
        command = reader.string(node, "command")
        command_line = node.start_mark.line + 1
        _check_command(reader, node, command)
    except Invalid:
        pass
    if "aliases" in fields:
        try:
            aliases = [a for _, a in reader.strings(fields["aliases"][1], "aliases")]
        except Invalid:
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


def _check_command(reader: NodeReader, node: yaml.Node, command: str) -> None:
    if not limits.COMMAND_NAME.fullmatch(command):
        reader.report(
            node,
            f"command {command!r} is not a name Discord and Slack both accept "
            f"(1-{limits.COMMAND_NAME_MAX} lowercase letters, digits, - or _; Slack counts "
            "the slash in its 32)",
        )
    elif command == limits.GLOBAL_COMMAND:
        reader.report(node, f"command {command!r} is quotebot's own command for every director")
    elif command == limits.QOTD_COMMAND:
        reader.report(node, f"command {command!r} is quotebot's quote of the day command")
    elif command in limits.SLACK_BUILTIN_COMMANDS:
        reader.report(node, f"command {command!r} is one of Slack's built-in commands")


def _read_sources(
    reader: NodeReader, fields: dict[str, tuple[yaml.Node, yaml.Node]], root: yaml.Node
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
        except Invalid:
            continue
    return sources


def _read_topics(
    reader: NodeReader, fields: dict[str, tuple[yaml.Node, yaml.Node]], root: yaml.Node
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
        except Invalid:
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
    reader: NodeReader,
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
    except Invalid:
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
    reader: NodeReader,
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
    if type(node) is not yaml.MappingNode or node.tag != MAP_TAG or len(node.value) != 4:
        return None
    out: QuoteFields = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode or type(value_node) is not yaml.ScalarNode:
            return None
        if key_node.tag != STR_TAG or value_node.tag != STR_TAG:
            return None
        key, value = key_node.value, value_node.value.strip()
        if key not in _QUOTE_KEY_SET or key in out or not value:
            return None
        if value_node.style is None and value in NULL_WORDS:
            return None
        out[key] = (value_node, value)
    return out


def _checked_quote(reader: NodeReader, node: yaml.Node) -> QuoteFields | None:
    try:
        fields = reader.mapping(node, "a quote", _QUOTE_KEYS)
    except Invalid:
        return None
    out: QuoteFields = {}
    for key in _QUOTE_KEYS:
        try:
            value_node = reader.required(fields, key, node, "this quote")
            out[key] = (value_node, reader.string(value_node, key))
        except Invalid:
            pass
    return out if len(out) == len(_QUOTE_KEYS) else None
