"""A test's own isolated client of the emulator, with ready zeep services and admin helpers."""

from __future__ import annotations

import functools
from pathlib import Path

import requests

ACCOUNT_PATH = "/Economy/Account/V004/Accountservice.asmx"
AUTH_PATH = "/authenticate/v001/authenticate.asmx"
TRANSACTION_PATH = "/Economy/Accounting/V001/TransactionService.asmx"
NS = "{http://24sevenOffice.com/webservices}"
TNS = "{http://24sevenoffice.com/webservices/economy/accounting/}"
_FILES = {AUTH_PATH: "Authenticate.wsdl", ACCOUNT_PATH: "AccountV004.wsdl",
          TRANSACTION_PATH: "TransactionService.wsdl"}


@functools.cache
def _document(source: str):
    """Parse a WSDL once per process; zeep clients share the parsed document."""
    from zeep import Settings
    from zeep.transports import Transport
    from zeep.wsdl import Document

    return Document(source, Transport(), settings=Settings(strict=False))


class MockClient:
    """Credentials of one isolated client plus clients that speak to it.

    ``wsdl_dir``: build zeep from the vendor WSDL files there (address pointed at the emulator);
    without it, from the emulator's own ``?WSDL``.
    """

    def __init__(self, base_url: str, info: dict, wsdl_dir: str | Path | None = None,
                 admin_headers: dict | None = None):
        self.base_url = base_url.rstrip("/")
        self.info = info
        self.client_id = info["client_id"]
        self.username = info["username"]
        self.password = info["password"]
        self.application_id = info["application_id"]
        self.identity_id = info["identity_id"]
        self.wsdl_dir = Path(wsdl_dir) if wsdl_dir else None
        self.http = requests.Session()  # carries the ASP.NET_SessionId cookie for zeep
        self.admin_headers = admin_headers or {}
        self._services: dict = {}

    # --- SOAP -----------------------------------------------------------------------------

    def service(self, path: str, binding: str):
        key = (path, binding)
        if key not in self._services:
            import zeep
            from zeep.transports import Transport

            source = str(self.wsdl_dir / _FILES[path]) if self.wsdl_dir else self.base_url + path + "?WSDL"
            client = zeep.Client(_document(source), transport=Transport(session=self.http))
            self._services[key] = client.create_service(binding, self.base_url + path)
        return self._services[key]

    @property
    def auth(self):
        return self.service(AUTH_PATH, NS + "AuthenticateSoap")

    @property
    def account(self):
        return self.service(ACCOUNT_PATH, NS + "AccountServiceSoap")

    @property
    def account12(self):
        return self.service(ACCOUNT_PATH, NS + "AccountServiceSoap12")

    @property
    def transactions(self):
        return self.service(TRANSACTION_PATH, TNS + "TransactionServiceSoap")

    def credential(self, **overrides) -> dict:
        cred = {"ApplicationId": self.application_id, "Username": self.username,
                "Password": self.password}
        cred.update(overrides)
        return cred

    def login(self, **overrides) -> str:
        """Log in through Authenticate; the session cookie then rides on every call."""
        return self.auth.Login(self.credential(**overrides))

    # --- control API ----------------------------------------------------------------------

    def admin(self, method: str, path: str, **kw):
        resp = self.http.request(method, f"{self.base_url}/__admin{path}",
                                 headers=self.admin_headers, timeout=30, **kw)
        return resp

    def ledger(self) -> list[dict]:
        resp = self.admin("GET", f"/clients/{self.client_id}/ledger")
        resp.raise_for_status()
        return resp.json()["lines"]

    def journal(self) -> list[dict]:
        resp = self.admin("GET", f"/clients/{self.client_id}/journal")
        resp.raise_for_status()
        return resp.json()["lines"]

    def approve_journal(self) -> int:
        resp = self.admin("POST", f"/clients/{self.client_id}/journal/approve")
        resp.raise_for_status()
        return resp.json()["posted_lines"]

    def requests(self, **filters) -> list[dict]:
        resp = self.admin("GET", "/requests", params={"client_id": self.client_id, **filters})
        resp.raise_for_status()
        return resp.json()


def create_client(base_url: str, admin_headers: dict | None = None, wsdl_dir=None, **options) -> MockClient:
    """``POST /__admin/clients`` and wrap the answer."""
    resp = requests.post(f"{base_url.rstrip('/')}/__admin/clients", json=options or None,
                         headers=admin_headers or {}, timeout=30)
    resp.raise_for_status()
    return MockClient(base_url, resp.json(), wsdl_dir=wsdl_dir, admin_headers=admin_headers)
