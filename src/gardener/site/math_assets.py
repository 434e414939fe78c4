"""What a site needs to typeset formulas offline, in one place for the MkDocs plugin and for
`gardener export`.

Formulas are marked by pymdownx.arithmatex (generic mode) and typeset in the browser by KaTeX,
which ships inside the package (assets/katex: katex.min.js, katex.min.css, the woff2 fonts and
KaTeX's licence, unchanged from the npm package `katex` at KATEX_VERSION), started by our
assets/math.js. Nothing is fetched from another site.
"""

from __future__ import annotations

from importlib import resources

ARITHMATEX = "pymdownx.arithmatex"
KATEX_VERSION = "0.19.1"
SITE_DIR = "assets/gardener"
CSS = [f"{SITE_DIR}/katex/katex.min.css"]
JAVASCRIPT = [f"{SITE_DIR}/katex/katex.min.js", f"{SITE_DIR}/math.js"]


def uses_math(extensions) -> bool:
    """Whether a `markdown_extensions` list loads arithmatex: names as MkDocs validates them, or
    the entries of a raw mkdocs.yml (names, and one-key mappings for configured ones)."""
    for entry in extensions or ():
        name = next(iter(entry), None) if isinstance(entry, dict) else entry
        if name == ARITHMATEX:
            return True
    return False


def extra_css(extensions) -> list[str]:
    return list(CSS) if uses_math(extensions) else []


def extra_javascript(extensions) -> list[str]:
    return list(JAVASCRIPT) if uses_math(extensions) else []


def math_files() -> dict[str, bytes]:
    """Site path -> content of every file that CSS and JAVASCRIPT load, fonts included."""
    assets = resources.files("gardener").joinpath("assets")
    katex = assets.joinpath("katex")
    files = {f"{SITE_DIR}/math.js": assets.joinpath("math.js").read_bytes()}
    for name in ("katex.min.js", "katex.min.css", "LICENSE"):
        files[f"{SITE_DIR}/katex/{name}"] = katex.joinpath(name).read_bytes()
    # The stylesheet lists woff2 first; every browser that runs KaTeX reads it, so the woff and
    # ttf copies it also names are never requested and are not shipped.
    for font in katex.joinpath("fonts").iterdir():
        if font.name.endswith(".woff2"):
            files[f"{SITE_DIR}/katex/fonts/{font.name}"] = font.read_bytes()
    return files
