"""Pages: one emitter per generated page kind, each a pure function from the garden to Markdown."""
