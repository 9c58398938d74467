"""The ledger's orders and invoices (SPEC D1-D2): what InvoiceService calls.

``InvoiceOps`` is a part of ``Ledger``. An order is a record of kind ``ORDER`` (its id is the
``OrderId``) holding the members a client set, by their vendor names, with its rows' computed
amounts and its totals. An order saved with a state of ``rules.INVOICED_STATES`` is invoiced,
once: it gets an ``InvoiceId`` (its own number series), ``DateInvoiced``, a KID (``OCR``) and
ONE voucher booked through SaveBundleList's own path (``save_bundle_list``: the same rules,
numbering, log row and indexes as any voucher), in the same transaction as the order's record;
a refused posting refuses the order, and nothing changes. ``PaymentAmount`` books a payment
voucher in the same bundle, linked with the receivable::

    saved = ledger.save_invoices(book, [{"CustomerId": 10002, "OrderStatus": "Invoiced",
        "InvoiceRows": [{"ProductId": 1, "Quantity": Decimal(2)}]}])
    saved[0].data["OrderTotalIncVat"]      # what the receivable (1500) posted
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from .. import errors
from . import interpretations as rules
from .masterdata import COMPANY, DEPARTMENT, INVOICE_ORDER, PRODUCT, PROJECT, merge
from .model import Bundle, BundleList, DifferenceOptions, Entry, Voucher
from .money import CENT, HUNDRED, MONEY, ZERO, add, div, mul
from .parts import MasterWriteParts

ORDER = INVOICE_ORDER
#: members a client cannot set: the emulator computes them
COMPUTED = frozenset({"OrderId", "APIException", "InvoiceId", "DateChanged",
                      "OCR", "OrderTotalIncVat", "OrderTotalVat", "Paid"})
TEXT_ROWS = frozenset({"Text", "TextBold"})


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=rules.AMOUNT_ROUNDING, context=MONEY)


@dataclass(frozen=True)
class RowAmounts:
    net: Decimal
    vat: Decimal
    rate: Decimal

    @property
    def gross(self) -> Decimal:
        return add(self.net, self.vat)


def row_amounts(quantity: Decimal, price: Decimal, discount: Decimal, rate: Decimal,
                include_vat: bool) -> RowAmounts:
    """One row's net and VAT in øre (``rules``: per row, half to even)."""
    line = div(mul(mul(quantity, price), add(HUNDRED, discount.copy_negate())), HUNDRED)
    if include_vat:
        gross = cents(line)
        net = cents(div(mul(gross, HUNDRED), add(HUNDRED, rate)))
        return RowAmounts(net, add(gross, net.copy_negate()), rate)
    net = cents(line)
    return RowAmounts(net, cents(div(mul(net, rate), HUNDRED)), rate)


def order_totals(amounts: list[RowAmounts]) -> tuple[Decimal, Decimal]:
    """(OrderTotalIncVat, OrderTotalVat)."""
    vat = cents(add(*(a.vat for a in amounts)))
    return cents(add(*(a.net for a in amounts), vat)), vat


