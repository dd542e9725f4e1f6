"""How well ``quotebot ingest`` finds a director's quotes, scored against articles marked
by hand (issue 14).

Not a test: ``python bench/ingest_score.py``. Each ``tests/articles/NAME.expected.yaml``
names an article, its director, the director's quotes (verbatim, with the topics a person
would accept for each) and the quoted words of anyone else; the shipped seed is scored
against ``quotes/jonze.yaml`` (its topic and aliases). For every article:

- spans, exact: a found quote equals a marked one (whitespace aside); loose: a run of words
  they share is at least half the shorter one. Precision, recall and F1 of each.
- attribution: of every marked span (the director's and others'), the share ingest got
  right (a director's quote found, someone else's not).
- topics: of the director's quotes found (loosely), the share whose proposed topic is one
  a person would accept: for the seed, drafted into the shipped file (its own topics and
  aliases); for the others, a director new to the book.

Published rule-based quote extraction reaches about 84 F1 on loose spans; the target is
to do better on these forms.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.book.loader import load_book  # noqa: E402
from bot.curation.ingest import find_quotes, propose_topic, read_article  # noqa: E402

ARTICLES = ROOT / "tests" / "articles"
SEED = ROOT / "seeds" / "2013-09-tiff-in-conversation-spike-jonze.txt"
TARGET_F1 = 84.0


@dataclass(frozen=True)
class Marked:
    article: Path
    director: str
    quotes: list[tuple[str, list[str]]]  # text, accepted topics
    others: list[str]
    # The director's topics as the book knows them (topic key -> topic), where the
    # article is drafted into an existing file; empty for a director new to the book.
    known: dict[str, str] = field(default_factory=dict)


def words(text: str) -> list[str]:
    return re.findall(r"\w+(?:['’]\w+)?", text.casefold().replace("’", "'"))


def exact(a: str, b: str) -> bool:
    return words(a) == words(b)


def loose(a: str, b: str) -> bool:
    """The spans overlap: a run of words they share is half the shorter one or more."""
    ours, theirs = words(a), words(b)
    if not ours or not theirs:
        return False
    run = difflib.SequenceMatcher(None, ours, theirs, autojunk=False).find_longest_match()
    return run.size >= min(len(ours), len(theirs)) / 2


def contains(found: str, other: str) -> bool:
    theirs = " ".join(words(other))
    return bool(theirs) and theirs in " ".join(words(found))


def marked() -> list[Marked]:
    found = []
    for path in sorted(ARTICLES.glob("*.expected.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        quotes = [(q["text"], [str(t) for t in q["topics"]]) for q in data["quotes"] or []]
        others = [str(o) for o in data["others"] or []]
        found.append(Marked(ARTICLES / data["article"], data["director"], quotes, others))
    jonze = load_book([ROOT / "quotes"]).book.by_command("jonze")
    assert jonze is not None
    topics = {t.name: [t.name, *t.aliases] for t in jonze.topics}
    shipped = [(q.text, topics[q.topic]) for q in jonze.quotes]
    found.append(Marked(SEED, jonze.name, shipped, [], dict(jonze.topic_keys)))
    return found


def score(item: Marked) -> dict[str, float]:
    article = read_article(item.article)
    got = find_quotes(article, item.director)
    texts = [f.text for f in got]
    wanted = [text for text, _ in item.quotes]
    figures: dict[str, float] = {"found": len(got), "marked": len(wanted)}
    for name, match in (("exact", exact), ("loose", loose)):
        figures[f"{name}_tp_found"] = sum(any(match(t, w) for w in wanted) for t in texts)
        figures[f"{name}_tp_marked"] = sum(any(match(t, w) for t in texts) for w in wanted)
    # Someone else's words count as taken when a found quote holds all of them.
    right = figures["loose_tp_marked"] + sum(
        not any(contains(t, other) for t in texts) for other in item.others
    )
    figures["attributed_right"] = right
    figures["attributable"] = len(wanted) + len(item.others)
    agreed = total = 0
    for found in got:
        accepted = next((topics for w, topics in item.quotes if loose(found.text, w)), None)
        if accepted is None:
            continue
        total += 1
        topic, _ = propose_topic(found.context, found.text, item.known)
        agreed += topic in {t.casefold().replace(" ", "-") for t in accepted} | set(accepted)
    figures["topics_agreed"], figures["topics_total"] = agreed, total
    return figures


def prf(tp_found: float, found: float, tp_marked: float, marked_: float) -> tuple[float, ...]:
    precision = tp_found / found if found else 1.0
    recall = tp_marked / marked_ if marked_ else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision * 100, recall * 100, f1 * 100


def main() -> None:
    rows = [(item.article.name, score(item)) for item in marked()]
    total: dict[str, float] = {}
    for _, figures in rows:
        for key, value in figures.items():
            total[key] = total.get(key, 0) + value
    print("| article | marked | found | exact P/R/F1 | loose P/R/F1 | attribution | topics |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, f in [*rows, ("all", total)]:
        cells = []
        for kind in ("exact", "loose"):
            p, r, f1 = prf(f[f"{kind}_tp_found"], f["found"], f[f"{kind}_tp_marked"], f["marked"])
            cells.append(f"{p:.0f} / {r:.0f} / {f1:.0f}")
        attributed = f"{f['attributed_right']:.0f}/{f['attributable']:.0f}"
        topics = f"{f['topics_agreed']:.0f}/{f['topics_total']:.0f}"
        print(f"| {name} | {f['marked']:.0f} | {f['found']:.0f} | {cells[0]} | {cells[1]} "
              f"| {attributed} | {topics} |")  # fmt: skip
    _, _, f1 = prf(
        total["loose_tp_found"], total["found"], total["loose_tp_marked"], total["marked"]
    )
    verdict = "met" if f1 > TARGET_F1 else "NOT met"
    print(f"loose-span F1 {f1:.1f} against published rule-based ~{TARGET_F1:.0f}: {verdict}")


if __name__ == "__main__":
    main()
