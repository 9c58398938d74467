"""The ledger: every client's books, the user directory, and the operations the surfaces call.

One lock guards all state; every operation is short and in memory, so requests from many threads
serialise cheaply and a bundle is never seen half-written.

Every change is also one row of a log (``store.py``): writes run in ``_write()`` (the lock, the
store's transaction, catching up on rows other processes wrote, the change, its row, the commit)
and ``sync()`` applies rows other processes wrote. Each operation has one code path for every
store and one replay handler (``_ev_<kind>``) kept right below it: a change is made once, by the
code both share, when it is decided and when its row is replayed, so every process holds the
same books. With ``--store memory`` the log is a ``MemoryLog``, which keeps no rows and never
builds a body: a body that is costly to build (booked lines) is passed as a function.
"""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from .. import errors
from ..clock import Clock
from ..limits import Limits
from . import changecount, clients, fixtures, logcodec, posting
from . import interpretations as rules
from . import scenario as scenarios
from .attachments import AttachmentOps
from .bankfeed import BankFeedOps
from .book import ClientBook
from .clients import (  # noqa: F401 - the ledger's public names, as before
    DEMO_APPLICATION_ID,
    DEMO_CLIENT_ID,
    DEMO_IDENTITY_ID,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    ClientOptions,
    demo_options,
)
from .control import ControlOperations, line_json  # noqa: F401 - line_json: as before
from .deferred import HEAVY_KINDS, STARTUP_BUDGET_S, Books, Deferred
from .directory import Directory, Identity, User
from .invoices import InvoiceOps
from .master import MasterDataOps
from .model import Bundle, BundleList, Entry, FiscalYear, Line, Voucher
from .orderattachments import OrderAttachmentOps
from .relations import RelationOps
from .scenario import orders as scenario_orders
from .sessions import SESSION_TOUCH, SessionOperations  # noqa: F401 - SESSION_TOUCH: as before
from .store import MemoryLog
from .timesheets import TimeOps
from .tokens import TokenStore

_NS_FY = clients.NS_FY


@dataclass
class SaveResult:
    type: str
    description: str
    #: (series_id, year, TransactionNo) of each voucher booked, in order
    vouchers: list[tuple[int, int, int]] = field(default_factory=list)
    #: the refusal's own text, without SaveBundleList's "(Bundle n, Voucher m)"
    reason: str = ""


