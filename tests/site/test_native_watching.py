"""`mkdocs serve` told of saves by the system (inotify) where every watched path is on a local
file system, by MkDocs' polling anywhere else; a build reading the docs is not a change."""

from __future__ import annotations

import os
import sys
import time

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.observers.polling import PollingObserver

from gardener.site.mkdocs.watching import file_systems, watch_natively

linux = pytest.mark.skipif(sys.platform != "linux", reason="inotify is Linux's")

MOUNTS = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 252:1 / / rw,relatime shared:1 - ext4 /dev/vda rw
40 27 0:40 / /home/writer/my\\040notes rw,relatime - nfs4 server:/notes rw
41 27 0:41 / /mnt/c rw,noatime - 9p drvfs rw
42 41 0:42 / /mnt/c/fast rw,relatime - tmpfs tmpfs rw
43 41 0:43 / /mnt/c/fast rw,relatime - ext4 /dev/vdb rw
"""


def mounts(tmp_path, text=MOUNTS):
    path = tmp_path / "mountinfo"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_each_path_gets_the_file_system_of_its_deepest_mount(tmp_path):
    found = file_systems(["/srv/garden/docs", "/home/writer/my notes/docs", "/mnt/c/docs",
                          "/mnt/c/fast/docs", "/mnt/cx"], mounts(tmp_path))
    assert found == {"/srv/garden/docs": "ext4", "/home/writer/my notes/docs": "nfs4",
                     "/mnt/c/docs": "9p", "/mnt/c/fast/docs": "ext4", "/mnt/cx": "ext4"}


def server_watching(*paths) -> LiveReloadServer:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=".")
    for path in paths:
        server.watch(str(path))
    return server


def wants_rebuild(server, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server._want_rebuild:
            return True
        time.sleep(0.01)
    return False


@linux
def test_a_save_is_noticed_at_once_and_a_read_is_not_a_change(tmp_path):
    docs, config = tmp_path / "docs", tmp_path / "mkdocs.yml"
    (docs / "articles").mkdir(parents=True)
    page = docs / "articles" / "a.md"
    page.write_text("# 甲\n", encoding="utf-8")
    config.write_text("site_name: x\n", encoding="utf-8")
    server = server_watching(docs, config, config)
    watched = dict(server._watched_paths)
    kind = file_systems([str(docs)])[str(docs)]
    chosen = watch_natively(server)
    if kind not in ("ext4", "xfs", "btrfs", "tmpfs", "overlay"):
        pytest.skip(f"the test folder is on {kind}")
    assert chosen == "the system's notifications"
    assert not isinstance(server.observer, PollingObserver)
    assert server._watched_paths == watched  # asked twice for mkdocs.yml: unwatched once, kept
    server.unwatch(str(config))
    server.observer.start()
    try:
        time.sleep(0.1)
        page.read_text(encoding="utf-8")  # what a build does to every page
        assert not wants_rebuild(server, 0.3)
        saved = page.with_name(".a.md.tmp")  # an editor's atomic save
        saved.write_text("# 甲\n\n新的一句。\n", encoding="utf-8")
        os.replace(saved, page)
        assert wants_rebuild(server, 0.2)  # polling would take up to 0.5 s
        server._want_rebuild = False
        config.write_text("site_name: y\n", encoding="utf-8")
        assert wants_rebuild(server, 0.2)
    finally:
        server.observer.stop()
        server.observer.join()


def test_polling_stays_where_a_path_is_not_on_a_local_file_system(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    server = server_watching(docs)
    real = os.path.realpath(docs)
    chosen = watch_natively(server, mounts=mounts(tmp_path, f"1 0 0:1 / / rw - ext4 x rw\n"
                                                            f"2 1 0:2 / {real} rw - nfs4 s:/x rw\n"))
    assert chosen.startswith("polling") and real in chosen
    assert isinstance(server.observer, PollingObserver)
    assert [e.watch.path for e in server.observer.emitters] == [str(docs)]


def test_a_path_watched_later_counts_too(tmp_path):
    docs, elsewhere = tmp_path / "docs", tmp_path / "shared"
    docs.mkdir()
    elsewhere.mkdir()
    server = server_watching(docs)
    table = f"1 0 0:1 / / rw - ext4 x rw\n2 1 0:2 / {os.path.realpath(elsewhere)} rw - cifs s rw\n"
    assert watch_natively(server, extra=[str(elsewhere)],
                          mounts=mounts(tmp_path, table)).startswith("polling")
    assert isinstance(server.observer, PollingObserver)


@linux
def test_a_path_the_system_will_not_watch_keeps_polling(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    server = server_watching(docs)
    missing = tmp_path / "not-there"  # named in mkdocs.yml's watch:, never made
    kind = file_systems([str(docs)])[str(docs)]
    if kind not in ("ext4", "xfs", "btrfs", "tmpfs", "overlay"):
        pytest.skip(f"the test folder is on {kind}")
    chosen = watch_natively(server, extra=[str(missing)])
    assert chosen.startswith("polling (the system's notifications refused"), chosen
    assert isinstance(server.observer, PollingObserver)
    assert [e.watch.path for e in server.observer.emitters] == [str(docs)]


def test_a_link_to_a_folder_inside_the_docs_keeps_polling(tmp_path):
    docs, shared = tmp_path / "docs", tmp_path / "starter" / "concepts"
    docs.mkdir()
    shared.mkdir(parents=True)
    (shared / "attention.md").write_text("# 注意力\n", encoding="utf-8")
    (docs / "concepts").symlink_to(shared, target_is_directory=True)
    server = server_watching(docs)
    chosen = watch_natively(server)
    assert chosen.startswith("polling") and str(docs / "concepts") in chosen, chosen
    assert isinstance(server.observer, PollingObserver)
