"""``tfso-mock serve``: start the emulator (also ``python -m mockserver serve``).

Every problem with a flag, a ``TFSO_MOCK_*`` variable or the environment (port in use, a
directory that does not exist, an unreadable scenario) ends the command with one line on stderr,
``tfso-mock: ...``, and exit code 2: never a traceback, never a silent substitute.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import secrets
import signal
import sqlite3
import sys
from dataclasses import fields, replace
from urllib.parse import urlsplit

from . import __version__
from .ledger.interpretations import TRANSACTION_NO_ZERO_MODES
from .limits import Limits
from .settings import Settings, SettingsError, host_problem


class UsageError(Exception):
    """A problem the user can fix; its text is the one line printed (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a mistake is one line (``tfso-mock serve: argument --port: ...``)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tfso-mock", description="Offline 24SevenOffice API emulator")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command")  # required: checked in main, after unknown flags
    s = sub.add_parser("serve", help="start the emulator with its demo client")
    s.add_argument("--host", help="address to bind (default 127.0.0.1; env TFSO_MOCK_HOST)")
    s.add_argument("--port", type=int, help="port (default 8080; 0 picks a free one; env TFSO_MOCK_PORT)")
    s.add_argument("--public-url", dest="public_url",
                   help="URL clients use, written into every WSDL (default: from the request)")
    s.add_argument("--no-admin", dest="admin", action="store_const", const=False,
                   help="switch the /__admin/ control API off")
    s.add_argument("--admin-token", dest="admin_token",
                   help="require 'Authorization: Bearer TOKEN' on /__admin/")
    s.add_argument("--rate-limit", dest="rate_limit", type=int,
                   help="requests per hour per caller (default 7200; 0 is off)")
    s.add_argument("--burst-limit", dest="burst_limit", type=int,
                   help="requests per second per caller before plain 429s (default 0: off; "
                        "the vendor throttles at about 25)")
    s.add_argument("--scenario",
                   help="scenario name (fixtures/scenarios/NAME.yaml) or YAML path for the demo "
                        "client (env TFSO_MOCK_SCENARIO)")
    s.add_argument("--scenario-dir", dest="scenario_dir", action="append", metavar="DIR",
                   help="another folder of scenario files (NAME.yaml), repeatable: the control "
                        "API loads scenarios by name from the shipped folder and these "
                        "(env TFSO_MOCK_SCENARIO_DIRS, separated by ':')")
    s.add_argument("--threads", type=int,
                   help="worker threads for requests that may wait: control-API calls, injected "
                        "delays (default 8; env TFSO_MOCK_THREADS)")
    s.add_argument("--serving", choices=("loop", "threads"),
                   help="'loop' (default): requests run in the server's event loop; 'threads': "
                        "every request handed to a worker thread, as plain waitress does "
                        "(env TFSO_MOCK_SERVING)")
    s.add_argument("--store",
                   help="'memory' (default) or 'sqlite:PATH': state kept in a SQLite file, which "
                        "survives a restart and is shared by every process serving it "
                        "(env TFSO_MOCK_STORE)")
    s.add_argument("--workers", type=int,
                   help="worker processes sharing one listening socket (default 1; more than 1 "
                        "needs --store sqlite:PATH; env TFSO_MOCK_WORKERS)")
    s.add_argument("--transaction-no-zero", dest="transaction_no_zero",
                   choices=TRANSACTION_NO_ZERO_MODES,
                   help="what SaveBundleList does with TransactionNo 0: book it as sent "
                        "(default), give it the series' next free number, or refuse it "
                        "(env TFSO_MOCK_TRANSACTION_NO_ZERO)")
    s.add_argument("--limit", action="append", metavar="NAME=N",
                   help="a capacity limit, repeatable: "
                        + ", ".join(f.name for f in fields(Limits))
                        + " (env TFSO_MOCK_LIMIT_NAME; README: Robustness)")
    s.add_argument("--quiet", action="store_true", help="print only the base URL line")
    r = sub.add_parser("record", help="proxy to an upstream API and store each exchange as a "
                                      "recorded pair (credentials and session ids scrubbed)")
    r.add_argument("--upstream", required=True, help="base URL to forward to, e.g. https://api.24sevenoffice.com")
    r.add_argument("--out", required=True, help="folder for the recorded pair files")
    r.add_argument("--port", type=int, default=8081, help="port to listen on (default 8081; 0 picks one)")
    r.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    r.add_argument("--source", default="live recording", help="source label written into each pair")
    r.add_argument("--setup", help='client setup the replay needs, as JSON, e.g. \'{"fiscal_years": [2024]}\'')
    return p


def effective_settings(settings: Settings) -> Settings:
    """Listening beyond loopback with the control API on and no token: make one up (printed at
    start-up), so nobody else on the network can reset or rewire the emulator."""
    if not settings.is_loopback and settings.admin and not settings.admin_token:
        settings = replace(settings, admin_token=secrets.token_urlsafe(24))
    return settings


