"""The served folder: the last build's pages are set aside before MkDocs empties the folder, kept
while the build runs and removed once it is done, before the server removes the folder."""

from __future__ import annotations

import threading

from gardener.site.mkdocs.reuse import ServedPages


def removers() -> list[str]:
    """This process's threads, but for the one that collects cycles once a rebuild is done."""
    return sorted(t.name for t in threading.enumerate() if t.name != "gardener-idle-collection")


def test_pages_set_aside_are_removed_after_the_build_not_during_it(tmp_path):
    site = tmp_path / "served"
    (site / "articles" / "a").mkdir(parents=True)
    (site / "articles" / "a" / "index.html").write_text("<p>甲</p>", encoding="utf-8")
    (site / "index.html").write_text("<p>首页</p>", encoding="utf-8")
    served = ServedPages()
    threads = removers()
    served.set_aside(str(site))
    assert sorted(p.name for p in site.iterdir()) == [".gardener-old"]  # MkDocs leaves it alone
    aside = site / ".gardener-old" / "1"
    assert (aside / "articles" / "a" / "index.html").read_text(encoding="utf-8") == "<p>甲</p>"
    served.finish()  # the build is done: the removal starts, in a process of its own
    assert removers() == threads  # no thread of this process removes files
    served.close()  # the server stops: the removal has finished
    assert not aside.exists()


def test_a_failed_build_also_removes_what_it_set_aside(tmp_path):
    site = tmp_path / "served"
    site.mkdir()
    (site / "index.html").write_text("x", encoding="utf-8")
    served = ServedPages()
    served.set_aside(str(site))
    served.abandon()
    served.close()
    assert not (site / ".gardener-old" / "1").exists()
