"""``tfso-mock serve``: start the emulator (also ``python -m mockserver serve``)."""

from __future__ import annotations

import argparse
import logging
import secrets
import signal
import sqlite3
import sys
from dataclasses import replace

from .settings import Settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tfso-mock", description="Offline 24SevenOffice API emulator")
    sub = p.add_subparsers(dest="command", required=True)
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
    s.add_argument("--threads", type=int, help="worker threads (default 8)")
    s.add_argument("--store",
                   help="'memory' (default) or 'sqlite:PATH': state kept in a SQLite file, which "
                        "survives a restart and is shared by every process serving it "
                        "(env TFSO_MOCK_STORE)")
    s.add_argument("--workers", type=int,
                   help="worker processes sharing one listening socket (default 1; more than 1 "
                        "needs --store sqlite:PATH; env TFSO_MOCK_WORKERS)")
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
    """A served ledger only grows, and each full collection of the cyclic GC walks every object:
    with a few hundred thousand lines booked, one stopped every request for 80-460 ms (measured
    by bench/run.py). Freeze what is alive at start-up and after each full collection, so the
    next one walks only what came since. Frozen objects are still freed when unreferenced."""
    import gc

    def after_full(phase: str, info: dict) -> None:
        if phase == "stop" and info.get("generation") == 2:
            gc.freeze()

    gc.freeze()
    gc.callbacks.append(after_full)


def serve(settings: Settings, quiet: bool = False) -> None:
    from .app import create_app
    from .ledger.scenario import ScenarioError
    from .serving import create_server

    settings = effective_settings(settings)
    shared = _check_store(settings)
    try:
        app = create_app(settings)
    except ScenarioError as err:
        print(f"tfso-mock: bad scenario: {err}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    except (OSError, RuntimeError, sqlite3.Error) as err:
        print(f"tfso-mock: cannot open the store: {err}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    if shared and settings.workers > 1:
        from .workers import serve_workers

        return serve_workers(settings, app, _banner if not quiet else None)
    _collect_only_what_is_new()  # this process only: not the pytest plugin's in-process server
    server = create_server(app, host=settings.host, port=settings.port, threads=settings.threads,
                           clear_untrusted_proxy_headers=True)
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


def _check_store(settings: Settings) -> bool:
    """Whether the store is shared (SQLite); a bad --store or --workers stops start-up."""
    from .ledger.store import parse_store

    try:
        shared = parse_store(settings.store) is not None
    except ValueError as err:
        print(f"tfso-mock: {err}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    if settings.workers < 1 or (settings.workers > 1 and not shared):
        print("tfso-mock: --workers N (N > 1) needs --store sqlite:PATH: worker processes share "
              "state only through the SQLite store", file=sys.stderr, flush=True)
        raise SystemExit(2)
    return shared


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
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if args.command == "serve":
        overrides = {k: getattr(args, k) for k in ("host", "port", "public_url", "admin",
                                                   "admin_token", "rate_limit", "burst_limit",
                                                   "scenario", "threads", "store",
                                                   "workers")}
        serve(Settings.from_env(**overrides), quiet=args.quiet)
    elif args.command == "record":
        from .recording import record_main

        return record_main(args.upstream, args.out, host=args.host, port=args.port,
                           source=args.source, setup=args.setup)
    return 0
