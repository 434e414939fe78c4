"""Concept links written into a page's Markdown: chosen mentions become links, with the concept's
summary as their title when the site has no hover previews (which show it otherwise). Sources
are never touched; only the Markdown handed to the builder.

Produced link format::

    [text](<href> "title")        or, when title() returns None,   [text](<href>)

* The destination is always wrapped in angle brackets and never contains whitespace:
  ``< > " ' ( ) [ ] \\ ` $ |`` and control characters are percent-encoded.
* ``text`` is the original slice of the article; ``\\ [ ] ``` are backslash-escaped
  (Python-Markdown un-escapes exactly these).
* ``title`` is HTML-entity encoded. Python-Markdown does not honour ``\\"`` inside link titles
  and runs the code-span and escape patterns before the link pattern, so backticks and
  backslashes in a title would be mangled; entities pass through verbatim and the browser
  decodes them, so the rendered ``title`` attribute equals the summary exactly.

A link is never placed where Python-Markdown would read it differently from the plain text it
replaces (after "!", "\\", "]", "_", "}", before "{" or "_").
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from operator import attrgetter

from gardener.articles.model import FrozenMap, Garden, LinkPolicy
from gardener.garden.cache import AnalysisCache
from gardener.garden.concepts.index import ConceptIndex, placed_mentions
from gardener.garden.concepts.matcher import ConceptMatcher, Mention, Spot
from gardener.options import Options
from gardener.pages.common import rel_link
from gardener.text.markdown import analyse

_TITLE_ESCAPES = {
    ord("&"): "&amp;",
    ord('"'): "&quot;",
    ord("'"): "&#39;",
    ord("<"): "&lt;",
    ord(">"): "&gt;",
    ord("\\"): "&#92;",
    ord("`"): "&#96;",
    ord("$"): "&#36;",
    ord("|"): "&#124;",
    ord("["): "&#91;",
    ord("]"): "&#93;",
    ord("("): "&#40;",
    ord(")"): "&#41;",
}
_TITLE_ESCAPES.update({cp: f"&#{cp};" for cp in [*range(32), 127]})

_HREF_ESCAPES = {ord(ch): f"%{ord(ch):02X}" for ch in " \"'<>()[]\\`$|"}
_HREF_ESCAPES.update({cp: f"%{cp:02X}" for cp in [*range(32), 127]})

_TEXT_ESCAPES = {ord(ch): "\\" + ch for ch in "\\[]`"}

# A link right after "!" would become an image, after "\" its bracket would be
# escaped, and after "]" "[x][text]" could turn into a reference link.
# attr_list would attach a following "{: ...}" to the new <a>, and a
# "{: ...}" right before the link could become the paragraph's.  An underscore
# next to a word character cannot open or close emphasis, next to "[" or ")"
# it can, so linking beside "_" could create emphasis out of nothing.
_UNSAFE_BEFORE = frozenset("!\\]_}")
_UNSAFE_AFTER = frozenset("{_")


@dataclass(frozen=True)
class Linker:
    """Everything concept linking reads. A page that links mentions carries one in its inputs,
    so a change to any alias, summary, note path or policy re-renders it."""

    # Compared through `aliases`, the signature of the alias set it was built from.
    matcher: ConceptMatcher = field(compare=False, repr=False)
    aliases: str
    policy: LinkPolicy
    headings: bool  # whether headings may hold links
    # concept slug -> (note path, the summary a link carries as its title, or None)
    targets: FrozenMap
    overrides: FrozenMap  # concept slug -> the note's own policy
    # Where the analysis found each text's mentions, by the text's hash: a page it has read is
    # linked without being read again. Not compared: it holds results, not choices.
    memo: AnalysisCache = field(compare=False, repr=False, default_factory=AnalysisCache)

    @classmethod
    def of(cls, garden: Garden, index: ConceptIndex, options: Options,
           cache: AnalysisCache | None = None) -> Linker:
        # With previews on, a hovered concept link shows its definition from the site's one
        # previews file, so no page repeats definitions (they were a third of what a page
        # rendered). Without them, each link carries its definition as its title.
        titled = not options.previews
        return cls(index.matcher, index.signature, options.link_policy, options.link_headings,
                   FrozenMap({c.slug: (c.path, c.summary if titled else None)
                              for c in garden.concepts}),
                   FrozenMap({c.slug: c.link_policy for c in garden.concepts if c.link_policy}),
                   cache if cache is not None else AnalysisCache())

    def link(self, path: str, markdown: str, exclude: Container[str] = ()) -> str:
        """Concept links in one page's Markdown; the source file is never touched."""
        mentions = placed_mentions(markdown, self.matcher, self.aliases, not self.headings,
                                   self.memo)
        return link_mentions(
            markdown, tuple(mentions), policy=self.policy, exclude=exclude, overrides=self.overrides,
            href=lambda slug: rel_link(path, self.targets[slug][0]),
            title=lambda slug: self.targets[slug][1],
        )


