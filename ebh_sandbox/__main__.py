"""Command line: ``python -m ebh_sandbox {serve,demo,add-account,show-account}``."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import accounts, rest_auth
from .faults import Faults
from .server import SandboxApp, make_server
from .settings import Settings, add_dataclass_flags, flags_to_changes
from .store import Store

DEFAULT_DB = "var/sandbox.sqlite3"


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (accounts.AccountError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ebh_sandbox", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="command")
    serve = commands.add_parser("serve", help="run the simulator")
    _server_flags(serve)
    serve.set_defaults(func=cmd_serve)
    demo = commands.add_parser("demo", help="create (or reuse) a demo account, show it, serve")
    _server_flags(demo)
    demo.add_argument("--username", default="demo")
    demo.add_argument("--account-file", metavar="PATH",
                      help="also write the account's JSON line (as add-account prints it) here")
    demo.set_defaults(func=cmd_demo)
    add = commands.add_parser("add-account", help="create an account, print its codes as JSON")
    add.add_argument("--db", default=DEFAULT_DB)
    add.add_argument("--username", required=True)
    add.add_argument("--administrations", type=int, default=1)
    add.add_argument("--accountant", action="store_true")
    add.add_argument("--no-api-access", dest="api_access", action="store_false",
                     help="the user lacks API rights (OpenSession answers E001.5)")
    add.add_argument("--if-missing", action="store_true",
                     help="if the account exists, print it instead of failing")
    add.set_defaults(func=cmd_add_account)
    token = commands.add_parser(
        "api-token", help="REST API tokens: add one to an administration, revoke or expire one")
    token.add_argument("--db", default=DEFAULT_DB)
    action = token.add_mutually_exclusive_group(required=True)
    action.add_argument("--add", metavar="ADMIN_GUID", help="a new token for this administration")
    action.add_argument("--revoke", metavar="TOKEN")
    action.add_argument("--expire", metavar="TOKEN", help="let the token's end date pass")
    token.add_argument("--expires-in-s", type=float, default=None,
                       help="with --add: the token's end date, seconds from now")
    token.set_defaults(func=cmd_api_token)
    show = commands.add_parser("show-account", help="print an account's codes as JSON")
    show.add_argument("--db", default=DEFAULT_DB)
    show.add_argument("--username", required=True)
    show.set_defaults(func=cmd_show_account)
    return parser


def _server_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    add_dataclass_flags(parser, Settings())
    add_dataclass_flags(parser, Faults(), prefix="fault-")
    parser.add_argument("--fault-password-changed", metavar="USERNAME",
                        help='rotate security code 1 of USERNAME ("*": all) at start-up')


def _build_app(args: argparse.Namespace) -> SandboxApp:
    settings = Settings().updated(flags_to_changes(args, Settings()))
    faults = Faults.from_json(flags_to_changes(args, Faults(), prefix="fault-"))
    return SandboxApp(Store(args.db), settings, faults)


def cmd_serve(args: argparse.Namespace, banner: str = "") -> int:
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = _build_app(args)
    server = make_server(args.host, args.port, app)
    host, port = server.server_address[:2]
    # The first stdout line is read by ebh_sandbox.testing to learn the port (0 = any free one).
    print(f"ebh_sandbox listening on http://{host}:{port}", flush=True)
    if args.fault_password_changed:
        rotated = accounts.rotate_security_code_1(
            app.store, args.fault_password_changed,
            end_sessions=app.settings.rotation_ends_sessions)
        print(json.dumps({"rotated": rotated}), flush=True)
    if banner:
        print(banner.replace("{url}", f"http://{host}:{port}"), flush=True)
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _exit_on_signal(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def cmd_demo(args: argparse.Namespace) -> int:
    info = _ensure_account(args.db, args.username)
    if args.account_file:
        path = Path(args.account_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(info) + "\n")
    banner = (
        "\nDemo account for the e-Boekhouden sandbox (enter these in the app's connection form):\n"
        f"  Gebruikersnaam     : {info['username']}\n"
        f"  Beveiligingscode 1 : {info['security_code_1']}\n"
        f"  Beveiligingscode 2 : {info['security_code_2']}\n"
        f"  API-token (REST)   : {info.get('api_token')}\n"
        "  SOAP endpoint      : {url}/soap.asmx   (WSDL: {url}/soap.asmx?wsdl)\n"
        "  REST API           : {url}/v1/   (POST {url}/v1/session)\n"
        "  Watch the bookings : {url}/\n"
    )
    return cmd_serve(args, banner)


def _ensure_account(db: str, username: str, **options: Any) -> dict[str, Any]:
    """The account's JSON, created first when it does not exist yet."""
    store = Store(db)
    try:
        with store.read() as conn:
            return accounts.account_info(conn, username)
    except accounts.AccountError:
        return accounts.create_account(store, username, **options)
    finally:
        store.close()


def cmd_add_account(args: argparse.Namespace) -> int:
    options = {"administrations": args.administrations, "accountant": args.accountant,
               "api_access": args.api_access}
    if args.if_missing:
        info = _ensure_account(args.db, args.username, **options)
    else:
        info = accounts.create_account(Store(args.db), args.username, **options)
    print(json.dumps(info))
    return 0


def cmd_api_token(args: argparse.Namespace) -> int:
    store = Store(args.db)
    try:
        with store.transaction() as conn:
            if args.add:
                answer = rest_auth.add_token(conn, args.add, args.expires_in_s)
            elif args.revoke:
                answer = rest_auth.revoke_token(conn, args.revoke)
            else:
                answer = rest_auth.expire_token(conn, args.expire)
    finally:
        store.close()
    print(json.dumps(answer))
    return 0


def cmd_show_account(args: argparse.Namespace) -> int:
    store = Store(args.db)
    with store.read() as conn:
        print(json.dumps(accounts.account_info(conn, args.username)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
