"""The timeline in the real build of the repo's garden: page, curated entries, concept sections."""

from __future__ import annotations

import re

from click.testing import CliRunner

from gardener.site.cli import main


def html_of(site, path: str) -> str:
    return (site / path / "index.html").read_text(encoding="utf-8")


def test_timeline_page_is_chronological(built_repo_site):
    html = html_of(built_repo_site, "timeline")
    years = [int(y) for y in re.findall(r'<h2 id="[^"]*">(\d{4})', html)]
    assert years == sorted(years) and 2017 in years and 2022 in years
    assert html.index("Google 发布 Transformer 论文") < html.index("GPT-3 API 发布")


def test_curated_entries_correct_and_add(built_repo_site):
    html = html_of(built_repo_site, "timeline")
    assert "OpenAI 发布 ChatGPT（美国时间 11 月 30 日，北京时间 12 月 1 日）。" in html
    assert "OpenAI 发布 GPT-4，可以同时接受图像和文字输入（美国时间）。" in html
    before = html[:html.index("OpenAI 发布 ChatGPT（美国时间")]
    assert before.rfind('datetime="2022-11-30"') > before.rfind('datetime="2022-12-01"')


def test_concept_pages_get_their_timeline(built_repo_site):
    html = html_of(built_repo_site, "concepts/transformer")
    section = html[html.index('id="时间线"'):]
    assert "2017" in section and "Transformer" in section


def test_check_reports_bad_curated_entries(repo_copy):
    (repo_copy / "timeline.yml").write_text(
        "- date: 2023-02-30\n  text: 坏日期\n- hide: {date: 2019-07, contains: 不存在的事件}\n",
        encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--config", str(repo_copy / "mkdocs.yml")])
    assert result.exit_code == 1
    assert re.search(r"timeline\.yml:1: error: impossible date '2023-02-30'", result.output)
    assert re.search(r"timeline\.yml:3: warning: hide: no timeline event on 2019-07", result.output)
