"""Built-in plugin: pronounce (being written)."""
