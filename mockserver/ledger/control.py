"""The control side of the ledger: fiscal years, entry series and blocked identities, approving
the journal, undoing a client, snapshots, and reads under the lock (``query``).

A mixin of ``Ledger`` (``core.py``): each change runs in ``self._write()``, is applied once by a
method that its ``_ev_<kind>`` replay handler also calls, and is logged as one row with
``self._log(kind, body)``; its handler sits right below it. A new kind of change copies that shape.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import errors
from .model import EntrySeries, Line


class ControlOperations:
    """Mixed into ``Ledger``; uses its lock, log, books, directory and tokens."""

    if TYPE_CHECKING:  # what Ledger (core.py) provides
        from contextlib import AbstractContextManager
        from threading import RLock

        from ..clock import Clock
        from .book import ClientBook
        from .deferred import Deferred
        from .directory import Directory
        from .model import FiscalYear
        from .tokens import TokenStore

        lock: RLock
        store: Any
        clock: Clock
        books: dict[int, ClientBook]
        credentials: dict[int, dict]
        scenario_info: dict[int, dict]
        deferred: Deferred
        directory: Directory
        tokens: TokenStore
        _write: Callable[[], AbstractContextManager]
        _log: Callable[[str, dict], None]
        book: Callable[[int], ClientBook]
        add_fiscal_year: Callable[[ClientBook, int], FiscalYear]
        sync: Callable[[], None]

    # --- fiscal years, entry series, blocked identities ------------------------------------

    def add_year(self, client_id: int, year: int) -> None:
        with self._write():
            self.add_fiscal_year(self.book(client_id), year)
            self._log("year", {"c": client_id, "year": year})

    def _ev_year(self, b: dict) -> None:
        self.add_fiscal_year(self.book(b["c"]), b["year"])

    def remove_year(self, client_id: int, year: int) -> None:
        with self._write():
            self.book(client_id).fiscal_years.pop(year, None)
            self._log("year_end", {"c": client_id, "year": year})

    def _ev_year_end(self, b: dict) -> None:
        self.book(b["c"]).fiscal_years.pop(b["year"], None)

    def put_series(self, client_id: int, series_id: int, name: str, start: int | None) -> None:
        with self._write():
            book = self.book(client_id)
            book.series = {**book.series, series_id: EntrySeries(series_id, name, start)}
            self._log("series", {"c": client_id, "id": series_id, "name": name, "start": start})

    def _ev_series(self, b: dict) -> None:
        book = self.book(b["c"])
        book.series = {**book.series, b["id"]: EntrySeries(b["id"], b["name"], b["start"])}

    def remove_series(self, client_id: int, series_id: int) -> None:
        """Remove an entry series; refused (``errors.SeriesInUse``) while a type books into it."""
        with self._write():
            book = self.book(client_id)
            used = sorted(t.type_no for t in book.types.values() if t.series_id == series_id)
            if used:
                raise errors.SeriesInUse(series_id, used)
            book.series = {k: v for k, v in book.series.items() if k != series_id}
            self._log("series_end", {"c": client_id, "id": series_id})

    def _ev_series_end(self, b: dict) -> None:
        book = self.book(b["c"])
        book.series = {k: v for k, v in book.series.items() if k != b["id"]}

    def set_blocked(self, client_id: int, blocked: bool) -> int:
        """Block or unblock every identity of a client; returns how many identities."""
        with self._write():
            changed = self._apply_blocked(client_id, blocked)
            self._log("blocked", {"c": client_id, "blocked": blocked})
            return changed

    def _ev_blocked(self, b: dict) -> None:
        self._apply_blocked(b["c"], b["blocked"])

    def _apply_blocked(self, client_id: int, blocked: bool) -> int:
        changed = 0
        for user in self.directory.users.values():
            for ident in user.identities:
                if ident.client_id == client_id:
                    ident.blocked = blocked
                    changed += 1
        if client_id in self.credentials:
            self.credentials[client_id]["blocked"] = blocked
        return changed

    # --- the journal, clients, reads ----------------------------------------------------

    def approve_journal(self, client_id: int) -> int:
        with self._write():
            now = self.clock.now()
            posted = self.book(client_id).post_journal(now)
            self._log("approve", {"c": client_id, "now": now.isoformat()})
            return posted

    def _ev_approve(self, b: dict) -> None:
        self.book(b["c"]).post_journal(datetime.fromisoformat(b["now"]))

    def snapshot(self, client_id: int) -> dict:
        """Ledger and journal lines of one client, for the control API and for tests."""
        with self.lock:
            self.sync()
            book = self.book(client_id)
            return {
                "ledger": [line_json(ln) for ln in book.ledger_lines()],
                "journal": [line_json(ln) for ln in book.journal_lines()],
            }

    def query(self, read, *args, **kw):
        """Run a read of the books (a function of ``queries.py``) under the ledger's lock, so a
        surface never takes the lock itself: ``ledger.query(queries.fiscal_years, book)``."""
        with self.lock:
            return read(*args, **kw)

    def check_credentials(self, username: str, password: str):
        """The user with these credentials, or None."""
        with self.lock:
            return self.directory.check_credentials(username, password)

    def check_username_free(self, username: str | None) -> None:
        """Refuse (``errors.UsernameTaken``) a username another client's user has."""
        if username and username.strip().lower() in self.directory.users:
            raise errors.UsernameTaken(username)

    def forget_client(self, info: dict) -> None:
        """Undo a client just created (its scenario could not be loaded): its books, its user,
        its OAuth application and tokens; through the log like every change."""
        with self._write():
            body = {"ids": sorted({info["client_id"],
                                   *(i["client_id"] for i in info.get("identities", ()))}),
                    "username": info["username"], "oauth": (info.get("oauth") or {}).get("client_id")}
            self._ev_client_end(body)
            self._log("client_end", body)

    def _ev_client_end(self, b: dict) -> None:
        for cid in b["ids"]:
            self.books.pop(cid, None)
            self.credentials.pop(cid, None)
            self.scenario_info.pop(cid, None)
        self.deferred.drop(b["ids"])
        self.directory.users.pop(b["username"].lower(), None)
        if b.get("oauth"):
            self.tokens.unregister(b["oauth"])


def _d(value) -> str | None:
    return value.isoformat() if value is not None else None


def line_json(ln: Line) -> dict:
    return {
        "line_id": str(ln.line_id),
        "transaction_no": ln.transaction_no,
        "series_id": ln.series_id,
        "year": ln.year,
        "type_no": ln.type_no,
        "account_no": ln.account_no,
        "customer_id": ln.customer_id,
        "date": _d(ln.date),
        "due_date": _d(ln.due_date),
        "period_date": _d(ln.period_date),
        "amount": f"{ln.amount:f}",
        "currency": ln.currency,
        "currency_rate": f"{ln.currency_rate:f}",
        "currency_unit": ln.currency_unit,
        "tax_no": ln.tax_no,
        "vat_amount": f"{ln.vat_amount:f}",
        "department_id": ln.department_id,
        "project_id": ln.project_id,
        "dimensions": [{"type": t, "value": v} for t, v in ln.dimensions],
        "invoice_no": ln.invoice_no,
        "ocr": ln.ocr,
        "comment": ln.comment,
        "stamp_no": ln.stamp_no,
        "bank_account_no": ln.bank_account_no,
        "link_id": ln.link_id,
        "sequence_no": ln.sequence_no,
        "posted": ln.posted,
        "created_at": _d(ln.created_at),
        "modified_at": _d(ln.modified_at),
    }


