"""The master-data and invoice services (M1-M6, D1-D2): per-item refusals and their faults."""

from __future__ import annotations

from mockserver.errors.base import UNABLE_TO_PROCESS, NotSupported, RequestError, VendorError


class NotEmulated(NotSupported):
    """An operation of a served WSDL that the emulator does not answer yet: a Client fault
    naming it (never a 404 or a trace)."""

    def __init__(self, service: str, operation: str):
        super().__init__(f"{service}.{operation} is not emulated by tfso-mockserver.")


class ItemRefused(VendorError):
    """M2: a per-item problem of a Save*/Delete* call. Never a fault: the SOAP surface writes it
    as an ``APIException`` (``Type``, ``Message``) inside the failing item, HTTP 200, and the
    other items are saved (the vendor's recorded SaveCompanies answer has this shape).
    ``api_type`` is the APIException Type (interpretation: the vendor's are .NET type names)."""

    api_type = "ValidationException"


class RecordNotFound(ItemRefused):
    def __init__(self, what: str, record_id):
        super().__init__(f"{what} with Id {record_id} was not found.")


class NameRequired(ItemRefused):
    def __init__(self, what: str, field: str = "Name"):
        super().__init__(f"{field} is required to create a new {what}.")


class CategoryInUse(ItemRefused):
    def __init__(self, category_id: int):
        super().__init__(f"Category with Id {category_id} is used by a product or another "
                         "category and cannot be deleted.")


class CompanyInUse(ItemRefused):
    def __init__(self, company_id: int):
        super().__init__(f"Company with Id {company_id} has transactions in the ledger and "
                         "cannot be deleted.")


class UsedOnOrders(ItemRefused):
    """M2/M5: deleting a company or product that an order (InvoiceService) names: the order
    could no longer be saved or invoiced (interpretation)."""

    def __init__(self, what: str, record_id: int, order_id: int):
        super().__init__(f"{what} with Id {record_id} is used by InvoiceOrder {order_id} and "
                         "cannot be deleted.")


class RecordExists(ItemRefused):
    def __init__(self, what: str, field: str, value):
        super().__init__(f"A {what} with {field} {value} already exists.")


class OrderInvoiced(ItemRefused):
    """D1: SaveInvoices on an order that is invoiced (interpretation: orders cannot be merged or
    changed once invoiced; UpdateInvoices changes an invoice's title and reference)."""

    def __init__(self, order_id: int):
        super().__init__(f"InvoiceOrder with OrderId {order_id} is invoiced and can no longer "
                         "be changed; use UpdateInvoices for InvoiceTitle and ReferenceNumber.")


class OrderNotInvoiced(ItemRefused):
    def __init__(self, order_id: int):
        super().__init__(f"InvoiceOrder with OrderId {order_id} is not invoiced; UpdateInvoices "
                         "updates invoiced orders only.")


class VatRateUnknown(ItemRefused):
    def __init__(self, rate, rates: str):
        super().__init__(f"VatRate {rate} is not an output VAT rate of the client ({rates}); "
                         "set TaxSettings.TaxCode.")


class InvoiceNotPosted(ItemRefused):
    """D2: the invoice's voucher was refused by the ledger (SaveBundleList's text)."""

    def __init__(self, reason: str):
        super().__init__(f"The invoice could not be posted: {reason}")


class OrderHasNoLines(ItemRefused):
    """D2: invoicing an order without a row to invoice (0.56.0: "Before a sales order can be
    invoiced, it needs to include at least one sales order line")."""

    def __init__(self, order_id: int | None):
        # a new order has no OrderId yet: naming the id it would have had would name an order
        # that does not exist (and that the next saved order gets)
        super().__init__("InvoiceOrder has no row to invoice." if order_id is None else
                         f"InvoiceOrder with OrderId {order_id} has no row to invoice.")


class PaymentAmountSign(ItemRefused):
    """D2: PaymentAmount against the order's total (a refund of a credit note is negative)."""

    def __init__(self, amount, total):
        super().__init__(f"PaymentAmount {amount} does not have the sign of OrderTotalIncVat "
                         f"{total}; a credit note's refund is negative.")


class CurrencyRateUnknown(ItemRefused):
    """D2: an invoice in a currency with no rate (not on the order, not the client's)."""

    def __init__(self, code: str):
        super().__init__(f"Currency {code} has no rate: send Currency.Rate or add the currency "
                         "to the client.")


class UnknownReference(RequestError):
    """A call that names a record the client does not have (SavePerson's CustomerId,
    SaveProjectTask's Project, SetStockQuantity's productId...): a Server fault, as the vendor's
    single-item operations throw (interpretation)."""

    fault_code = "Server"
    template = UNABLE_TO_PROCESS + "{what} with Id {record_id} was not found."

    def __init__(self, what: str, record_id):
        super().__init__(what=what, record_id=record_id)


class RelationNotFound(RequestError):
    """DeleteRelations/DeleteRelation of a person and company that have no relation: a Server
    fault, as ``UnknownReference`` (interpretation, ``rules.RELATIONS``)."""

    fault_code = "Server"
    template = (UNABLE_TO_PROCESS + "Person with Id {person_id} has no relation to Company with "
                "Id {company_id}.")

    def __init__(self, person_id, company_id):
        super().__init__(person_id=person_id, company_id=company_id)


class ItemFault(VendorError):
    """An ``ItemRefused`` of a single-item operation (SaveProject, SavePerson...) whose result
    type has no APIException member: a Server fault, as an exception in an ASMX method is."""

    def __init__(self, err: ItemRefused):
        self.cause = err
        super().__init__(UNABLE_TO_PROCESS + err.text)



class HourTimesReversed(ItemRefused):
    """TimeService SaveHour: an hour that stops before it starts (interpretation)."""

    def __init__(self, start, stop):
        super().__init__(f"StopTime {stop:%Y-%m-%dT%H:%M:%S} is before StartTime "
                         f"{start:%Y-%m-%dT%H:%M:%S}.")


class HoursNegative(ItemRefused):
    """TimeService SaveHour: TotalHours or TotalHoursInvoice below zero (interpretation)."""

    def __init__(self, member: str, value):
        super().__init__(f"{member} {value} is negative; an hour is at least 0 hours long.")


class TaskOfAnotherProject(ItemRefused):
    """TimeService SaveHour: a ProjectTaskId that is a task of another project."""

    def __init__(self, task_id: int, project_id):
        super().__init__(f"Task with Id {task_id} is not a task of Project with Id "
                         f"{project_id}.")


class HourApproved(ItemRefused):
    """TimeService SaveHour/DeleteHour: an approved or locked hour is kept as it is
    (interpretation: what payroll has read must not change under it)."""

    def __init__(self, hour_id: int, state: str):
        super().__init__(f"Hour with Id {hour_id} is {state} and can no longer be changed "
                         "or deleted.")
