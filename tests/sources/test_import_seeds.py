"""Importing each real seed: what must come out, asserted on the written files."""

from __future__ import annotations

import datetime as dt
import re

import pytest

FUYAO = "谁能做出中国版ChatGPT？怎么做？"
SCRAPED = "超越ChatGPT:大模型的智能极限"


def test_all_seeds_import_without_failure(imported):
    result, into = imported
    assert result.failures == []
    assert len(result.articles) == 9
    assert len(list(into.glob("*.md"))) == 9


def test_digest_file_is_split_into_its_articles(by_title):
    for title in ("言论", "ChatGPT商业应用——LLM是星辰大海", FUYAO,
                  "ChatGPT正式踏上商业变现之路：付费版价格敲定 每月20美元",
                  "工作被ChatGPT取代，他们改去遛狗和修空调"):
        assert title in by_title
    assert not any(t.endswith(".md") for t in by_title)
    front, body = by_title["ChatGPT正式踏上商业变现之路：付费版价格敲定 每月20美元"]
    assert "\u3000" not in body
    assert body.lstrip().startswith("**《科创板日报》2月2日讯")


def test_fuyao_essay_author_and_affiliation(by_title):
    front, body = by_title[FUYAO]
    assert front["authors"] == ["符尧"]
    assert front["affiliation"] == "University of Edinburgh & Allen Institute for AI"
    assert front["contact"] == "yao.fu@ed.ac.uk"
    assert "作者：符尧" not in body
    assert not body.lstrip().startswith("# ")  # the title moved to front-matter
    assert "## 四、Alignment 对齐" in body
    # a list item without a full stop must not swallow the paragraph after it
    assert "\n所以，如果要做这件事情" in body


def test_qa_article_date_comment_and_missing_images(by_title):
    front, body = by_title["ChatGPT 与 AIGC 简问乱答"]
    assert front["date"] == "2023-02"
    assert "<!-- - **[Q6]**" in body and "-->" in body  # hidden question kept hidden
    assert front["missing_assets"] == [f"assets/faq-chatgpt-aigc/image-{i}.png" for i in range(4)]
    assert body.count('class="gd-missing-asset"') == 4
    assert "](assets/faq-chatgpt-aigc" not in body
    assert "*写于 2023 年 2 月*" in body


def test_scraped_page_furniture_becomes_front_matter(by_title):
    front, body = by_title[SCRAPED]
    assert front["date"] == dt.date(2024, 2, 22)
    assert front["publisher"] == "掌心科技"
    assert front["source"].startswith("https://www.zhangxinkeji.com/news/721.html")
    for furniture in ("动态 >", "浏览量", "本文来自", "热门推荐", "小程序外包开发", "转载请注明"):
        assert furniture not in body
    assert "## 1 三种不同的答案" in body
    assert "### 1.1 做中国的 ChatGPT" in body
    assert "## 4 Alignment 对齐" in body
    assert not re.search(r"^\d+$", body, re.MULTILINE)  # bare section numbers are gone
    assert "- 尖端人才的密度" in body and "•" not in body
    assert body.count(SCRAPED) == 0  # the repeated title line went with the breadcrumb


def test_clipping_front_matter_mapped(by_title):
    front, body = by_title["中国如何缺席ChatGPT盛宴"]
    assert front["date"] == dt.date(2023, 2, 10)
    assert front["authors"] == ["红博士说"]
    assert front["source"] == "https://archive.is/6eeyj"
    assert "tags" not in front and "created" not in front and "author" not in front
    assert "- 2017 年 6 月，Google 发布 Transformer 论文。" in body


def test_pdf_dump_rejoined_and_balanced(by_title):
    title = "OpenAI 闭门讨论会 V3 【GPT-4】 纪要"
    front, body = by_title[title]
    assert front["date"] == dt.date(2023, 3, 19)
    assert "至少集群可以提高三五倍" in body
    assert "想象边界在哪?" in body
    assert "Date:" not in body
    for line in body.split("\n"):
        assert line.count("**") % 2 == 0, line
    assert "- **对 AI Native Apps 的思考：**包括" in body
    assert "## Q1: GPT-4 之后，如何看模型能力演变和边界" in body


def test_near_duplicate_pair_is_marked_not_dropped(by_title):
    scraped, _ = by_title[SCRAPED]
    essay, _ = by_title[FUYAO]
    assert scraped["duplicate_of"] == essay["slug"]
    assert "duplicate_of" not in essay
    marked = [t for t, (f, _b) in by_title.items() if "duplicate_of" in f]
    assert marked == [SCRAPED]


def test_every_article_has_schema_fields(by_title):
    for title, (front, _body) in by_title.items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", front["slug"]), title
        assert front["lang"] == "zh"
        assert front["origin"]
        summary = front["summary"]
        assert 10 <= len(summary) <= 240, title
        assert "**" not in summary and "](" not in summary


def test_slugs_are_unique_and_readable(imported):
    result, _ = imported
    slugs = [a.slug for a in result.articles]
    assert len(set(slugs)) == len(slugs)
    assert "zhongguo-ruhe-quexi-chatgpt-shengyan" in slugs


@pytest.mark.parametrize("title", [FUYAO, SCRAPED])
def test_no_empty_lines_runs(by_title, title):
    _front, body = by_title[title]
    assert "\n\n\n" not in body
