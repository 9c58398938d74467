"""A test's own isolated client of the emulator, with ready zeep services and admin helpers."""

from __future__ import annotations

import datetime
import enum
import functools
from pathlib import Path

import requests
from requests import Response  # ``requests`` is also a method of MockClient

ACCOUNT_PATH = "/Economy/Account/V004/Accountservice.asmx"
AUTH_PATH = "/authenticate/v001/authenticate.asmx"
TRANSACTION_PATH = "/Economy/Accounting/V001/TransactionService.asmx"
NS = "{http://24sevenOffice.com/webservices}"
TNS = "{http://24sevenoffice.com/webservices/economy/accounting/}"
CLIENT_PATH = "/Client/V001/ClientService.asmx"
COMPANY_PATH = "/CRM/Company/V001/CompanyService.asmx"
PERSON_PATH = "/CRM/Contact/PersonService.asmx"
PROJECT_PATH = "/Project/V001/ProjectService.asmx"
PRODUCT_PATH = "/Logistics/Product/V001/ProductService.asmx"
ACCOUNT_V002_PATH = "/economy/accountV002/Accountservice.asmx"
ATTACHMENT_PATH = "/Economy/Accounting/Accounting_V001/AttachmentService.asmx"
INVOICE_PATH = "/Economy/InvoiceOrder/V001/InvoiceService.asmx"
TIME_PATH = "/timesheet/v001/timeservice.asmx"
_FILES = {AUTH_PATH: "Authenticate.wsdl", ACCOUNT_PATH: "AccountV004.wsdl",
          TRANSACTION_PATH: "TransactionService.wsdl", CLIENT_PATH: "ClientService.wsdl",
          COMPANY_PATH: "CompanyService.wsdl", PERSON_PATH: "PersonService.wsdl",
          PROJECT_PATH: "ProjectService.wsdl", PRODUCT_PATH: "ProductService.wsdl",
          ACCOUNT_V002_PATH: "AccountV002.wsdl", ATTACHMENT_PATH: "AttachmentService.wsdl",
          INVOICE_PATH: "InvoiceService.wsdl", TIME_PATH: "TimeService.wsdl"}


class _Keep(enum.Enum):
    KEEP = "leave as it is"


_KEEP = _Keep.KEEP