class InvoiceOps(MasterWriteParts):
    """Mixed into ``Ledger`` (``lock``, ``clock``, ``_write``, ``_current``, ``_commit_master``,
    ``record``, ``save_bundle_list``)."""

    record: Callable[..., Any]
    save_bundle_list: Callable[..., Any]

    # --- SaveInvoices ----------------------------------------------------------------------

    def save_invoices(self, book, items: list[dict]) -> list:
        """SaveInvoices: each order created (OrderId absent) or updated, validated against the
        client's companies, products, projects and departments, invoiced when its state says
        so; a refused order is answered as sent with its ``ItemRefused`` (others are saved)."""
        from .master import Saved

        out = []
        for fields in items:
            try:
                with self._write():
                    live = self._current(book)
                    oid, data = self._order(live, fields)
                    now = self.clock.now()
                    self._commit_master(live, ORDER, [(oid, data)], [], now)
                out.append(Saved(oid, {**data, "OrderId": oid, "DateChanged": now}))
            except errors.ItemRefused as err:
                out.append(Saved(None, dict(fields), err))
        return out

    def save_order_rows(self, book, oid: int, edit: Callable[[list[dict]], list[dict]]):
        """The order's InvoiceRows changed by ``edit`` (rows as stored -> rows to save) and the
        order saved as SaveInvoices saves it, in one write (REST's sales order lines): a
        ``Saved``, its ``error`` the ItemRefused when refused (nothing changed)."""
        from .master import Saved

        try:
            with self._write():
                live = self._current(book)
                current = live.master.get(ORDER, oid)
                if current is None:
                    raise errors.RecordNotFound("InvoiceOrder", oid)
                rows = edit([dict(r) for r in current.data.get("InvoiceRows") or ()])
                oid, data = self._order(live, {"OrderId": oid, "InvoiceRows": rows})
                now = self.clock.now()
                self._commit_master(live, ORDER, [(oid, data)], [], now)
            return Saved(oid, {**data, "OrderId": oid, "DateChanged": now})
        except errors.ItemRefused as err:
            return Saved(None, {"OrderId": oid}, err)

    def delete_order(self, book, oid: int) -> errors.ItemRefused | None:
        """Deletes an order that is not invoiced (REST ``DELETE /salesorders/{id}``); the
        refusal otherwise (``RecordNotFound``, ``OrderInvoiced``), nothing changed."""
        with self._write():
            live = self._current(book)
            current = live.master.get(ORDER, oid)
            if current is None:
                return errors.RecordNotFound("InvoiceOrder", oid)
            if current.data.get("InvoiceId"):
                return errors.OrderInvoiced(oid)
            self._commit_master(live, ORDER, [], [oid], self.clock.now())
        return None

    def _order(self, book, fields: dict) -> tuple[int, dict]:
        given = {k: v for k, v in fields.items() if k not in COMPUTED}
        oid = fields.get("OrderId")
        now = self.clock.now()
        new = not (isinstance(oid, int) and oid > 0)
        if not new:
            assert isinstance(oid, int)  # (for mypy: ``new`` says so)
            current = book.master.get(ORDER, oid)
            if current is None:
                raise errors.RecordNotFound("InvoiceOrder", oid)
            if current.data.get("InvoiceId"):
                raise errors.OrderInvoiced(oid)
            data = merge(current.data, given)
        else:
            oid = book.master.next_id(ORDER, rules.FIRST_ORDER_ID - 1)
            data = dict(given)
            data.setdefault("DateOrdered", now)
            data.setdefault("OrderStatus", "Web")  # the WSDL's default
        self._check_references(book, data)
        data["InvoiceRows"], amounts = self._rows(book, data)
        data["OrderTotalIncVat"], data["OrderTotalVat"] = order_totals(amounts)
        company = self.record(book, COMPANY, data["CustomerId"])
        data.setdefault("CustomerName", company.data.get("Name") if company else "")
        if data.get("OrderStatus") in rules.INVOICED_STATES:
            if not amounts:
                raise errors.OrderHasNoLines(None if new else oid)
            self._invoice(book, oid, data, amounts, now)
        return oid, data

    def _check_references(self, book, data: dict) -> None:
        cid = data.get("CustomerId")
        if not isinstance(cid, int) or cid <= 0:
            raise errors.NameRequired("InvoiceOrder", "CustomerId")
        if self.record(book, COMPANY, cid) is None:
            raise errors.RecordNotFound("Company", cid)
        self._exists(book, PROJECT, "Project", data.get("ProjectId"))
        self._exists(book, DEPARTMENT, "Department", data.get("DepartmentId"))
        credited = data.get("ReferenceInvoiceId")
        if isinstance(credited, int) and credited > 0 and not any(
                r.data.get("InvoiceId") == credited
                for r in book.master.records.get(ORDER, {}).values()):
            raise errors.RecordNotFound("Invoice", credited)

    def _exists(self, book, kind: str, what: str, rid) -> None:
        if isinstance(rid, int) and rid > 0 and book.master.get(kind, rid) is None:
            raise errors.RecordNotFound(what, rid)

    def _rows(self, book, data: dict) -> tuple[list[dict], list[RowAmounts]]:
        include_vat = bool(data.get("IncludeVAT"))
        rows, amounts = [], []
        given_rows = data.get("InvoiceRows") or ()
        taken = {r["RowId"] for r in given_rows if isinstance(r.get("RowId"), int)}
        free = (n for n in range(1, 2**31) if n not in taken)
        for given in given_rows:
            row = {k: v for k, v in given.items() if k != "APIException"}
            if not isinstance(row.get("RowId"), int):
                row["RowId"] = next(free)
            if row.get("Type") in TEXT_ROWS:
                rows.append(row)
                continue
            product = None
            pid = row.get("ProductId")
            if isinstance(pid, int) and pid > 0:
                product = book.master.get(PRODUCT, pid)
                if product is None:
                    raise errors.RecordNotFound("Product", pid)
                row.setdefault("Name", product.data.get("Name") or "")
                if product.data.get("No"):
                    row.setdefault("ProductNo", product.data["No"])
            self._exists(book, PROJECT, "Project", row.get("ProjectId"))
            self._exists(book, DEPARTMENT, "Department", row.get("DepartmentId"))
            pdata = product.data if product else {}
            row.setdefault("Quantity", rules.DEFAULT_QUANTITY)
            row.setdefault("Price", pdata.get("Price", ZERO))
            row.setdefault("DiscountRate", ZERO)
            row.setdefault("VatRate", pdata.get("TaxRate", rules.DEFAULT_VAT_RATE))
            rate = row["VatRate"]
            tax = (row.get("TaxSettings") or {}).get("TaxCode")
            if rate not in rules.OUTPUT_VAT and tax is None:
                raise errors.VatRateUnknown(rate, ", ".join(
                    format(r, "f") for r in sorted(rules.OUTPUT_VAT)))
            self._row_accounts(book, row, rate)  # the accounts it would post to exist
            rows.append(row)
            amounts.append(row_amounts(row["Quantity"], row["Price"], row["DiscountRate"], rate,
                                       include_vat))
            row["Net"] = amounts[-1].net  # not a WSDL member: what the PDF prints per row
        return rows, amounts

    # --- invoicing: the voucher ------------------------------------------------------------

    def _invoice(self, book, oid: int, data: dict, amounts: list[RowAmounts],
                 now: datetime) -> None:
        invoice_id = self._next_invoice_id(book)
        invoiced = data.get("DateInvoiced") or now
        day = _day(invoiced)
        term = rules.payment_time(data.get("PaymentTime"),
                                  self.record(book, COMPANY, data["CustomerId"]))
        due = day + timedelta(days=term)
        kid = rules.kid(invoice_id)
        total, _ = order_totals(amounts)
        cid = data["CustomerId"]
        text = f"{rules.document_title(total)} {invoice_id}"
        link = uuid.uuid5(uuid.NAMESPACE_URL, f"tfso-invoice/{book.client_id}/{invoice_id}")
        paid = data.get("PaymentAmount")
        if isinstance(paid, Decimal) and paid and (paid < 0) != (total < 0):
            raise errors.PaymentAmountSign(paid, total)
        receivable = Entry(date=day, account_no=rules.RECEIVABLE_ACCOUNT, amount=total,
                           customer_id=cid, due_date=due, invoice_reference_no=str(invoice_id),
                           invoice_ocr=kid, comment=text,
                           project_id=_id(data.get("ProjectId")),
                           department_id=_id(data.get("DepartmentId")),
                           link_id=link if paid else uuid.UUID(int=0))
        entries = [receivable]
        vat_by_account: dict[int, Decimal] = {}
        textless = [r for r in data["InvoiceRows"] if r.get("Type") not in TEXT_ROWS]
        for row, amount in zip(textless, amounts, strict=True):
            tax_no, account, vat_account = self._row_accounts(book, row, amount.rate)
            entries.append(Entry(
                date=day, account_no=account, amount=amount.net.copy_negate(),
                tax_no=str(tax_no), customer_id=cid, invoice_reference_no=str(invoice_id),
                comment=(row.get("Name") or text)[: rules.COMMENT_MAX],
                project_id=_id(row.get("ProjectId") or data.get("ProjectId")),
                department_id=_id(row.get("DepartmentId") or data.get("DepartmentId"))))
            if amount.vat and vat_account is not None:
                vat_by_account[vat_account] = add(vat_by_account.get(vat_account, ZERO),
                                                  amount.vat)
        for account, vat in sorted(vat_by_account.items()):
            entries.append(Entry(date=day, account_no=account, amount=vat.copy_negate(),
                                 customer_id=cid, invoice_reference_no=str(invoice_id),
                                 comment=text))
        fy = book.fiscal_year_for(day)
        year = fy.year if fy is not None else day.year
        currency = self._order_currency(book, data)
        vouchers = [Voucher(transaction_no=self._next_no(book, rules.INVOICE_TYPE_NO, year),
                            sort=rules.INVOICE_TYPE_NO, entries=entries,
                            difference_options=_rounding(currency, entries))]
        if isinstance(paid, Decimal) and paid:
            paid = cents(paid)
            what = f"{'Utbetaling' if paid < 0 else 'Innbetaling'} {text.lower()}"
            vouchers.append(Voucher(
                transaction_no=self._next_no(book, rules.PAYMENT_TYPE_NO, year),
                sort=rules.PAYMENT_TYPE_NO, entries=[
                    Entry(date=day, account_no=rules.BANK_ACCOUNT, amount=paid,
                          comment=what),
                    Entry(date=day, account_no=rules.RECEIVABLE_ACCOUNT,
                          amount=paid.copy_negate(), customer_id=cid,
                          invoice_reference_no=str(invoice_id), invoice_ocr=kid,
                          comment=what, link_id=link)],
                difference_options=_rounding(currency, [])))
            _in_currency(currency, vouchers[-1].entries)
            if abs(paid) >= abs(total):
                data["Paid"] = invoiced
        _in_currency(currency, entries)
        blist = BundleList(bundles=[Bundle(year_id=year, sort=rules.INVOICE_TYPE_NO,
                                           name=text, vouchers=vouchers)],
                           save_option=0, ignore_warnings=list(rules.INVOICE_IGNORED_WARNINGS))
        result = self.save_bundle_list(book, blist)
        if result.type != "Ok":
            raise errors.InvoiceNotPosted(result.reason or result.description)
        data.update(InvoiceId=invoice_id, DateInvoiced=invoiced, OCR=kid,
                    PaymentTime=term, DueDate=due)

    def _order_currency(self, book, data: dict) -> tuple[str, Decimal, int] | None:
        """(code, rate, unit) of an order in a foreign currency, else None: the order's
        Currency.Rate/Unit when sent, else the client's currency (ClientService, scenario)."""
        given = data.get("Currency") or {}
        code = str(given.get("Symbol") or "").strip().upper()
        if code in rules.LOCAL_CURRENCIES:
            return None
        own = next((r.data for r in book.master.records.get("currency", {}).values()
                    if str(r.data.get("Symbol", "")).upper() == code), None)
        rate = given.get("Rate") if "Rate" in given else (own or {}).get("Rate")
        unit = given.get("Unit") if "Unit" in given else (own or {}).get("Unit", 1)
        if not isinstance(rate, Decimal) or rate <= 0 or not isinstance(unit, int) or unit <= 0:
            raise errors.CurrencyRateUnknown(code)
        return code, rate, unit

    def _row_accounts(self, book, row: dict, rate: Decimal) -> tuple[int, int, int | None]:
        """(TaxNo, revenue account, VAT account) of a row: its TaxSettings, else by rate."""
        settings = row.get("TaxSettings") or {}
        by_rate: tuple[Any, Any] = rules.OUTPUT_VAT.get(rate, (None, None))
        tax_no = settings.get("TaxCode", by_rate[0])
        code = book.tax_codes.get(tax_no)
        if code is None:
            raise errors.RecordNotFound("TaxCode", tax_no)
        account = settings.get("TaxAccount", by_rate[1] or rules.OUTPUT_VAT[rules.DEFAULT_VAT_RATE][1])
        if account not in book.accounts:
            raise errors.RecordNotFound("Account", account)
        return int(tax_no), int(account), code.account_no if code.rate else None

    @staticmethod
    def _next_invoice_id(book) -> int:
        used = [r.data.get("InvoiceId") or 0 for r in book.master.records.get(ORDER, {}).values()]
        return max([rules.FIRST_INVOICE_ID - 1, *used]) + 1

    @staticmethod
    def _next_no(book, type_no: int, year: int) -> int:
        series = book.types[type_no].series_id
        return rules.auto_number(book, series, year, {})

    # --- reads -----------------------------------------------------------------------------

    def orders(self, book, *, customer_ids=None, changed_after=None, states=None,
               invoice_ids=None, order_ids=None, external_status=None) -> list[dict]:
        """GetInvoices: the orders matching every parameter given, by OrderId."""
        with self.lock:
            book = self._current(book)
            recs = sorted(book.master.records.get(ORDER, {}).items())
            found = [{**r.data, "OrderId": r.id, "DateChanged": r.changed} for _, r in recs]
        out = []
        for o in found:
            if customer_ids and o.get("CustomerId") not in customer_ids:
                continue
            if changed_after is not None and not rules.after(o["DateChanged"], changed_after):
                continue
            if states and o.get("OrderStatus") not in states:
                continue
            if invoice_ids and o.get("InvoiceId") not in invoice_ids:
                continue
            if order_ids and o["OrderId"] not in order_ids:
                continue
            if external_status and o.get("ExternalStatus") not in external_status:
                continue
            out.append(o)
        return out

    def order_rows(self, book, oid: int) -> list[dict] | None:
        """The order's InvoiceRows, each product row with the ``TaxNo`` and ``AccountNo`` it
        posts to (what REST's sales order lines show), or None when there is no such order."""
        with self.lock:
            live = self._current(book)
            rec = live.master.get(ORDER, oid)
            if rec is None:
                return None
            out = []
            for given in rec.data.get("InvoiceRows") or ():
                row = dict(given)
                if row.get("Type") not in TEXT_ROWS:
                    rate = row.get("VatRate", rules.DEFAULT_VAT_RATE)
                    try:
                        row["TaxNo"], row["AccountNo"], _ = self._row_accounts(live, row, rate)
                    except errors.ItemRefused:  # a code or account deleted since: not shown
                        pass
                out.append(row)
            return out

    def order_sync_list(self, book, *, changed_after=None, registered_after=None) -> list[int]:
        with self.lock:
            book = self._current(book)
            recs = sorted(book.master.records.get(ORDER, {}).values(),
                          key=lambda r: (rules.utc(r.changed), r.id))
        return [r.id for r in recs
                if (changed_after is None or rules.after(r.changed, changed_after))
                and (registered_after is None or rules.after(r.created, registered_after))]

    def update_invoices(self, book, items: list[dict]) -> list:
        """UpdateInvoices: an invoiced order's ``rules.INVOICE_UPDATABLE`` members."""
        from .master import Saved

        out = []
        for fields in items:
            oid = fields.get("OrderId")
            iid = fields.get("InvoiceId")
            try:
                with self._write():
                    live = self._current(book)
                    rec = live.master.get(ORDER, oid) if isinstance(oid, int) else None
                    if rec is None and isinstance(iid, int):
                        rec = next((r for r in live.master.records.get(ORDER, {}).values()
                                    if r.data.get("InvoiceId") == iid), None)
                    if rec is None:
                        raise errors.RecordNotFound("InvoiceOrder", oid if oid else iid)
                    if not rec.data.get("InvoiceId"):
                        raise errors.OrderNotInvoiced(rec.id)
                    data = {**rec.data, **{k: v for k, v in fields.items()
                                           if k in rules.INVOICE_UPDATABLE}}
                    now = self.clock.now()
                    self._commit_master(live, ORDER, [(rec.id, data)], [], now)
                out.append(Saved(rec.id, {**data, "OrderId": rec.id, "DateChanged": now}))
            except errors.ItemRefused as err:
                out.append(Saved(None, dict(fields), err))
        return out

    def invoice(self, book, invoice_id) -> dict | None:
        """The invoiced order with this InvoiceId (GetInvoiceDocument), or None."""
        found = self.orders(book, invoice_ids={invoice_id}) if isinstance(invoice_id, int) else []
        return found[0] if found else None


