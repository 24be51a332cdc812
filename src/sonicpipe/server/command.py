"""``sonicpipe serve``: run the local Sonic-compatible server until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import socket
from collections.abc import Callable

from sonicpipe.config import Secret
from sonicpipe.server.app import ServerConfig, SonicServer
from sonicpipe.server.engines import ENGINES

DEFAULT_PORT = 8765
# What a socket that cannot listen where it is asked to says (the name or the port).
LISTEN_ERRORS = (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES)


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve Sonic's WebSocket protocol with a local voice."""
    key = None
    if args.api_key_env:
        value = os.environ.get(args.api_key_env)
        if not value or value.isspace():
            raise ValueError(f"--api-key-env: the environment variable {args.api_key_env} is empty")
        key = Secret(value)
    config = ServerConfig(
        host=args.host,
        port=args.port,
        max_contexts=args.max_contexts,
        max_connections=args.max_connections,
        api_key=key,
        linger=args.linger,
        threads=args.threads,
        send_timeout=args.send_timeout,
    )
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    server = SonicServer(config, args.engine)
    try:
        asyncio.run(server.serve_forever())
    except KeyboardInterrupt:
        return 0
    except OSError as exc:
        if not isinstance(exc, socket.gaierror) and exc.errno not in LISTEN_ERRORS:
            raise
        reason = exc.strerror if isinstance(exc, socket.gaierror) else os.strerror(exc.errno)
        raise OSError(
            f"cannot listen on {args.host} port {args.port}: {reason} (see --host and --port)"
        ) from None
    return 0


def config_value(
    name: str, kind: type[int] | type[float] | type[str]
) -> Callable[[str], int | float | str]:
    """An argparse type: a value (a number or text) that :class:`ServerConfig` takes as its
    ``name``; the error is the config's, after the option's name (not the field's)."""

    def parse(text: str) -> int | float | str:
        try:
            value = kind(text)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        try:
            ServerConfig(**{name: value})
        except ValueError as exc:  # "port 99999: must be from 0 to 65535 (0: any free port)"
            raise argparse.ArgumentTypeError(
                f"{str(exc).partition(': ')[2]}, got {text!r}"
            ) from None
        return value

    return parse


def add_serve_parser(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``serve`` subcommand to the ``sonicpipe`` command."""
    from sonicpipe.cli import add_command  # the command line that adds this one

    serve = add_command(
        subparsers,
        "serve",
        "run the local Sonic-compatible server (offline voice)",
        "Serve Sonic's WebSocket protocol (ws://HOST:PORT/tts/websocket) with an offline\n"
        "voice until Ctrl-C: a drop-in for Cartesia's API, for any Sonic client.",
        ["sonicpipe serve --engine espeak --port 9000 --max-contexts 4",
         "LOCAL_KEY=secret sonicpipe serve --api-key-env LOCAL_KEY"],
    )  # fmt: skip
    serve.add_argument(
        "--host",
        type=config_value("host", str),
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; 0.0.0.0: every interface)",
    )
    serve.add_argument(
        "--port",
        type=config_value("port", int),
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0: any free port)",
    )
    serve.add_argument(
        "--engine",
        choices=ENGINES,
        default=None,
        help="voice engine (default: piper when installed, else espeak)",
    )
    serve.add_argument(
        "--threads",
        type=config_value("threads", int),
        default=None,
        metavar="N",
        help="cores one synthesis may use (piper; default: all) - leave the rest to other work",
    )
    serve.add_argument(
        "--max-contexts",
        type=config_value("max_contexts", int),
        default=ServerConfig.max_contexts,
        metavar="N",
        help=f"live contexts at once, over all connections (default {ServerConfig.max_contexts}"
        "); past it, a new context gets a 429 error",
    )
    serve.add_argument(
        "--max-connections",
        type=config_value("max_connections", int),
        default=ServerConfig.max_connections,
        metavar="N",
        help="open connections at once (default "
        f"{ServerConfig.max_connections}); past it, a new one is refused with 429",
    )
    serve.add_argument(
        "--linger",
        type=config_value("linger", float),
        default=ServerConfig.linger,
        metavar="SECONDS",
        help="seconds a context that streams input stays live after its last generation "
        f"(default {ServerConfig.linger:g})",
    )
    serve.add_argument(
        "--send-timeout",
        type=config_value("send_timeout", float),
        default=ServerConfig.send_timeout,
        metavar="SECONDS",
        help="cut a client that takes none of the audio sent to it for this long (default "
        f"{ServerConfig.send_timeout:g}): one that stops reading holds its contexts",
    )
    serve.add_argument(
        "--api-key-env",
        metavar="VAR",
        help="require the API key held in environment variable VAR (default: no key)",
    )
    serve.add_argument("--verbose", "-v", action="store_true", help="log at debug level too")
    serve.set_defaults(func=cmd_serve, takes=())  # reads no settings