def link_mentions(
    markdown: str,
    mentions: Sequence[Mention | Spot],
    *,
    href: Callable[[str], str],
    title: Callable[[str], str | None],
    policy: LinkPolicy = LinkPolicy.FIRST,
    exclude: Container[str] = (),
    overrides: Mapping[str, LinkPolicy] | None = None,
) -> str:
    """Wrap chosen mentions in links (format in the module docstring).

    ``policy`` "first" links the first linkable mention of each concept in the
    article, "section" the first per concept per heading section, "all" every
    mention.  Concepts in ``exclude`` (e.g. the page's own) are never linked;
    neither are concepts whose ``href`` is empty.  A mention in a position
    where a link would change the rendering is skipped, and the next mention
    of the concept is used instead.
    """
    overrides = overrides or {}
    for value in (policy, *overrides.values()):
        if value not in tuple(LinkPolicy):
            raise ValueError(f"unknown link policy: {value!r}")
    chosen = _choose(markdown, mentions, policy, exclude, overrides)
    if not chosen:
        return markdown
    tails: dict[str, str | None] = {}
    pieces: list[str] = []
    pos = 0
    for mention in chosen:
        concept, start, end = mention.concept, mention.start, mention.end
        if concept not in tails:
            tails[concept] = _link_tail(href, title, concept)
        tail = tails[concept]
        if tail is None:
            continue
        pieces += (markdown[pos:start], "[", _escape_text(markdown[start:end]), tail)
        pos = end
    pieces.append(markdown[pos:])
    return "".join(pieces)


def _choose(
    markdown: str, mentions: Sequence[Mention | Spot], policy: LinkPolicy,
    exclude: Container[str], overrides: Mapping[str, LinkPolicy],
) -> list[Mention | Spot]:
    wanted = {policy, *overrides.values()}
    section_starts = _section_starts(markdown) if LinkPolicy.SECTION in wanted else []
    seen: set[object] = set()
    chosen: list[Mention | Spot] = []
    reached = 0
    stray_entities = "&#" in markdown
    for mention in sorted(mentions, key=_by_start):
        if mention.concept in exclude:
            continue
        rule = overrides.get(mention.concept, policy) if overrides else policy
        if rule == LinkPolicy.NEVER:
            continue
        key: object = mention.concept
        if rule == LinkPolicy.SECTION:
            key = (bisect_right(section_starts, mention.start), key)
        # Cheap set lookup first: with policy "first" most mentions are
        # repeats and never need the linkability check.
        if rule != LinkPolicy.ALL and key in seen or not _linkable(markdown, mention, reached):
            continue
        if stray_entities and _near_stray_entity(markdown, mention.start):
            continue
        seen.add(key)
        chosen.append(mention)
        reached = mention.end
    return chosen


_by_start = attrgetter("start")


def _linkable(markdown: str, mention: Mention | Spot, reached: int) -> bool:
    start, end = mention.start, mention.end
    if start < reached or not 0 <= start < end <= len(markdown):
        return False
    before = markdown[start - 1] if start else ""
    if before == ">":
        before = _char_before(markdown, start)
    if before in _UNSAFE_BEFORE or markdown[end : end + 1] in _UNSAFE_AFTER:
        return False
    return "\n" not in markdown[start:end]


def _near_stray_entity(markdown: str, start: int) -> bool:
    """Whether "&#" occurs on the same line: Python-Markdown can then misread
    a "</..." link destination as an HTML tag."""
    line_end = markdown.find("\n", start)
    line_end = len(markdown) if line_end < 0 else line_end
    return markdown.find("&#", markdown.rfind("\n", 0, start) + 1, line_end) >= 0


def _char_before(markdown: str, pos: int) -> str:
    """The character before ``pos``, looking through HTML comments: Python-
    Markdown lifts a comment out of the text, which joins its neighbours."""
    while markdown.endswith("-->", 0, pos):
        opening = markdown.rfind("<!--", 0, pos)
        if opening < 0:
            break
        pos = opening
    return markdown[pos - 1] if pos else ""


def _section_starts(markdown: str) -> list[int]:
    _, heads = analyse(markdown, headings=False)
    return [start for start, _ in heads]


def _link_tail(href: Callable[[str], str], title: Callable[[str], str | None], concept: str) -> str | None:
    """Everything after the link text, or None when there is no target."""
    target = href(concept)
    return _format_tail(target, title(concept)) if target else None


# Hrefs, titles and link texts repeat across articles (one per concept or
# alias), so their escaping is memoised on the strings themselves.
@lru_cache(maxsize=8192)
def _format_tail(target: str, summary: str | None) -> str:
    quoted = "" if summary is None else ' "' + _escape_title(summary) + '"'
    return "](<" + target.translate(_HREF_ESCAPES) + ">" + quoted + ")"


@lru_cache(maxsize=8192)
def _escape_text(text: str) -> str:
    return text.translate(_TEXT_ESCAPES)


def _escape_title(summary: str) -> str:
    return summary.translate(_TITLE_ESCAPES)
