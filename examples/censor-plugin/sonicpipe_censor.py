"""Replace listed words with "bleep" before Sonic speaks them.

Configure the words in the settings file::

    [options.censor]
    words = ["darn", "heck"]
"""

import re

from sonicpipe import ConfigError, Document, Settings, hookimpl

sonicpipe_name = "censor"  # its name also when registered as plugins = ["sonicpipe_censor"]
sonicpipe_options = ("words",)  # the keys of its [options.censor] table; others are errors


def censored_words(settings: Settings) -> list[str]:
    """The words of ``[options.censor]`` (default: darn); anything but a non-empty list of
    words is an error naming the option, as with the built-in plugins."""
    words = settings.plugin_options("censor").get("words", ["darn"])
    valid = isinstance(words, list) and all(isinstance(w, str) and w.strip() for w in words)
    if not (valid and words):
        raise ConfigError(
            f"options.censor.words: expected a non-empty list of words, got {words!r}"
        )
    return words


@hookimpl
def sonicpipe_normalize_text(doc: Document, settings: Settings) -> None:
    """Bleep every configured word (whole words, any case)."""
    pattern = r"\b(?:" + "|".join(map(re.escape, censored_words(settings))) + r")\b"
    doc.text = re.sub(pattern, "bleep", doc.text, flags=re.IGNORECASE)
