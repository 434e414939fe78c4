"""Links gardener writes as HTML go where MkDocs would send the same Markdown link."""

from __future__ import annotations

from urllib.parse import urljoin

from hypothesis import given
from hypothesis import strategies as st
from mkdocs.utils import get_relative_url

from gardener.pages.urls import page_url, relative_url

_PART = st.sampled_from(["articles", "concepts", "a", "b-c", "第一章", "x y", "index"])
_NAME = st.sampled_from(["index.md", "README.md", "note.md", "a.md", "timeline.md", "文章.md"])
PATHS = st.builds(lambda folders, name: "/".join([*folders, name]),
                  st.lists(_PART, max_size=3), _NAME)


SITE = "https://example.org/site/"


@given(PATHS, PATHS, st.booleans())
def test_relative_url_goes_where_mkdocs_link_goes(here, there, directory_urls):
    page, target = page_url(here, directory_urls), page_url(there, directory_urls)
    ours = urljoin(SITE + page, relative_url(here, there, directory_urls))
    assert ours == SITE + target
    assert ours == urljoin(SITE + page, get_relative_url(target, page))


def test_examples():
    assert relative_url("articles/a.md", "concepts/rlhf.md") == "../../concepts/rlhf/"
    assert relative_url("articles/a.md", "concepts/rlhf.md", False) == "../concepts/rlhf.html"
    assert relative_url("concepts/rlhf.md", "index.md") == "../../"
