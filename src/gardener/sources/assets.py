"""Local images referenced by an article: copied when they exist, kept visible when they do not.

A missing image keeps its reference in front-matter (`missing_assets`) and shows a placeholder in
the body, so the site builds strictly and the reader sees that something is missing.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from gardener.text.markdown import code_and_comments

_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<src>(?:[^()\s]|\([^()\s]*\))+)(?:\s+\"[^\"]*\")?\)")
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


@dataclass
class AssetPlan:
    """What to do with an article's images once its slug is known."""

    copies: list[tuple[Path, str]] = field(default_factory=list)  # (source file, path under assets)
    missing: list[str] = field(default_factory=list)


def relink_images(body: str, source_dir: Path, slug: str) -> tuple[str, AssetPlan]:
    """Point local images at the article's asset folder; images shown as code or hidden in a
    comment are text, and stay exactly as written."""
    plan = AssetPlan()
    verbatim = code_and_comments(body) if "![" in body else []

    def replace(match: re.Match[str]) -> str:
        src = match.group("src")
        if _REMOTE.match(src) or _inside(match.start(), verbatim):
            return match.group(0)
        found = _resolve(source_dir, src)
        if found is None:
            plan.missing.append(src)
            return placeholder(match.group("alt"), src)
        target = f"assets/{slug}/{found.name}"
        plan.copies.append((found, target))
        return f"![{match.group('alt')}]({target})"

    return _IMAGE.sub(replace, body), plan


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    i = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= offset < spans[i][1]


def _resolve(source_dir: Path, src: str) -> Path | None:
    relative = PurePosixPath(unquote(src.split("#")[0].split("?")[0]))
    if relative.is_absolute() or ".." in relative.parts:
        return None  # never read outside the source folder
    candidate = source_dir.joinpath(*relative.parts)
    return candidate if candidate.is_file() else None


def placeholder(alt: str, src: str) -> str:
    label = alt.split("|")[0].strip() or PurePosixPath(src).name
    return (
        f'<span class="gd-missing-asset" title="{html.escape(src)}">'
        f"缺失图片：{html.escape(label)}（{html.escape(PurePosixPath(src).name)}）</span>"
    )