@functools.cache
def _document(source: str):
    """Parse a WSDL once per process; zeep clients share the parsed document."""
    from zeep import Settings
    from zeep.transports import Transport
    from zeep.wsdl import Document

    # zeep annotates ``transport`` as type[Transport]; it takes an instance (zeep.Client passes one)
    return Document(source, Transport(), settings=Settings(strict=False))  # type: ignore[arg-type]


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

    @property
    def client_service(self):
        """ClientService (GetClientInformation, GetCurrencyList...)."""
        return self.service(CLIENT_PATH, NS + "ClientServiceSoap")

    @property
    def companies(self):
        """CompanyService: companies are the ledger's customers."""
        return self.service(COMPANY_PATH, NS + "CompanyServiceSoap")

    @property
    def persons(self):
        return self.service(PERSON_PATH, NS + "PersonServiceSoap")

    @property
    def projects(self):
        return self.service(PROJECT_PATH, NS + "ProjectServiceSoap")

    @property
    def products(self):
        return self.service(PRODUCT_PATH, NS + "ProductServiceSoap")

    @property
    def account_v002(self):
        """The older AccountService V002 (``bundlelist``, Entry.AccountId)."""
        return self.service(ACCOUNT_V002_PATH, NS + "AccountServiceSoap")

    @property
    def attachments(self):
        """AttachmentService: files uploaded in chunks, saved under a stamp number (S7)."""
        return self.service(ATTACHMENT_PATH, TNS + "AttachmentServiceSoap")

    @property
    def invoices(self):
        """InvoiceService: orders and invoices; an Invoiced order posts to the ledger (D2)."""
        return self.service(INVOICE_PATH, NS + "InvoiceServiceSoap")

    @property
    def time(self):
        """TimeService: hours and costs on the projects, work and salary types (timesheets)."""
        return self.service(TIME_PATH, NS + "TimeServiceSoap")

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

    def orders(self) -> list[dict]:
        """The client's orders and invoices as the control API shows them (D1-D2)."""
        resp = self.admin("GET", f"/clients/{self.client_id}/invoices")
        resp.raise_for_status()
        return resp.json()["orders"]

    def files(self) -> list[dict]:
        """The client's AttachmentService files, ghost files too (D4)."""
        resp = self.admin("GET", f"/clients/{self.client_id}/attachments")
        resp.raise_for_status()
        return resp.json()["files"]

    def approve_journal(self) -> int:
        resp = self.admin("POST", f"/clients/{self.client_id}/journal/approve")
        resp.raise_for_status()
        return resp.json()["posted_lines"]

    # --- request journal --------------------------------------------------------------------

    def requests(self, **filters) -> list[dict]:
        """This client's recorded requests (filters: operation, service, status, method, path,
        since, after, result_type, rate_limited, limit), oldest first."""
        resp = self.admin("GET", "/requests", params={"client_id": self.client_id, **filters})
        resp.raise_for_status()
        return resp.json()

    def verify(self, count: int | None = None, *, at_least: int | None = None,
               at_most: int | None = None, **criteria) -> dict:
        """Assert how many of this client's requests match; the AssertionError says why not.

        ``tfso_client.verify(2, operation="SaveBundleList")``; without a count: at least one.
        """
        body = {"client_id": self.client_id, **criteria}
        for key, value in (("count", count), ("at_least", at_least), ("at_most", at_most)):
            if value is not None:
                body[key] = value
        resp = self.admin("POST", "/requests/verify", json=_jsonable(body))
        resp.raise_for_status()
        result = resp.json()
        if not result["matched"]:
            raise AssertionError(result["reason"])
        return result

    def clear_requests(self) -> int:
        resp = self.admin("DELETE", "/requests", params={"client_id": self.client_id})
        resp.raise_for_status()
        return resp.json()["cleared"]

    # --- fault injection ---------------------------------------------------------------------

    def inject_fault(self, **spec) -> dict:
        """Misbehave on this client's next matching call(s), e.g.
        ``inject_fault(operation="SaveBundleList", result={"Type": "SystemError", ...})``.

        The fault is scoped to this client unless ``client_id=None`` is passed explicitly.
        """
        spec.setdefault("client_id", self.client_id)
        resp = self.admin("POST", "/faults", json={k: v for k, v in spec.items() if v is not None or k == "times"})
        if resp.status_code != 201:
            raise ValueError(resp.json()["error"]["message"])
        return resp.json()

    def faults(self) -> list[dict]:
        resp = self.admin("GET", "/faults", params={"client_id": self.client_id})
        resp.raise_for_status()
        return resp.json()

    def clear_faults(self) -> int:
        resp = self.admin("DELETE", "/faults", params={"client_id": self.client_id})
        resp.raise_for_status()
        return resp.json()["cleared"]

    # --- clock (this client's time; other clients keep theirs) -------------------------------

    def now(self) -> datetime.datetime:
        resp = self.admin("GET", f"/clients/{self.client_id}/clock")
        resp.raise_for_status()
        return _parse_time(resp.json()["now"])

    def set_time(self, when: datetime.datetime | str) -> datetime.datetime:
        """Pin this client's clock (naive datetimes are UTC)."""
        text = when if isinstance(when, str) else _iso(when)
        resp = self.admin("POST", f"/clients/{self.client_id}/clock", json={"now": text})
        if resp.status_code != 200:
            raise ValueError(resp.json()["error"]["message"])
        return _parse_time(resp.json()["now"])

    def advance(self, seconds: float = 0, **delta) -> datetime.datetime:
        """Move this client's clock on: ``advance(3600)`` or ``advance(hours=1)``."""
        total = seconds + datetime.timedelta(**delta).total_seconds()
        resp = self.admin("POST", f"/clients/{self.client_id}/clock", json={"advance_seconds": total})
        resp.raise_for_status()
        return _parse_time(resp.json()["now"])

    def reset_clock(self) -> datetime.datetime:
        resp = self.admin("DELETE", f"/clients/{self.client_id}/clock")
        resp.raise_for_status()
        return _parse_time(resp.json()["now"])

    # --- rate limit ----------------------------------------------------------------------------

    def set_rate_limit(self, rate_limit: int | None | _Keep = _KEEP,
                       burst_limit: int | None | _Keep = _KEEP) -> dict:
        """This client's hourly quota and burst throttle (None: the emulator's default)."""
        body = {k: v for k, v in (("rate_limit", rate_limit), ("burst_limit", burst_limit))
                if v is not _KEEP}
        resp = self.admin("PUT", f"/clients/{self.client_id}/rate_limit", json=body)
        if resp.status_code != 200:
            raise ValueError(resp.json()["error"]["message"])
        return resp.json()

    def rate_limit(self) -> dict:
        """Quota, used, remaining, reset and quarantine state of this client this hour."""
        resp = self.admin("GET", f"/clients/{self.client_id}/rate_limit")
        resp.raise_for_status()
        return resp.json()

    def clear_rate_limit(self) -> dict:
        """Forget this hour's count (ends a quarantine) without moving the clock."""
        resp = self.admin("DELETE", f"/clients/{self.client_id}/rate_limit/counters")
        resp.raise_for_status()
        return resp.json()

    # --- sessions and REST ---------------------------------------------------------------------

    def expire_sessions(self) -> int:
        resp = self.admin("POST", "/sessions/expire", json={"client_id": self.client_id})
        resp.raise_for_status()
        return resp.json()["expired"]

    def oauth_token(self, **fields) -> str:
        """An access token for the REST API (client credentials grant)."""
        oauth = self.info["oauth"]
        body = {"grant_type": "client_credentials", "client_id": oauth["client_id"],
                "client_secret": oauth["client_secret"], "audience": "https://api.24sevenoffice.com",
                "login_organization": oauth["organization"], **fields}
        resp = self.http.post(f"{self.base_url}/oauth/token", data=body, timeout=30)
        resp.raise_for_status()
        return resp.json()["access_token"]

    def rest_get(self, path: str, token: str | None = None, **params) -> Response:
        """GET any REST path (``/v1/transactionlines``, ``/v1/accounts/11920``, ...) with a
        bearer token (fetched if not given: it carries every read scope)."""
        return self.rest("GET", path, token=token, params=params)

    def rest(self, method: str, path: str, token: str | None = None, *, json=None,
             params: dict | None = None, scope: str | None = None) -> Response:
        """Any REST call, e.g. ``rest("POST", "/v1/transactions", json=..., scope="...:write")``:
        without ``token`` one is fetched, with ``scope`` when given (a write scope must be
        asked for)."""
        if token is None:
            token = self.oauth_token(scope=scope) if scope else self.oauth_token()
        return self.http.request(method, f"{self.base_url}{path}", params=params, json=json,
                                 timeout=30, headers={"Authorization": f"Bearer {token}"})

    def cleanup(self) -> None:
        """What the fixtures do after a test: this client's faults and clock go back to normal."""
        for call in (self.clear_faults, self.reset_clock):
            try:
                call()
            except requests.RequestException:
                pass



def _iso(when: datetime.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.UTC)
    return when.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


def _parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _jsonable(body: dict) -> dict:
    return {k: (_iso(v) if isinstance(v, datetime.datetime) else v) for k, v in body.items()}


def create_client(base_url: str, admin_headers: dict | None = None, wsdl_dir=None, **options) -> MockClient:
    """``POST /__admin/clients`` and wrap the answer."""
    resp = requests.post(f"{base_url.rstrip('/')}/__admin/clients", json=options or None,
                         headers=admin_headers or {}, timeout=30)
    resp.raise_for_status()
    return MockClient(base_url, resp.json(), wsdl_dir=wsdl_dir, admin_headers=admin_headers)
