"""``tfso-mock serve``: start the emulator (also ``python -m mockserver serve``)."""

from __future__ import annotations

import argparse
import logging
import secrets
import signal
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
                   help="requests per second before plain 429s (default off)")
    s.add_argument("--scenario", help="scenario name or YAML path for the demo client")
    s.add_argument("--threads", type=int, help="worker threads (default 8)")
    s.add_argument("--quiet", action="store_true", help="print only the base URL line")
    return p


def serve(settings: Settings, quiet: bool = False) -> None:
    from waitress.server import create_server

    from .app import create_app

    if not settings.is_loopback and settings.admin and not settings.admin_token:
        settings = replace(settings, admin_token=secrets.token_urlsafe(24))
    app = create_app(settings)
    server = create_server(app, host=settings.host, port=settings.port, threads=settings.threads,
                           max_request_body_size=max(settings.max_body * 64, 1 << 30),
                           ident="tfso-mockserver", clear_untrusted_proxy_headers=True)
    host, port = server.effective_host, server.effective_port
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
        if settings.admin and settings.admin_token:
            print(f"  Control token:  {settings.admin_token}")
        print("Demo client:")
        print(f"  Username:      {demo['username']}")
        print(f"  Password:      {demo['password']}")
        print(f"  ApplicationId: {demo['application_id']}")
        print(f"  IdentityId:    {demo['identity_id']}")
        print(f"  Fiscal years:  {', '.join(str(y) for y in demo['fiscal_years'])}")
        print("Press Ctrl+C to stop.", flush=True)

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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    if args.command == "serve":
        overrides = {k: getattr(args, k) for k in ("host", "port", "public_url", "admin",
                                                   "admin_token", "rate_limit", "burst_limit",
                                                   "scenario", "threads")}
        serve(Settings.from_env(**overrides), quiet=args.quiet)
    return 0
