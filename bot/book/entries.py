"""The quotes of one quote file: each read against the file format (four fields, and an
optional status and locator), every problem reported with its line."""

from __future__ import annotations

import yaml

from bot import limits
from bot.book.model import STATUSES, Quote, Source, Topic
from bot.book.safe_yaml import MAP_TAG, NULL_WORDS, STR_TAG, Invalid, NodeReader

_QUOTE_KEYS = ("topic", "text", "context", "source")
_QUOTE_KEY_SET = frozenset(_QUOTE_KEYS)
_OPTIONAL_KEYS = ("status", "locator")


def read_quotes(
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
    quoted: set[str] = set()
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
        quoted.add(quote.topic)
        # Kept in the file as a record of what was wrongly attributed; never served.
        if quote.status != "misattributed":
            quotes.append(quote)
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
    status = values.get("status", "attributed")
    if status not in STATUSES:
        reader.report(fields["status"][0], f"status {status!r} is not one of {', '.join(STATUSES)}")
        ok = False
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
        status=status,
        locator=values.get("locator", ""),
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
        fields = reader.mapping(node, "a quote", (*_QUOTE_KEYS, *_OPTIONAL_KEYS))
    except Invalid:
        return None
    out: QuoteFields = {}
    missing = False
    for key in (*_QUOTE_KEYS, *_OPTIONAL_KEYS):
        try:
            if key in _OPTIONAL_KEYS and key not in fields:
                continue
            value_node = reader.required(fields, key, node, "this quote")
            out[key] = (value_node, reader.string(value_node, key))
        except Invalid:
            missing = True
    return None if missing else out