def _collect_only_what_is_new() -> None:
    """A served ledger only grows, and a collection of the cyclic GC walks every object of its
    generations: with a few hundred thousand lines booked, a full one stopped every request for
    80-460 ms (measured by bench/run.py). Freeze what is alive at start-up and after every
    collection of the older generations (1 and 2), so none walks more than what came since the
    last one: under SaveBundleList at 8 connections the full collections took up to 60-90 ms
    each (every line booked since the last one walked again, and 0 objects found), the p99 of
    the whole row. Frozen objects are still freed when unreferenced; what is frozen is only never
    searched for cycles again: over 575 contract tests served by one process the full
    collections found 536 such objects among 85,000 freed young."""
    import gc

    def after_collection(phase: str, info: dict) -> None:
        if phase == "stop" and info.get("generation", 0) >= 1:
            gc.freeze()

    gc.freeze()
    gc.callbacks.append(after_collection)


def serve(settings: Settings, quiet: bool = False) -> None:
    settings = effective_settings(settings.check())
    _check_serving(settings)
    shared = _check_store(settings)
    _check_scenario_dirs(settings)
    _check_scenario(settings)
    from .app import create_app
    from .errors import LimitReached
    from .ledger.scenario import ScenarioError
    from .serving import create_server

    try:
        app = create_app(settings)
    except ScenarioError as err:
        raise UsageError(f"bad scenario: {err}") from None
    except LimitReached as err:
        raise UsageError(err.text) from None
    except (OSError, RuntimeError, sqlite3.Error) as err:
        raise UsageError(f"cannot open the store {settings.store}: {err}") from None
    if shared and settings.workers > 1:
        from .workers import serve_workers

        with _listen_errors(settings.host, settings.port):
            return serve_workers(settings, app, _banner if not quiet else None)
    _collect_only_what_is_new()  # this process only: not the pytest plugin's in-process server
    with _listen_errors(settings.host, settings.port):
        server = create_server(app, host=settings.host, port=settings.port,
                               threads=settings.threads, clear_untrusted_proxy_headers=True)
    host, port = server.effective_host, server.effective_port
    _banner(settings, app, host, port, quiet)

    def _stop(*_):
        server.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


class _listen_errors:
    """Binding the listening socket: a port in use, an address not on this machine, a name that
    does not resolve become one line."""

    def __init__(self, host: str, port: int):
        self.where = f"{host}:{port}"

    def __enter__(self):
        return self

    def __exit__(self, kind, err, _tb):
        if isinstance(err, OSError):
            why = {errno.EADDRINUSE: "the port is already in use",
                   errno.EADDRNOTAVAIL: "that address is not on this machine",
                   errno.EACCES: "permission denied (ports below 1024 need privileges)"}.get(
                err.errno, err.strerror or str(err))
            raise UsageError(f"cannot listen on {self.where}: {why}") from None
        if isinstance(err, (ValueError, OverflowError)):  # waitress could not resolve it
            raise UsageError(f"cannot listen on {self.where}: the host does not resolve to an "
                             "address of this machine") from None
        return False


def _check_serving(settings: Settings) -> None:
    """A bad serving mode or connection limit (from the environment) stops start-up."""
    if settings.serving not in ("loop", "threads"):
        print(f"tfso-mock: TFSO_MOCK_SERVING must be 'loop' or 'threads', not "
              f"{settings.serving!r}", file=sys.stderr, flush=True)
        raise SystemExit(2)
    for name in ("connection_limit", "connections_per_client", "request_timeout", "idle_timeout"):
        if getattr(settings, name) < 1:
            print(f"tfso-mock: TFSO_MOCK_{name.upper()} must be at least 1", file=sys.stderr,
                  flush=True)
            raise SystemExit(2)


def _check_store(settings: Settings) -> bool:
    """Whether the store is shared (SQLite); a bad --store or --workers stops start-up, and so
    does a store file whose directory does not exist (it is never created behind your back)."""
    from .ledger.store import parse_store

    try:
        path = parse_store(settings.store)
    except ValueError as err:
        raise UsageError(f"--store/TFSO_MOCK_STORE: {err}") from None
    if settings.workers > 1 and path is None:
        raise UsageError("--workers N (N > 1) needs --store sqlite:PATH: worker processes share "
                         "state only through the SQLite store")
    if path is not None:
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise UsageError(f"--store {settings.store}: directory {folder} does not exist")
        if os.path.isdir(path):
            raise UsageError(f"--store {settings.store}: {path} is a directory")
    return path is not None


def _check_scenario_dirs(settings: Settings) -> None:
    """A ``--scenario-dir`` that is not a folder would leave its scenarios silently missing
    (``POST /__admin/clients`` then answers "No scenario named ..."): one line instead."""
    for folder in settings.scenario_folders:
        if not folder.is_dir():
            why = "is not a folder" if folder.exists() else "does not exist"
            raise UsageError(f"--scenario-dir/TFSO_MOCK_SCENARIO_DIRS {folder}: {why}")


def _check_scenario(settings: Settings) -> None:
    """Read the scenario before anything starts: a missing, unreadable or broken file is one
    line naming it."""
    if not settings.scenario:
        return
    from .ledger.scenario import ScenarioError, load

    try:
        load(settings.scenario)
    except ScenarioError as err:
        raise UsageError(f"bad scenario: {err}") from None
    except OSError as err:
        raise UsageError(f"cannot read scenario {settings.scenario}: {err.strerror or err}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read scenario {settings.scenario}: not UTF-8 text") from None


