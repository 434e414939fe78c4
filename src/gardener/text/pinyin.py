"""Pinyin spellings of Chinese names, for ordering them among English ones.

pypinyin reads polyphonic characters right only with its phrase table (长期 is "changqi", not
"zhangqi"), and that table stays in memory for the life of the process: about 55 MB, a third of
what a whole 1,000-article build otherwise needs. A build spells a few hundred concept titles,
so it asks a short-lived child process for them and carries none of the table; the results are
small and go into the analysis cache, so only a cold build starts the child at all. The child is
forked (it starts in milliseconds with everything loaded); a process that cannot fork (one with
other threads, as `mkdocs serve` is while it rebuilds) starts a new interpreter instead.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable, Iterable

from gardener.forks import begun
from gardener.text.cjk import has_cjk

log = logging.getLogger("mkdocs.plugins.gardener")


def spellings(names: Iterable[str]) -> dict[str, str]:
    """Name -> its pinyin without tones or spaces, for every name with a Chinese character."""
    return spellings_begun(names)()


def spellings_begun(names: Iterable[str]) -> Callable[[], dict[str, str]]:
    """As `spellings`, the child started now: the function returned waits for its answer."""
    wanted = sorted({name for name in names if has_cjk(name)})
    if not wanted:
        return dict
    return begun(spell, wanted, unforked=_spelled_by_new_process)


def _spelled_by_new_process(wanted: list[str]) -> dict[str, str]:
    try:
        run = subprocess.run(
            [sys.executable, "-m", "gardener.text.pinyin"], input=json.dumps(wanted).encode("ascii"),
            capture_output=True, timeout=120, check=True)
        spelled = json.loads(run.stdout)
        if isinstance(spelled, dict) and set(spelled) == set(wanted):
            return spelled
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        log.debug(f"gardener: pinyin child process failed ({exc}); spelling in this process")
    return spell(wanted)


def spell(names: Iterable[str]) -> dict[str, str]:
    from pypinyin import lazy_pinyin

    return {name: "".join(lazy_pinyin(name)) for name in names}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(spell(json.loads(sys.stdin.buffer.read()))))
