"""The MkDocs adapter: typed options and thin event handlers that call into the core."""
