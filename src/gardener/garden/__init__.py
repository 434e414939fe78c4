"""Garden: whole-corpus analysis done once: loading, duplicates, concept mentions, events."""
