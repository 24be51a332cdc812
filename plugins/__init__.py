"""sonicpipe's built-in plugins, registered through the ``sonicpipe`` entry-point group."""
