"""Interpretations of InvoiceService (SPEC D1-D3): order and invoice numbering, row defaults,
the invoice voucher, credit notes, KID and the lists a scenario may replace (a sibling of
``interpretations``, which re-exports every name here). Each constant is one row of the
README's fidelity table marked *interpretation*.
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

__all__ = ["FIRST_ORDER_ID", "FIRST_INVOICE_ID", "DEFAULT_QUANTITY", "DEFAULT_VAT_RATE",
           "DEFAULT_PAYMENT_TIME", "payment_time", "WRITE_ONLY_ORDER_MEMBERS",
           "INVOICED_STATES", "INVOICE_TYPE_NO", "PAYMENT_TYPE_NO",
           "CURRENCY_ROUNDING_ACCOUNT", "document_title", "RECEIVABLE_ACCOUNT", "BANK_ACCOUNT",
           "OUTPUT_VAT", "kid", "DELIVERY_METHODS", "PAYMENT_METHODS", "INVOICE_TEMPLATE_ID",
           "INVOICE_TEMPLATES", "INVOICE_IGNORED_WARNINGS", "INVOICE_UPDATABLE"]

#: Orders are numbered from 1; invoices have their own series, numbered from 10000 (as the
#: demo client's "Utgående fakturaer" entry series starts).
FIRST_ORDER_ID = 1
FIRST_INVOICE_ID = 10000
#: A row without Quantity sells one; without VatRate, the product's TaxRate, else 25 % (the
#: Norwegian standard rate); without Price, the product's Price. IncludeVAT null is false.
DEFAULT_QUANTITY = Decimal(1)
DEFAULT_VAT_RATE = Decimal(25)
#: PaymentTime absent: the customer's terms (the company's PaymentTime, when set), else 14 days
#: (FAQ: "If you set this as 14 it means 14 days from the invoice date"; 14 is also
#: ClientService's ReminderDays). Both WSDLs default PaymentTime to their type's minimum ("not
#: set"), so the order's own value wins only when sent.
DEFAULT_PAYMENT_TIME = 14


def payment_time(ordered, company) -> int:
    """The invoice's PaymentTime: the order's, else its company's, else ``DEFAULT_PAYMENT_TIME``."""
    for term in (ordered, (company.data if company is not None else {}).get("PaymentTime")):
        if isinstance(term, int) and term >= 0:
            return term
    return DEFAULT_PAYMENT_TIME
#: Members an order takes but never shows again: the FAQ's "Can't find the PaymentAmount field
#: when I use GetInvoices? This field is only used with the SaveInvoices method when registering
#: invoices as paid when they are created." GetInvoices and UpdateInvoices' answers (the order as
#: it is now) leave it out, even when invoiceReturnProperties names it; SaveInvoices' answer
#: echoes it (interpretation: the answer is the order as sent and saved).
WRITE_ONLY_ORDER_MEMBERS = frozenset({"PaymentAmount"})
#: The order states that post: an order saved (or changed) to Invoiced is invoiced once.
INVOICED_STATES = frozenset({"Invoiced"})
#: Amounts per row, rounded to øre half to even (S12's rule): net = quantity x price x (1 -
#: discount %) (IncludeVAT: that is the gross, net = gross x 100 / (100 + rate)), VAT = net x
#: rate % (IncludeVAT: gross - net). OrderTotalVat is the sum of the rows' VAT, OrderTotalIncVat
#: the sum of net and VAT: exactly what the voucher posts.
#: The invoice voucher: TypeNo 1 "Utgående faktura", the next free number of its series; 1500
#: (customer, InvoiceNo = KID's invoice number, due date) debit the total; revenue per row on the
#: row's TaxSettings.TaxAccount, else the account for its VAT rate; VAT per rate on the output
#: code's account (2700). A payment (PaymentAmount): TypeNo 3 "Innbetaling", 1920 debit, 1500
#: credit, linked with the invoice's receivable.
INVOICE_TYPE_NO = 1
PAYMENT_TYPE_NO = 3
#: A credit note is an Invoiced order whose total is negative: the same voucher with every sign
#: reversed, the next number of the invoice series, "Kreditnota N" as its text and title.
#: PaymentAmount has the total's sign (a refund is negative); ReferenceInvoiceId names an invoice.
#: An order in a foreign Currency posts its amounts in it with the rate (the order's, else the
#: client's currency list), as SaveBundleList; rounding to NOK per entry goes to 8160.
CURRENCY_ROUNDING_ACCOUNT = 8160
def document_title(total) -> str:
    return "Kreditnota" if total < 0 else "Faktura"
RECEIVABLE_ACCOUNT = 1500
BANK_ACCOUNT = 1920
#: output VAT rate -> (TaxNo, revenue account)
OUTPUT_VAT = {Decimal(25): (3, 3000), Decimal(15): (31, 3000), Decimal(12): (33, 3000),
              Decimal(0): (5, 3100)}
#: KID (OCR): the invoice number with its MOD10 (Luhn) check digit.
def kid(invoice_id: int) -> str:
    digits = str(invoice_id)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return digits + str((10 - total % 10) % 10)


#: GetDeliveryMethods / GetPaymentMethods / GetInvoiceTemplates when a scenario gives none.
DELIVERY_METHODS = ({"Id": 1, "Description": "Post"}, {"Id": 2, "Description": "E-post"},
                    {"Id": 3, "Description": "Hentes"})
PAYMENT_METHODS = ({"Id": 1, "Name": "Bank"}, {"Id": 2, "Name": "Kort"},
                   {"Id": 3, "Name": "Vipps"})
INVOICE_TEMPLATE_ID = UUID("5f0e4c2a-9a43-4f5e-8a43-24f0a77a0001")
INVOICE_TEMPLATES = ({"Id": INVOICE_TEMPLATE_ID, "Name": "Standard faktura",
                      "FileName": "standard.pdf", "Language": "nb-NO", "Country": "NO",
                      "IsSystemTemplate": True, "IsDefault": True},)
#: The invoice voucher is booked with these SaveBundleList warnings ignored: VAT is summed per
#: rate from per-row amounts (may differ from the rate applied to the summed base by an øre),
#: and the invoice number is new by construction.
INVOICE_IGNORED_WARNINGS = ("vatisnotinbalance", "invoicealreadyexists")
#: UpdateInvoices: "valid update properties: InvoiceTitle, ReferenceNumber" (WSDL); the others
#: sent are ignored.
INVOICE_UPDATABLE = frozenset({"InvoiceTitle", "ReferenceNumber"})
