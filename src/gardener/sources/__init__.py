"""Sources: bytes on disk to cleaned article drafts with inferred metadata."""
