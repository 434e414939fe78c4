"""Concept linking, glossary and concept pages in the real build of the repo's garden."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser

from click.testing import CliRunner

from gardener.garden.loading import load_garden
from gardener.site.cli import main
from tests.conftest import ROOT, build_site
from tests.site.test_options import configure

GARDEN = load_garden(ROOT / "docs")


def article_by_origin(prefix: str):
    return next(a for a in GARDEN.articles if a.origin.startswith(prefix))


def html_of(site, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


class Links(HTMLParser):
    """Concept links in the article content, with the element stack they sit in."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.found: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "/concepts/" in (attrs.get("href") or ""):
            self._open = {"href": attrs["href"], "title": attrs.get("title"), "text": "",
                          "inside": list(self.stack)}
        if tag not in ("br", "img", "hr", "input", "meta", "link"):
            self.stack.append(tag + "".join(f".{c}" for c in (attrs.get("class") or "").split()))

    def handle_endtag(self, tag):
        if tag == "a" and self._open is not None:
            self.found.append(self._open)
            self._open = None
        if any(t.split(".")[0] == tag for t in self.stack):
            while self.stack and self.stack.pop().split(".")[0] != tag:
                pass

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data


def content_links(html: str) -> list[dict]:
    article = html[html.index('<article class="md-content__inner'):html.index("</article>")]
    parser = Links()
    parser.feed(article)
    return parser.found


def concept_summary(slug: str) -> str:
    (concept,) = [c for c in GARDEN.concepts if c.slug == slug]
    return concept.summary


def test_clipping_links_scaling_law_with_hover_summary(built_repo_site):
    """The definition a hovered link shows is held once, in the site's previews file, under the
    address the link goes to; the link itself carries none."""
    clipping = article_by_origin("003_")
    page = f"articles/{clipping.slug}/"
    links = content_links(html_of(built_repo_site, page))
    scaling = [link for link in links if link["href"].endswith("concepts/scaling-law/")]
    assert scaling and scaling[0]["text"] == "Scaling Law"
    assert scaling[0]["title"] is None
    previews = json.loads((built_repo_site / "assets/gardener/previews.json").read_text("utf-8"))
    key = posixpath.normpath(posixpath.join(page, scaling[0]["href"])) + "/"
    assert previews[key]["s"] == concept_summary("scaling-law")
    assert previews[key]["k"] == "c"


def test_links_carry_their_definition_when_previews_are_off(repo_copy):
    configure(repo_copy, previews="false")
    run = build_site(repo_copy)
    assert run.returncode == 0, run.stderr
    clipping = article_by_origin("003_")
    links = content_links(html_of(repo_copy / "site", f"articles/{clipping.slug}"))
    scaling = [link for link in links if link["href"].endswith("concepts/scaling-law/")]
    assert scaling[0]["title"] == concept_summary("scaling-law")
    assert not (repo_copy / "site/assets/gardener/previews.json").exists()


def test_qa_article_links_rlhf(built_repo_site):
    qa = article_by_origin("001_")
    links = content_links(html_of(built_repo_site, f"articles/{qa.slug}"))
    rlhf = [link for link in links if link["href"].endswith("concepts/rlhf/")]
    # the first mention uses a Chinese variant; the link still goes to the RLHF page
    assert rlhf and rlhf[0]["text"] == "基于人类反馈的增强学习"


def test_fuyao_essay_links_alignment(built_repo_site):
    essay = next(a for a in GARDEN.articles if a.authors == ("符尧",))
    links = content_links(html_of(built_repo_site, f"articles/{essay.slug}"))
    alignment = [link for link in links if link["href"].endswith("concepts/alignment/")]
    assert alignment and alignment[0]["text"] in {"Alignment", "对齐", "alignment"}


def test_first_mention_policy_and_nothing_in_code_or_headings(built_repo_site):
    for article in GARDEN.articles:
        links = content_links(html_of(built_repo_site, f"articles/{article.slug}"))
        body_links = [link for link in links if "gd-concepts" not in "".join(link["inside"])]
        for link in links:
            tags = {t.split(".")[0] for t in link["inside"]}
            assert not {"code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"} & tags, link
        # policy "first": one link per concept in the body, one more in the footer list
        hrefs = [link["href"] for link in body_links]
        assert len(hrefs) == len(set(hrefs)), article.slug


def test_article_footer_lists_concepts_with_counts(built_repo_site):
    qa = article_by_origin("001_")
    html = html_of(built_repo_site, f"articles/{qa.slug}")
    footer = html[html.index('id="本文涉及的概念"'):]
    # 基于人类反馈的增强学习, Reinforcement Learning from Human Feedback, RLHF twice
    assert re.search(r'concepts/rlhf/"[^>]*>[^<]*</a> × 4', footer), footer[:2000]


def test_rlhf_page_lists_the_qa_article_with_snippet(built_repo_site):
    qa = article_by_origin("001_")
    html = html_of(built_repo_site, "concepts/rlhf")
    section = html[html.index('id="提到它的文章"'):]
    assert f"articles/{qa.slug}/" in section
    item = section[section.index(f"articles/{qa.slug}/"):]
    item = item[:item.index("</li>")]
    assert "<strong>基于人类反馈的增强学习</strong>" in item and "（4 次）" in item


def test_glossary_lists_every_concept_in_pinyin_order(built_repo_site):
    html = html_of(built_repo_site, "glossary")
    targets = re.findall(r'href="\.\./concepts/([^/]+)/"', html)
    assert sorted(set(targets)) == sorted(c.slug for c in GARDEN.concepts)
    letters = re.findall(r'<h2 id="[^"]*">([A-Z#])', html)
    assert letters == sorted(letters)
    assert html.index("concepts/alignment/") < html.index("concepts/gpt-4/")  # 对齐 -> D before G
    # 长 alone reads zhang; only the phrase table reads 长期 as changqi and files it under C
    c_section = html[html.index('<h2 id="c">'):html.index('<h2 id="d">')]
    assert "concepts/long-term-memory/" in c_section


def test_concept_page_has_aliases_and_related(built_repo_site):
    html = html_of(built_repo_site, "concepts/scaling-law")
    assert 'id="别名"' in html and "缩放定律" in html
    assert 'id="相关概念"' in html


def test_check_reports_alias_collisions_and_bad_related(repo_copy):
    concepts = repo_copy / "docs" / "concepts"
    (concepts / "rag-copy.md").write_text(
        "---\ntitle: 另一个 RAG\naliases: [rag, 检索增强]\nrelated: [no-such-concept]\nsummary: 重复。\n---\n正文\n",
        encoding="utf-8")
    (concepts / "tiny.md").write_text("---\ntitle: 模\naliases: [模, AI, 模型]\n---\n正文\n",
                                      encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(repo_copy / "mkdocs.yml")])
    assert result.exit_code == 1
    out = result.output
    assert re.search(r"concepts/rag(-copy)?\.md: error: alias 'rag' is also claimed by concepts/rag", out)
    assert "concepts/rag-copy.md: error: related names no concept: 'no-such-concept'" in out
    assert "alias '模' is a single Chinese character" in out
    assert "alias 'AI' is shorter than 3 characters" in out
    assert "alias '模型' is an everyday Chinese word" in out
