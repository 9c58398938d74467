"""An invoice as a PDF (SPEC D3: GetInvoiceDocument), drawn with fpdf2.

One A4 page per ~30 rows: the client (seller), the customer and its invoice address, invoice
number, dates, KID, the rows (text rows as text), net, VAT and total. The creation date is the
invoice date, so the same invoice gives the same bytes (recorded pairs compare them). fpdf2's
core fonts are Latin-1: Norwegian letters print, anything else becomes "?".
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from ..ledger import interpretations as rules


def _text(value) -> str:
    return str(value if value is not None else "").encode("latin-1", "replace").decode("latin-1")


def _money(value) -> str:
    q = Decimal(value or 0).quantize(Decimal("0.01"))
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    groups: list[str] = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{' '.join(groups) or '0'},{frac}"


def _day(value) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date() if value.tzinfo else value.date()
    return value.strftime("%d.%m.%Y") if isinstance(value, date) else ""


def render(order: dict, seller: str, customer: dict) -> bytes:
    """The PDF of an invoiced ``order`` (the ledger's record: InvoiceId, OCR, rows, totals)."""
    from fpdf import FPDF  # imported on first use: start-up does not pay for it

    pdf = FPDF(format="A4")
    stamp = order.get("DateInvoiced")
    if isinstance(stamp, datetime):
        pdf.set_creation_date(stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC))
    title = f"{rules.document_title(order.get('OrderTotalIncVat') or 0)} {order['InvoiceId']}"
    pdf.set_title(_text(title))
    pdf.set_author(_text(seller))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 18)
    pdf.cell(0, 10, _text(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.cell(0, 6, _text(seller), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    address = ((order.get("Addresses") or {}).get("Invoice")
               or (customer.get("Addresses") or {}).get("Invoice") or {})
    lines = [order.get("CustomerName") or customer.get("Name"), address.get("Street"),
             " ".join(x for x in (address.get("PostalCode"), address.get("PostalArea")) if x)]
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, _text(f"Kunde {order.get('CustomerId')}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for line in lines:
        if line:
            pdf.cell(0, 5, _text(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    facts = [("Fakturanr.", order["InvoiceId"]), ("Fakturadato", _day(order.get("DateInvoiced"))),
             ("Forfallsdato", _day(order.get("DueDate"))), ("KID", order.get("OCR")),
             ("Ordrenr.", order.get("OrderId")), ("Deres ref.", order.get("YourReference")),
             ("Krediterer faktura", order.get("ReferenceInvoiceId"))]
    for label, value in facts:
        if value:
            pdf.cell(40, 5, _text(label))
            pdf.cell(0, 5, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    widths = (80, 20, 28, 16, 14, 32)
    heads = ("Beskrivelse", "Antall", "Pris", "Rabatt", "Mva", "Beløp")
    pdf.set_font("Helvetica", "B", 9)
    for w, h in zip(widths, heads, strict=True):
        pdf.cell(w, 6, _text(h), border="B", align="L" if h == "Beskrivelse" else "R")
    pdf.ln()
    pdf.set_font("Helvetica", "", 9)
    for row in order.get("InvoiceRows") or ():
        name = _text(row.get("Name") or row.get("ProductNo") or "")[:60]
        if row.get("Type") in ("Text", "TextBold"):
            pdf.set_font("Helvetica", "B" if row["Type"] == "TextBold" else "", 9)
            pdf.cell(0, 5, name, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", "", 9)
            continue
        cells = (name, _money(row.get("Quantity")).rstrip("0").rstrip(","),
                 _money(row.get("Price")), f"{_money(row.get('DiscountRate'))} %",
                 f"{_money(row.get('VatRate')).rstrip('0').rstrip(',')} %",
                 _money(row.get("Net")))
        for w, c, i in zip(widths, cells, range(6), strict=True):
            pdf.cell(w, 5, c, align="L" if i == 0 else "R")
        pdf.ln()
    pdf.ln(4)
    total, vat = order.get("OrderTotalIncVat") or 0, order.get("OrderTotalVat") or 0
    for label, value, bold in (("Sum eks. mva", Decimal(total) - Decimal(vat), False),
                               ("Mva", vat, False), (f"Å betale {_currency(order)}", total, True)):
        pdf.set_font("Helvetica", "B" if bold else "", 10)
        pdf.cell(sum(widths) - 32, 6, _text(label), align="R")
        pdf.cell(32, 6, _money(value), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _currency(order: dict) -> str:
    code = str((order.get("Currency") or {}).get("Symbol") or "").strip().upper()
    return "NOK" if code in rules.LOCAL_CURRENCIES else code