def _make_out_folder(given: str, out: str) -> bool:
    """Create ``--out`` (and its parents) before listening, so a folder that cannot be made is
    named as such, not reported as a listening error; whether it was created."""
    if os.path.isdir(out):
        return False
    try:
        os.makedirs(out)
    except OSError as err:
        raise UsageError(f"--out {given}: cannot create the folder: {err.strerror or err}") from None
    return True


def _check_upstream(upstream: str) -> str:
    url = urlsplit(upstream.strip())
    if url.scheme not in ("http", "https") or not url.hostname or url.query or url.fragment:
        raise UsageError(f"--upstream {upstream!r}: expected an http:// or https:// base URL, "
                         "e.g. https://api.24sevenoffice.com")
    try:
        url.port  # noqa: B018 - raises on a port out of range
    except ValueError as err:
        raise UsageError(f"--upstream {upstream!r}: {err}") from None
    return upstream.strip()


def _banner(settings: Settings, app, host: str, port: int, quiet: bool = False) -> None:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    base = settings.public_url.rstrip("/") or f"http://{shown}:{port}"
    demo = app.startup_client
    print(f"tfso-mockserver listening on {base}", flush=True)
    if not quiet:
        print(f"  Authenticate:   {base}/authenticate/v001/authenticate.asmx?WSDL")
        print(f"  AccountService: {base}/Economy/Account/V004/Accountservice.asmx?WSDL")
        print(f"  Transactions:   {base}/Economy/Accounting/V001/TransactionService.asmx?WSDL")
        print(f"  REST:           {base}/v1/transactionlines")
        print(f"  Control API:    {base}/__admin/health" + ("" if settings.admin else " (off)"))
        if settings.admin:
            print(f"  Dashboard:      {base}/__admin/ui")
        if settings.admin and settings.admin_token:
            print(f"  Control token:  {settings.admin_token}")
        print("Demo client:")
        print(f"  Username:      {demo['username']}")
        print(f"  Password:      {demo['password']}")
        print(f"  ApplicationId: {demo['application_id']}")
        print(f"  IdentityId:    {demo['identity_id']}")
        print(f"  Fiscal years:  {', '.join(str(y) for y in demo['fiscal_years'])}")
        if settings.scenario:
            print(f"  Scenario:      {settings.scenario} ({demo.get('lines', 0)} ledger lines)")
        limits = f"{settings.rate_limit}/hour" if settings.rate_limit else "off"
        if settings.burst_limit:
            limits += f", bursts over {settings.burst_limit}/s refused"
        print(f"  Rate limit:    {limits}")
        if settings.store != "memory":
            workers = f", {settings.workers} worker processes" if settings.workers > 1 else ""
            print(f"  Store:         {settings.store}{workers}")
        print("Press Ctrl+C to stop.", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:  # named before a missing command (``tfso-mock --bogus``), as argparse would not
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command is None:
        parser.error("the following arguments are required: command")
    try:
        return _run(args)
    except (UsageError, SettingsError) as err:
        print(f"tfso-mock: {err}", file=sys.stderr, flush=True)
        return 2


def _run(args) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if args.command == "serve":
        overrides = {k: getattr(args, k) for k in ("host", "port", "public_url", "admin",
                                                   "admin_token", "rate_limit", "burst_limit",
                                                   "scenario", "threads", "serving",
                                                   "store", "workers",
                                                   "transaction_no_zero")}
        if args.admin_token is not None and not args.admin_token.strip():
            raise UsageError("--admin-token: must not be empty (leave the flag out for no token)")
        if args.scenario_dir:
            overrides["scenario_dirs"] = os.pathsep.join(args.scenario_dir)
        try:
            overrides["limits"] = Limits.parse(args.limit or (), os.environ)
        except ValueError as err:
            raise UsageError(str(err)) from None
        serve(Settings.from_env(**overrides), quiet=args.quiet)
    elif args.command == "record":
        from .recording import record_main

        if problem := host_problem(args.host):
            raise UsageError(f"--host {args.host!r}: {problem}")
        if not 0 <= args.port <= 65535:
            raise UsageError(f"--port {args.port}: must be between 0 and 65535 (0 picks a free one)")
        if args.setup:
            try:
                import json

                if not isinstance(json.loads(args.setup), dict):
                    raise ValueError("not an object")
            except ValueError as err:
                raise UsageError(f"--setup: not a JSON object ({err})") from None
        out = os.path.abspath(args.out)
        if os.path.exists(out) and not os.path.isdir(out):
            raise UsageError(f"--out {args.out}: not a directory")
        upstream = _check_upstream(args.upstream)
        created = _make_out_folder(args.out, out)
        try:
            with _listen_errors(args.host, args.port):
                return record_main(upstream, args.out, host=args.host, port=args.port,
                                   source=args.source, setup=args.setup)
        except UsageError:
            if created:  # refused before anything was recorded: leave no empty folder behind
                os.rmdir(out)
            raise
    return 0
