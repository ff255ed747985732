"""``apiary serve``: the language server, over stdio (default) or TCP."""

from __future__ import annotations

import logging
import os
import sys
from argparse import Namespace

from apiary.cli.arguments import log_file, port


def register(commands) -> None:
    serve = commands.add_parser("serve", help="run the language server (any LSP client: VS Code, Neovim, Emacs, Helix)")
    transport = serve.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (default)")
    transport.add_argument("--tcp", action="store_true",
                           help="listen on --host:--port instead (one client; any local user can connect)")
    transport.add_argument(
        "--socket", metavar="PATH", help="listen on a Unix socket only this user can open (mode 0600)"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=port, default=2087)
    serve.add_argument("--log-file", type=log_file, help="also write the server log to this file")
    serve.set_defaults(run=run_serve)


def run_serve(args: Namespace) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # models are never downloaded at run time
    _setup_logging(args.log_file, args.verbose)
    from apiary.lsp.run import serve_socket, serve_stdio, serve_tcp

    if args.socket:
        code = serve_socket(args.socket)
    else:
        code = serve_tcp(args.host, args.port) if args.tcp else serve_stdio()
    logging.shutdown()
    sys.stderr.flush()
    # A generator that hangs may still hold a worker thread; `exit` must end the process regardless.
    os._exit(code)


def _setup_logging(log_file: str | None, verbose: bool) -> None:
    root = logging.getLogger()
    if log_file:
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    logging.getLogger("apiary").setLevel(logging.INFO if (verbose or log_file) else logging.WARNING)
    logging.getLogger("pygls").setLevel(logging.WARNING)
