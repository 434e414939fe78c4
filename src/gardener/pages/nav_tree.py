"""The articles' navigation as a tree of sections, none holding more than SECTION_MAX entries.

Material prunes each page's navigation to the sections on its path, so the length of a section
is paid on every page in it (a build grows with the square of it), and a list of hundreds is no
help to a reader either. Dated articles go by year, newest first; a large year by month, a large
month in runs of days. Undated articles have no order but their titles' (第2章 before 第12章):
they go by the folders they sit in when there are several, and a list still too long is cut
into runs of consecutive titles, each labelled by its first and last title as a dictionary
labels its pages.

The plugin and `gardener export` both write this tree, so both sites navigate alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from gardener.pages.common import UNDATED, by_year
from gardener.text.natural import natural_key

# The most entries (articles or sections) one section holds.
SECTION_MAX = 60
NO_MONTH = "月份不详"
# Run labels show each end title up to where it differs from its neighbour across the cut.
LABEL_MIN, LABEL_MAX = 6, 24

Section = tuple[str, list]  # (label, entries); an entry is an article or a section


class Run(NamedTuple):
    """Consecutive entries of a list too long for one section, labelled by its ends."""

    label: str
    entries: list


def nav_tree(articles, root: str = "articles") -> list[Section]:
    """(label, entries) sections, newest year first and undated last. An entry is an article
    or a (label, entries) section. `root`: the articles' folder, whose subfolders group undated
    articles."""
    tree: list[Section] = []
    for year, group in by_year(articles):
        if year == UNDATED:
            tree.append((year, _capped(_by_folder(group, _depth(root)))))
        elif len(group) <= SECTION_MAX:
            tree.append((year, group))
        else:
            tree.append((year, _capped(_months(group))))
    return tree


def _months(articles) -> list[Section]:
    """A year's articles (newest first) by month; those dated only to the year last."""
    months: dict[str, list] = {}
    for article in articles:
        label = f"{article.date.month} 月" if article.date.month else NO_MONTH
        months.setdefault(label, []).append(article)
    if NO_MONTH in months:
        months[NO_MONTH] = months.pop(NO_MONTH)
    return [(label, _days(group)) for label, group in months.items()]


def _days(articles) -> list:
    """A month's articles, in runs of days when there are too many for one section."""
    if len(articles) <= SECTION_MAX:
        return articles
    runs = []
    for run in _runs(articles):
        days = [a.date.day for a in run if a.date.day]
        label = f"{min(days)}–{max(days)} 日" if days else "日期不详"
        runs.append(Run(label if not days or min(days) != max(days) else f"{days[0]} 日", run))
    return _capped(runs)


def _depth(root: str) -> int:
    return len([part for part in root.strip("/").split("/") if part])


def _by_folder(articles, depth: int) -> list:
    """Undated articles (in title order) by the folder below depth that holds them: one section
    per folder, named after it, in natural order, then the articles directly in this folder."""
    loose: list = []
    folders: dict[str, list] = {}
    for article in articles:
        parts = article.path.split("/")
        if len(parts) - 1 > depth:
            folders.setdefault(parts[depth], []).append(article)
        else:
            loose.append(article)
    if len(folders) == 1 and not loose:  # one folder holds them all: it names nothing
        ((_, only),) = folders.items()
        return _by_folder(only, depth + 1)
    sections: list = [(name, _capped(_by_folder(folders[name], depth + 1)))
                      for name in sorted(folders, key=natural_key)]
    return sections + loose


def _capped(entries: list) -> list:
    """The entries, cut into labelled runs of consecutive entries when there are too many for
    one section (and the runs themselves again, as often as needed)."""
    while len(entries) > SECTION_MAX:
        runs = _runs(entries)
        entries = [Run(_run_label(run, before, after), run)
                   for run, before, after in zip(runs, [None, *runs[:-1]], [*runs[1:], None],
                                                 strict=True)]
    return entries


def _runs(entries: Sequence) -> list[list]:
    """Consecutive runs of as equal sizes as can be, each at most SECTION_MAX long."""
    count = -(-len(entries) // SECTION_MAX)
    size, extra = divmod(len(entries), count)
    runs, start = [], 0
    for index in range(count):
        end = start + size + (index < extra)
        runs.append(list(entries[start:end]))
        start = end
    return runs


def _run_label(run: list, before: list | None, after: list | None) -> str:
    start = _guide(_name(run[0]), _name(before[-1], last=True) if before else "")
    end = _guide(_name(run[-1], last=True), _name(after[0]) if after else "")
    return start if start == end else f"{start} – {end}"


def _name(entry, *, last: bool = False) -> str:
    """What a reader sees of an entry at this end: an article's title, a folder's name, or the
    title at that end of a run."""
    while isinstance(entry, Run):
        entry = entry.entries[-1 if last else 0]
    return entry[0] if isinstance(entry, tuple) else entry.title


def _guide(title: str, neighbour: str) -> str:
    """The start of a title, long enough to tell it from its neighbour across a cut."""
    shared = 0
    for a, b in zip(title.casefold(), neighbour.casefold(), strict=False):
        if a != b:
            break
        shared += 1
    length = min(max(LABEL_MIN, shared + 1), LABEL_MAX)
    while length < min(len(title), LABEL_MAX) and _in_word(title, length):
        length += 1  # "ChatGPT", not "ChatGP…"
    return title if len(title) <= length else title[:length].rstrip() + "…"


def _in_word(text: str, cut: int) -> bool:
    return text[cut - 1].isascii() and text[cut - 1].isalnum() and text[cut].isascii() \
        and text[cut].isalnum()
