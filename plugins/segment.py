"""Built-in plugin: segment (being written)."""
