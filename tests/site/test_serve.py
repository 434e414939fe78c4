"""`mkdocs serve` while writing: edits reach every dependent page; bad input never stops it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    # generous: a rebuild on a busy machine holds the request until the site is written
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode("utf-8")


def wait_for(condition, timeout: float = 40.0, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture()
def server(repo_copy):
    port = free_port()
    log = repo_copy / "serve.log"
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    with open(log, "w", encoding="utf-8") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
            cwd=repo_copy, stdout=out, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: "术语表" in fetch(base + "glossary/"), 60, "the first build")
        yield base, repo_copy, log
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_edits_reach_dependent_pages_and_bad_input_is_survived(server):
    base, root, log = server
    clipping = "articles/zhongguo-ruhe-quexi-chatgpt-shengyan/"
    note = root / "docs" / "concepts" / "covid-19.md"
    note.write_text("---\ntitle: 新冠疫情（Covid-19）\naliases: [Covid-19, 新冠疫情]\n"
                    "summary: 2020 年起在全球流行的传染病。\n---\n\n一次全球大流行。\n", encoding="utf-8")
    wait_for(lambda: "concepts/covid-19/" in fetch(base + "glossary/"), what="the glossary entry")
    assert 'covid-19/">Covid-19</a>' in fetch(base + clipping)
    previews = json.loads(fetch(base + "assets/gardener/previews.json"))
    assert previews["concepts/covid-19/"]["s"] == "2020 年起在全球流行的传染病。"

    timeline = root / "timeline.yml"
    timeline.write_text(timeline.read_text(encoding="utf-8")
                        + "- date: 2021-05-18\n  text: 手写的新事件出现在时间线上。\n", encoding="utf-8")
    wait_for(lambda: "手写的新事件出现在时间线上。" in fetch(base + "timeline/"), what="the timeline")

    broken = root / "docs" / "articles" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\n正文\n", encoding="utf-8")
    wait_for(lambda: "articles/broken.md:2: error: invalid front-matter YAML"
             in log.read_text(encoding="utf-8"), what="the error in the log")
    assert "covid-19" in fetch(base + "glossary/")  # still serving the garden
    broken.unlink()
    article = root / "docs" / "articles" / "yanlun.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n新冠疫情改变了很多事。\n",
                       encoding="utf-8")
    wait_for(lambda: "改变了很多事" in fetch(base + "articles/yanlun/"), what="the edit")
    assert 'concepts/covid-19/' in fetch(base + "articles/yanlun/")  # and linked at once
    assert "Traceback" not in log.read_text(encoding="utf-8")