def row_tax_settings(book, tax_id: int | None, tax_number: int | None, rate: Decimal | None,
                     account_id: int | None, account_number: int | None
                     ) -> tuple[dict, bool]:
    """(InvoiceRow members, rate conflict) for a row that names a tax code (by its id as REST
    shows it, else its number) and an account (by its id, else its number, taken as given):
    ``TaxSettings`` (TaxCode, TaxAccount) and ``VatRate`` (the code's own; a rate without a
    code: that rate); the conflict when a rate is given that is not the code's. An unknown tax
    code (first) or account id: ``RecordNotFound``. Read under the ledger's lock."""
    out: dict = {}
    conflict = False
    if tax_id is not None or tax_number is not None:
        code = (book.tax_code_by_id(tax_id) if tax_id is not None
                else next((t for t in book.tax_codes.values() if t.tax_no == tax_number), None))
        if code is None:
            raise errors.RecordNotFound("Tax", tax_id if tax_id is not None else tax_number)
        conflict = rate is not None and rate != code.rate
        out["TaxSettings"] = {"TaxCode": code.tax_no}
        out["VatRate"] = code.rate
    elif rate is not None:
        out["VatRate"] = rate
    if account_id is not None:
        found = book.account_by_id(account_id)
        if found is None:
            raise errors.RecordNotFound("Account", account_id)
        account_number = found.account_no
    if account_number is not None:
        out.setdefault("TaxSettings", {})["TaxAccount"] = account_number
    return out, conflict


def _in_currency(currency, entries: list[Entry]) -> None:
    """S4 as SaveBundleList books foreign currency: each entry's amount in the currency, with
    its rate and unit (the ledger converts each one to NOK, rounded to øre)."""
    if currency is not None:
        for e in entries:
            e.currency_id, e.currency_rate, e.currency_unit = currency


def _rounding(currency, entries: list[Entry]) -> DifferenceOptions | None:
    """What converting each entry to NOK leaves (at most an øre per entry): booked on
    ``rules.CURRENCY_ROUNDING_ACCOUNT`` through S9, as an integrator's DifferenceOptions."""
    if currency is None:
        return None
    return DifferenceOptions(threshold=CENT * (len(entries) or 2),
                             account_id=rules.CURRENCY_ROUNDING_ACCOUNT,
                             comment="Valutaavrunding")


def _day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value


def _id(value) -> int:
    return value if isinstance(value, int) and value > 0 else 0


__all__ = ["InvoiceOps", "ORDER", "row_amounts", "order_totals", "RowAmounts", "row_tax_settings"]
