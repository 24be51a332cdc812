"""sonicpipe: prepare text for Cartesia Sonic and finish the audio it returns."""

from sonicpipe.config import ConfigError, OutputFormat, Secret, Settings
from sonicpipe.controls import ControlError, Defaults, Rendered
from sonicpipe.hookspecs import hookimpl
from sonicpipe.model import Document, Mark, MarkKind, Segment
from sonicpipe.plugins import PluginError, PluginHost
from sonicpipe.text import TextChain

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "ControlError",
    "Defaults",
    "Document",
    "Mark",
    "MarkKind",
    "OutputFormat",
    "PluginError",
    "PluginHost",
    "Rendered",
    "Secret",
    "Segment",
    "Settings",
    "TextChain",
    "hookimpl",
]
