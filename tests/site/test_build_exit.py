"""`mkdocs build` ends without Python's last collection walking every object the build made:
the plugin puts them out of the collector's reach once the build is done (on_shutdown)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import fresh_python

CODE = """
import atexit, gc, sys
# registered first, so it runs last: after every other exit handler
atexit.register(lambda: print("frozen", gc.get_freeze_count()))
from mkdocs.__main__ import cli
sys.argv = ["mkdocs", *sys.argv[1:]]
cli()
"""


def frozen_at_exit(root: Path, *args: str) -> int:
    said = fresh_python(CODE, *args, "-q", "-f", str(root / "mkdocs.yml"), "-d",
                        str(root / "site"), cwd=root)
    return int(said.split()[-1])


def test_a_build_leaves_its_objects_out_of_the_last_collection(repo_copy):
    assert frozen_at_exit(repo_copy, "build") > 10_000  # the whole build's objects
    assert (repo_copy / "site" / "index.html").is_file()
    assert (repo_copy / "site" / "timeline" / "index.html").is_file()


def test_a_garden_without_the_plugin_is_left_alone(repo_copy):
    config = repo_copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - gardener:\n", "  - gardener:\n      enabled: false\n", 1), encoding="utf-8")
    assert frozen_at_exit(repo_copy, "build") == 0
