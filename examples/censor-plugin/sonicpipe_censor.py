"""Replace listed words with "bleep" before Sonic speaks them.

Configure the words in the settings file::

    [options.censor]
    words = ["darn", "heck"]
"""

import re

from sonicpipe import Document, Settings, hookimpl

DEFAULT_WORDS = ("darn",)
sonicpipe_name = "censor"  # its name also when registered as plugins = ["sonicpipe_censor"]
sonicpipe_options = ("words",)  # any other key in [options.censor] is an error


@hookimpl
def sonicpipe_normalize_text(doc: Document, settings: Settings) -> None:
    """Bleep every configured word (whole words, any case)."""
    words = settings.plugin_options("censor").get("words", DEFAULT_WORDS)
    pattern = r"\b(?:" + "|".join(map(re.escape, words)) + r")\b"
    doc.text = re.sub(pattern, "bleep", doc.text, flags=re.IGNORECASE)
