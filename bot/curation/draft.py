"""Turning found quotes into a quote file: a new director's draft, or new entries merged
into an existing file with ruamel.yaml, which keeps the curator's comments, order and
quoting as they were. Whatever is written passes ``quotebot check`` first."""

from __future__ import annotations

import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from bot.book.loader import Problem, load_file
from bot.book.model import Director, normalise_text
from bot.curation.book_tree import Refused, document_name, locate
from bot.curation.ingest import Article, Found, propose_topic


@dataclass(frozen=True)
class Entry:
    """One drafted quote."""

    topic: str
    text: str
    context: str
    new_topic: bool
    present: bool  # already in the director's file


@dataclass
class Draft:
    """What ingest proposes for one article and director."""

    director: str
    command: str
    source_key: str
    source: dict[str, str]
    new_source: bool
    status: str = ""
    entries: list[Entry] = field(default_factory=list)

    @property
    def new_entries(self) -> list[Entry]:
        return [e for e in self.entries if not e.present]


def plan(
    article: Article,
    found: list[Found],
    director: str,
    command: str,
    existing: Director | None,
    title: str = "",
    date: str = "",
    target: Path | None = None,
    status: str = "",
) -> Draft:
    """The draft: topics proposed, quotes already present marked, the source reused when
    the director's file already cites this document. The document is named as a source
    in ``target`` names it, from the quote book's tree, where ``check --verify`` reads it;
    ``status`` (``attributed``, for a draft forced past a check) goes on every entry."""
    document = _relative(article.path)
    if target is not None:
        document = document_name(Path(article.path), target) or document
    key, new_source = "", True
    if existing is not None:
        for quote in existing.quotes:
            if quote.source.document and _same(existing.path, quote.source.document, article):
                key, new_source = quote.source.key, False
                break
    source = {"title": title or article.title or Path(article.path).stem}
    if date or article.date:
        source["date"] = date or article.date
    source["document"] = document
    if not key:
        taken = {q.source.key for q in existing.quotes} if existing else set()
        key = _source_key(source["title"], source.get("date", ""), taken)
    draft = Draft(director, command, key, source, new_source, status)
    keys = dict(existing.topic_keys) if existing else {}
    present = {q.text_key for q in existing.quotes} if existing else set()
    seen: set[str] = set()
    for item in found:
        folded = normalise_text(item.text)
        if folded in seen:
            continue
        seen.add(folded)
        topic, known = propose_topic(item.context, item.text, keys)
        if not known:
            keys.setdefault(topic, topic)
        draft.entries.append(Entry(topic, item.text, item.context, not known, folded in present))
    return draft


def _same(quote_file: str, named: str, article: Article) -> bool:
    """Whether a source's document (as ``check --verify`` finds it) is the article."""
    try:
        found = locate(quote_file, named)
    except Refused:
        found = None
    if found is None:
        return _relative(named) == _relative(article.path)
    return found == Path(os.path.realpath(article.path))


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(Path(path))


def _source_key(title: str, date: str, taken: set[str]) -> str:
    words = re.findall(r"[a-z0-9]+", title.casefold())[:3]
    base = "-".join(words + ([date[:4]] if date else [])) or "source"
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a quote across lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _entry_map(draft: Draft, entry: Entry) -> CommentedMap:
    item = CommentedMap()
    item["topic"] = entry.topic
    item["text"] = entry.text
    item["context"] = entry.context
    item["source"] = draft.source_key
    if draft.status:
        item["status"] = draft.status
    return item


def new_file(draft: Draft) -> str:
    """A whole quote file for a director quotebot does not have yet."""
    data = CommentedMap()
    data["director"] = draft.director
    data["command"] = draft.command
    data["sources"] = CommentedMap({draft.source_key: CommentedMap(draft.source)})
    topics = CommentedMap()
    for entry in draft.entries:
        if entry.topic not in topics:
            aliases = CommentedSeq()
            aliases.fa.set_flow_style()
            topics[entry.topic] = aliases
    data["topics"] = topics
    data["quotes"] = CommentedSeq([_entry_map(draft, e) for e in draft.new_entries])
    data.yaml_set_start_comment(
        f"{draft.director}: drafted by quotebot ingest from {draft.source['document']}.\n"
        "Review every quote against the source, add topic aliases, then quotebot check."
    )
    return _dump(data)


def merged(path: Path, draft: Draft) -> str:
    """``path``'s file with the draft's new quotes (and any new topics and its source)
    added; everything already there, comments included, stays as it was."""
    yaml = _yaml()
    data: Any = yaml.load(path.read_text("utf-8"))
    if draft.new_source:
        data["sources"][draft.source_key] = CommentedMap(draft.source)
    for entry in draft.new_entries:
        if entry.new_topic and entry.topic not in data["topics"]:
            aliases = CommentedSeq()
            aliases.fa.set_flow_style()
            data["topics"][entry.topic] = aliases
        data["quotes"].append(_entry_map(draft, entry))
    return _dump(data)


def _dump(data: Any) -> str:  # noqa: ANN401 - ruamel's round-trip types
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def write_checked(path: Path, text: str) -> list[Problem]:
    """Write ``text`` to ``path`` only if it passes the quote file checks; the problems
    otherwise (and ``path`` untouched)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".ingest-", suffix=".yaml", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        _director, problems = load_file(Path(temporary))
        if problems:
            return [Problem(str(path), p.line, p.message) for p in problems]
        os.replace(temporary, path)
        return []
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
