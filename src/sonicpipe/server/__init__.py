"""The local Sonic-compatible server: the offline default voice of sonicpipe."""

from sonicpipe.server.app import LocalServer, ServerConfig, SonicServer
from sonicpipe.server.command import add_serve_parser, cmd_serve

__all__ = ["LocalServer", "ServerConfig", "SonicServer", "add_serve_parser", "cmd_serve"]