class Ledger(SessionOperations, ControlOperations, MasterDataOps, RelationOps, AttachmentOps,
             InvoiceOps, OrderAttachmentOps, BankFeedOps, TimeOps):
    #: how long start-up replays queued books before a thread takes over (``deferred.py``)
    startup_budget_s = STARTUP_BUDGET_S

    def __init__(self, clock: Clock | None = None, store=None, limits: Limits | None = None):
        """``store``: a ``store.SqliteStore`` whose log is replayed now, or a ``MemoryLog``; a
        new (empty) store gets no demo client here: see ``is_empty`` and ``reset``. None: a
        ``MemoryLog`` with the demo client made. ``limits``: the capacity limits
        (``mockserver/limits.py``)."""
        self.clock = clock or Clock()
        self.limits = limits or Limits()
        self.lock = threading.RLock()
        #: S11: what TransactionNo 0 means (``interpretations.TRANSACTION_NO_ZERO_MODES``)
        self.transaction_no_zero = rules.TRANSACTION_NO_ZERO
        made_here = store is None
        self.store = store = MemoryLog() if store is None else store
        self._last_id = 0  # the last log row applied here
        #: every change made or replayed here (a write, failed too; a row applied), counted per
        #: client (``changecount.py``): a reader keeping an answer built from one client's book
        #: (a REST page) keeps it while ``client_changes`` stays the same
        self.change_counts = changecount.ChangeCounts()
        self._written: set | None = None  # what the open transaction touched (its clients)
        self._named: set[int] = set()  # the books the open transaction read (``_current``)
        self._writer = 0  # the thread running the open transaction
        self._depth = 0  # nesting of _write()
        self._pending = 0  # the last row appended by the open transaction
        self._client_ids = itertools.count(DEMO_CLIENT_ID + 1)
        self.deferred = Deferred(self)  # books replayed after start-up (``deferred.py``)
        self._clear()
        store.check_integrity()
        import gc

        was_enabled = gc.isenabled()
        gc.disable()  # replaying a big log makes millions of objects: collect once, after
        try:
            with self.lock:
                self._catch_up(bulk=True)
        finally:
            if was_enabled:
                gc.enable()
        self.deferred.start(self.startup_budget_s)
        if made_here:
            self.reset()

    # --- the log ----------------------------------------------------------------------------

    @contextmanager
    def transaction(self):
        """Several changes as one (the control API's client + scenario; a reset + its demo)."""
        with self._write():
            yield

    @contextmanager
    def _write(self):
        """The context a change runs in: the lock and one transaction of the store."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            store = self.store
            store.begin()
            self._depth = 1
            self._pending = 0
            written = self._written = set()
            self._named = set()
            self._writer = threading.get_ident()
            try:
                self._catch_up(always=True)
                yield
                store.commit()
            except BaseException:
                # what it did before failing stays in memory: the books it read, else all
                written.update(self._named or (changecount.ALL,))
                if store.rollback() and self._pending:  # memory changed with the log: rebuild
                    written.add(changecount.ALL)
                    self._rebuild()
                raise
            finally:
                self._depth = 0
                self._written = None
                self.change_counts.count(written)
            if self._pending:
                self._last_id = self._pending

    def _log(self, kind: str, body, client: int | None = None) -> None:
        """Append one change (inside ``_write()``); ``body``: a dict, or a function making it
        (what a request makes: a ``MemoryLog`` never calls it; then ``client`` names the
        body's ``c``)."""
        row = self.store.append(kind, body)
        self._pending = row
        if self._written is not None:
            self._written.add(changecount.touched(kind, body, client))
        if kind == "reset":
            self.store.forget_before(row)

    def sync(self) -> None:
        """Apply what other processes committed (the front door calls this per request)."""
        if not self.store.shared:
            return
        with self.lock:
            if not self._depth:
                self._catch_up()

    def _catch_up(self, always: bool = False, bulk: bool = False) -> None:
        """Apply the rows after the last one applied here; a row of a client whose book is
        queued joins its queue, and so does, in a ``bulk`` read (start-up, a rebuild), each
        heavy row (``deferred.py``)."""
        store = self.store
        if not (store.changed() or always):
            return
        deferred = self.deferred
        apply = self._apply_row
        for row_id, kind, client, body in store.rows_after(self._last_id,
                                                           HEAVY_KINDS if bulk else ()):
            if deferred.wants(kind, client, body) and type(client) is int:
                deferred.queue(row_id, kind, client, body)
            else:
                apply(row_id, kind, body, client)
            self._last_id = row_id

    def client_changes(self, client_id: int) -> tuple[int, int]:
        """What an answer built from this client's book is valid for (``changecount.py``)."""
        return self.change_counts.of(client_id)

    def _apply_row(self, row_id: int, kind: str, body: str, client=None) -> None:
        self.change_counts.count((changecount.touched(kind, None, client),))
        try:
            self._apply(kind, json.loads(body))
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as err:
            reason = errors.log_row_reason(kind, err, isinstance(err, _UnknownKind))
            raise errors.LogRowUnreadable(self.store.path, row_id, kind, reason) from None

    def health(self) -> str | None:
        """None when the ledger can take changes, else why not (``/__admin/health``)."""
        with self.lock:
            return self.store.check_writable()

    def _rebuild(self) -> None:
        self._clear()
        self._last_id = 0
        self._catch_up(always=True, bulk=True)
        self.deferred.start(0)

    def is_empty(self) -> bool:
        """Nothing in the store yet (a new file or log): the caller resets to make the demo
        client."""
        return self._last_id == 0

    def startup_info(self) -> dict:
        """The first client after the last reset (the demo client), as ``reset`` returned it."""
        cid = self._first_client
        if cid is None:
            raise KeyError("no client since the last reset")
        if self.deferred.queued(cid, "scenario"):  # its scenario row waits with its books
            self.deferred.ensure(cid)
        return {**self.credentials[cid], **self.scenario_info.get(cid, {})}

    def _apply(self, kind: str, b: dict) -> None:
        handler = getattr(self, "_ev_" + kind, None)
        if handler is None:
            raise _UnknownKind(kind)
        if not isinstance(b, dict):
            raise TypeError("the body is not a JSON object")
        handler(b)

    def _clear(self) -> None:
        self.directory = Directory(self.limits.sessions, self.clock.now_for)
        # REST OAuth2 applications and tokens (A5)
        self.tokens = TokenStore(self.limits.tokens, self.clock.now_for)
        self.tokens.on_issue = self._token_issued
        self.deferred.clear()
        self.books: dict[int, ClientBook] = Books(self.deferred)
        self.credentials: dict[int, dict] = {}
        self._touched: dict[str, datetime] = {}  # session id -> last use written to the log
        self.scenario_info: dict[int, dict] = {}
        self._first_client: int | None = None

    def _current(self, book: ClientBook) -> ClientBook:
        """The book of ``book``'s client as it is now (a reset in another process replaces it)."""
        now_book = self.books.get(book.client_id)
        if now_book is None:
            raise errors.NotAuthenticated()
        if self._written is not None and self._writer == threading.get_ident():
            self._named.add(book.client_id)
        return now_book

    # --- clients ---------------------------------------------------------------------------

    def reset(self, demo: ClientOptions | None = None) -> dict:
        """Back to the startup state: only the demo client (``demo``: its options), no sessions."""
        with self._write():
            # client ids are never taken twice, across resets too (every process alike)
            body = {"next": next(self._client_ids)}
            self._ev_reset(body)
            self._log("reset", body)
            return self.create_client(demo or self.demo_options())

    def _ev_reset(self, b: dict) -> None:
        self._clear()
        self._client_ids = itertools.count(b.get("next", DEMO_CLIENT_ID + 1))

    demo_options = staticmethod(demo_options)

    def _new_book(self, client_id: int, name: str, years: list[int], base_rate: Decimal) -> ClientBook:
        book = ClientBook(
            client_id=client_id, name=name, accounts=fixtures.default_accounts(),
            tax_codes=fixtures.default_tax_codes(), types=fixtures.default_types(),
            series=fixtures.default_series(), customers=dict(fixtures.default_customers()),
            vat_base_rate=base_rate,
        )
        for year in years:
            self.add_fiscal_year(book, year)
        self.books[client_id] = book
        return book

    @staticmethod
    def add_fiscal_year(book: ClientBook, year: int) -> FiscalYear:
        fy = FiscalYear(year=year, id=uuid.uuid5(_NS_FY, f"{book.client_id}/{year}"),
                        start=date(year, 1, 1), end=date(year, 12, 31))
        book.fiscal_years[year] = fy
        return fy

    def create_client(self, opts: ClientOptions) -> dict:
        """An isolated client (its own user, identities and books); returns its credentials."""
        with self._write():
            self._check_capacity(opts)
            spec = clients.client_spec(opts, self.clock.now().year,
                                       lambda: next(self._client_ids))
            info = self._apply_client(spec)
            self._log("client", spec)
            return info

    def _check_capacity(self, opts: ClientOptions) -> None:
        """The limits a new client must fit in (``limits.py``), checked before any change."""
        limits = self.limits
        adding = 1 + len(opts.extra_identities)
        if len(self.books) + adding > limits.clients:
            raise errors.LimitReached("clients", limits.clients, len(self.books), adding)
        wanted = opts.generated_lines
        if wanted > limits.generated_lines:
            raise errors.GenerateTooLarge(wanted, limits.generated_lines)
        if wanted and self.generated_total + wanted > limits.generated_lines_total:
            raise errors.LimitReached("generated_lines_total", limits.generated_lines_total,
                                      self.generated_total, wanted)

    @property
    def generated_total(self) -> int:
        """Generated ledger lines held by every client (the ``generated_lines_total`` limit)."""
        return sum(book.generated_lines for book in self.books.values())

    def _ev_client(self, spec: dict) -> None:
        self._apply_client(spec)

    def _apply_client(self, spec: dict) -> dict:
        client_id, name, years = spec["client_id"], spec["name"], spec["years"]
        base_rate = Decimal(spec["base_rate"])
        self._new_book(client_id, name, years, base_rate)
        identity = Identity(UUID(spec["identity_id"]), client_id, name,
                            blocked=spec["blocked"], is_default=True)
        user = User(
            username=spec["username"], password=spec["password"], user_id=UUID(spec["user_id"]),
            name=f"Integrator {client_id}", contact_id=client_id, identities=[identity],
        )
        extra = []
        for x in spec["extra"]:
            self._new_book(x["client_id"], x["name"], x["years"], base_rate)
            ident = Identity(UUID(x["identity_id"]), x["client_id"], x["name"], blocked=x["blocked"])
            user.identities.append(ident)
            extra.append(ident)
        self.directory.add_user(user)
        info = {
            "client_id": client_id,
            "name": name,
            "identity_id": str(identity.identity_id),
            "username": user.username,
            "password": user.password,
            "application_id": spec["application_id"],
            "fiscal_years": sorted(years),
            "blocked": spec["blocked"],
            "oauth": dict(spec["oauth"]),
            "identities": [
                {"identity_id": str(i.identity_id), "client_id": i.client_id,
                 "name": i.client_name, "blocked": i.blocked, "default": i.is_default}
                for i in user.identities
            ],
        }
        app = self.tokens.register(info["oauth"], client_id)
        info["oauth"]["scopes"] = list(app.default_scopes)  # shown: what a token gets unasked
        self.credentials[client_id] = info
        for ident in extra:
            self.credentials[ident.client_id] = {**info, "client_id": ident.client_id,
                                                 "identity_id": str(ident.identity_id)}
        highest = max([client_id, *(x["client_id"] for x in spec["extra"])])
        if highest > DEMO_CLIENT_ID:  # ids are never taken twice, in any process
            self._client_ids = itertools.count(max(highest + 1, DEMO_CLIENT_ID + 1))
        if self._first_client is None:
            self._first_client = client_id
        return info

    def populate(self, client_id: int, sc) -> dict:
        """A scenario's reference data, vouchers and orders into a client just created for it.
        The log keeps the scenario itself (``Scenario.origin``: the file's text or the inline
        object), its seed and time: a replay never reads the file again. Its orders are saved
        through SaveInvoices' path, whose rows the log keeps after the scenario's."""
        with self._write():
            seed = secrets.randbits(64)  # line ids drawn from a seed the log keeps
            now = self.clock.now()
            result = scenarios.populate(self, client_id, sc, id_seed=seed, now=now)
            self.scenario_info[client_id] = dict(result)
            self._log("scenario", {"c": client_id, "name": sc.source, "scenario": sc.origin,
                                   "seed": seed, "now": now.isoformat()})
            if sc.orders:  # saved as SaveInvoices saves them: their own rows follow this one
                book = self.book(client_id)
                before = len(book.lines)
                scenario_orders.save(self, book, sc.orders, now.year)
                # the invoiced orders' vouchers are ledger lines too (it said "0 ledger lines")
                result["lines"] += len(book.lines) - before
                self.scenario_info[client_id] = dict(result)
            return result

    def _ev_scenario(self, b: dict) -> None:
        if "scenario" in b:
            sc = scenarios.from_origin(b["scenario"], b["name"])
        else:  # a row written before the log kept the scenario: its file, read as then
            source = b["source"]
            sc = scenarios.load(source) if isinstance(source, str) else scenarios.from_data(source)
        result = scenarios.populate(self, b["c"], sc, id_seed=b["seed"],
                                    now=datetime.fromisoformat(b["now"]))
        self.scenario_info[b["c"]] = dict(result)

    def book(self, client_id: int) -> ClientBook:
        book = self.books.get(client_id)
        if book is None:
            raise KeyError(client_id)
        return book

    # --- AccountService --------------------------------------------------------------------

    def entry_id(self, book: ClientBook, day: date, series_id: int) -> int:
        with self.lock:
            return posting.next_entry_no(book, day, series_id)

    def save_bundle_list(self, book: ClientBook, blist: BundleList,
                         zero_mode: str | None = None) -> SaveResult:
        """S: bundles in order, each all-or-nothing; stop at the first refused bundle.
        ``zero_mode`` is what TransactionNo 0 means (S11; the server's setting unless given).
        The bundles committed by this call are one log row, committed before the answer (a
        refused bundle after them does not undo them)."""
        if not blist.bundles:
            err = errors.NothingToSave()
            return SaveResult(err.result_type, err.text)
        zero_mode = zero_mode or self.transaction_no_zero
        with self._write():
            book = self._current(book)
            now = self.clock.now()
            taken: dict = {}
            done: list = []
            result = SaveResult("Ok", "")
            for index, bundle in enumerate(blist.bundles, start=1):
                try:
                    planned = posting.plan_bundle(book, blist, bundle, now, taken,
                                                   zero_mode)
                except errors.SaveRefused as err:
                    where = errors.locate(err, index, getattr(err, "voucher", None))
                    result = SaveResult(err.result_type, where, reason=err.text)
                    break
                done.append(planned)
                posting.commit_bundle(book, planned, now)
                result.vouchers += [_key(pv) for pv in planned]
            if done:
                encode = logcodec.encode_voucher
                self._log("bundles", client=book.client_id, body=lambda: {
                    "c": book.client_id, "now": now.isoformat(),
                    "bundles": [[encode(pv) for pv in planned] for planned in done]})
            return result

    def save_voucher(self, book: ClientBook, type_no: int, entries: list[Entry]) -> SaveResult:
        """R7 (REST ``POST /transactions``): one voucher straight to the ledger, through the same
        rules as SaveBundleList with SaveOption 0, numbered in the type's series (the 0.56.0
        TransactionInput has no number: "TransactionType controls which number-series is used",
        so the series' next free number whatever ``--transaction-no-zero`` says); its fiscal
        year is the one holding its first entry's date. An entry with a VAT code and no VAT
        amount is gross: its VAT is the code's share of it (the 0.56.0 TransactionTax: "if not
        set, the amount will be inferred based on the tax type")."""
        if not entries:
            text = errors.NoEntries().text
            return SaveResult("Exception", text, reason=text)
        for e in entries:
            if not e.vat_amount:
                try:
                    e.vat_amount = posting.included_vat(book, e)
                except errors.SaveRefused as err:
                    return SaveResult(err.result_type, err.text, reason=err.text)
        fiscal = book.fiscal_year_for(entries[0].date)
        if fiscal is None:
            closed = errors.NoOpenPeriod(entries[0].date)
            return SaveResult(closed.result_type, closed.text, reason=closed.text)
        year = fiscal.year
        blist = BundleList(bundles=[Bundle(year_id=year, sort=type_no,
                                           vouchers=[Voucher(sort=type_no, entries=entries)])],
                           save_option=0)
        return self.save_bundle_list(book, blist, zero_mode="next-free")

    def _ev_bundles(self, b: dict) -> None:
        book = self.book(b["c"])
        now = datetime.fromisoformat(b["now"])
        decode, commit = logcodec.decode_voucher, posting.commit_bundle
        top = 0
        for bundle in b["bundles"]:
            planned = [decode(v) for v in bundle]
            for pv in planned:
                for ln in pv.lines:
                    if ln.seq > top:
                        top = ln.seq
            commit(book, planned, now)
        book._seq = itertools.count(top + 1)  # this process numbers on after them

    def create_link(self, book: ClientBook) -> int:
        with self._write():
            book = self._current(book)
            self._log("new_link", {"c": book.client_id})
            return book.new_link()

    def _ev_new_link(self, b: dict) -> None:
        self.book(b["c"]).new_link()

    def link_entries(self, book: ClientBook, line_ids: list[UUID], link_id: int,
                     replace: bool) -> bool:
        """K1: Add- or ReplaceLinkEntries. Unknown lines or links fault; nothing changes then."""
        with self._write():
            book = self._current(book)
            for lid in line_ids:
                if lid not in book.lines:
                    raise errors.UnknownLine(lid)
            if link_id not in book.links:
                raise errors.UnknownLink(link_id)
            now = self.clock.now()
            self._apply_link(book, line_ids, link_id, replace, now)
            self._log("link", client=book.client_id, body=lambda: {
                "c": book.client_id, "lines": [lid.hex for lid in line_ids], "link": link_id,
                "replace": replace, "now": now.isoformat()})
            return True

    @staticmethod
    def _apply_link(book: ClientBook, line_ids, link_id: int, replace: bool, now) -> None:
        if replace:
            old = {lk for lid in line_ids
                   if (lk := book.lines[lid].link_id) is not None and lk != link_id}
            for old_link in old:  # every line of the old link moves to the new one
                book.set_link(sorted(book.links.get(old_link, ())), link_id, now)
        book.set_link(line_ids, link_id, now)

    def _ev_link(self, b: dict) -> None:
        self._apply_link(self.book(b["c"]), [UUID(x) for x in b["lines"]], b["link"],
                         b["replace"], datetime.fromisoformat(b["now"]))

    def update_due_dates(self, book: ClientBook, items: list[tuple[UUID, date]]) -> list[Line]:
        with self._write():
            book = self._current(book)
            for lid, _ in items:
                if lid not in book.lines:
                    raise errors.UnknownLine(lid)
            now = self.clock.now()
            updated = self._apply_due(book, items, now)
            self._log("due", client=book.client_id, body=lambda: {
                "c": book.client_id, "now": now.isoformat(),
                "items": [[lid.hex, logcodec._iso(due)] for lid, due in items]})
            return updated

    @staticmethod
    def _apply_due(book: ClientBook, items, now) -> list[Line]:
        updated = []
        for lid, due in items:
            line = book.lines[lid]
            line.due_date = due
            book.touch(line, now)
            updated.append(line)
        return updated

    def _ev_due(self, b: dict) -> None:
        self._apply_due(self.book(b["c"]), [(UUID(x), logcodec.day(d)) for x, d in b["items"]],
                        datetime.fromisoformat(b["now"]))


class _UnknownKind(ValueError):
    pass




def _key(pv) -> tuple[int, int, int]:
    return pv.record.series_id, pv.record.year, pv.record.transaction_no
