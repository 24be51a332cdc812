"""Built-in plugin: cleanup (being written)."""
