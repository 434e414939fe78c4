"""The gardener plugin's options as an MkDocs config, typed like Material's own plugins.

The options themselves (names, types, defaults, meaning) live in `gardener.options.Options`;
this class is made from them, so MkDocs validates exactly those and nothing is said twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from gardener.options import Options, plugin_fields, plugin_options, site_fields


def _config_option(default: Any, choices: tuple | None) -> opt.BaseConfigOption:
    if choices is not None:
        return opt.Choice(tuple(str(c) for c in choices), default=str(default))
    return opt.Type(type(default), default=default)


# Made, not written out: MkDocs reads a config's options from its class attributes.
GardenerConfig: type[Config] = type("GardenerConfig", (Config,), {
    "__doc__": "The `plugins: - gardener:` entry of mkdocs.yml: one option per field of Options.",
    **{name: _config_option(default, choices) for name, default, choices in plugin_fields()},
})


def to_options(config: Config, mkdocs_config: MkDocsConfig) -> Options:
    """The validated plugin config and the site it belongs to, as the core's Options."""
    values = {name: config[name] for name, _default, _choices in plugin_fields()}
    config_file = Path(mkdocs_config.config_file_path) if mkdocs_config.config_file_path else None
    options, problems = plugin_options(values, **site_fields(mkdocs_config, config_file,
                                                             Path(mkdocs_config.docs_dir)))
    if problems:  # MkDocs checked the same fields, so this is a gardener bug, not bad input
        raise PluginError("; ".join(problems))
    return options
