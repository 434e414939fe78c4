"""gardener: a knowledge garden for Chinese and English articles about LLMs."""

__version__ = "0.1.0"
