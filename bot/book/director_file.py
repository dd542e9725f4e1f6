"""One quote file's content: the director, their command, sources, topics and quotes,
read from composed YAML nodes against the file format, every problem reported."""

from __future__ import annotations

import yaml

from bot import limits
from bot.book.entries import read_quotes
from bot.book.model import Director, Source, Topic, normalise_key
from bot.book.safe_yaml import Invalid, NodeReader

_FILE_KEYS = ("director", "command", "aliases", "sources", "topics", "quotes")
_SOURCE_KEYS = ("title", "venue", "date", "document", "url")


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
    quotes = read_quotes(reader, fields, root, director_name or "", sources, topics)
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
            if not values.get("document") and not values.get("url"):
                reader.report(
                    key_node, f"source {key!r} needs a 'document' or a 'url' to be traced to"
                )
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
