"""Built-in plugin: normalize (being written)."""
