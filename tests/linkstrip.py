"""Test helper: undo what `gardener.pages.links.link_mentions` wrote.

The shape below is the produced link format (see that module's docstring); hand-written links
practically never look like it, which is what lets the round-trip tests strip exactly the
inserted links and compare with the input.
"""

import re

# The characters excluded below are exactly those the escapers in gardener.pages.links remove,
# which is what makes the shape recognisable.  link_mentions never writes a
# link next to the characters of _UNSAFE_BEFORE / _UNSAFE_AFTER, so neither
# is one accepted there: that also keeps images and escaped brackets out.
_PRODUCED = re.compile(
    r"""(?<![!\\\]_}])\[((?:[^\\\[\]`\n]|\\[\\\[\]`])+)\]"""
    r"""\(<[^\s"'<>()\[\]\\`$|\x7f]+>"""
    r"""(?:[ ]"[^"'<>\\`$|\[\]()\x00-\x1f\x7f]*")?\)(?![{_])"""
)
_TEXT_UNESCAPE = re.compile(r"\\([\\\[\]`])")


def strip_links(linked: str) -> str:
    """Undo ``link_mentions``: replace every link of the produced shape by
    its (unescaped) text, leaving all other Markdown untouched."""
    return _PRODUCED.sub(lambda m: _TEXT_UNESCAPE.sub(r"\1", m.group(1)), linked)
