"""SaveBundleList and the ledger's posting rules (E, S, K): results ``{Type, Description}``,
never faults, but for the entry-id and link lookups."""

from __future__ import annotations

from mockserver.errors.base import VendorError


class NoNextEntryId(VendorError):
    """E3: unknown entry series, or an empty series without a start number (FAQ text)."""

    template = "No next Entry Id found with the provided date and sort"


class UnknownLine(VendorError):
    """K1: a LineId that is not a line of this client (interpretation)."""

    fault_code = "Client"
    template = "LineId {line_id} was not found"

    def __init__(self, line_id):
        super().__init__(line_id=line_id)


class UnknownLink(VendorError):
    """K1: a LinkId that was never created (interpretation)."""

    fault_code = "Client"

    def __init__(self, link_id):
        super().__init__(f"LinkId {link_id} was not found")


class SaveRefused(VendorError):
    """A bundle that cannot be saved. ``result_type`` is the SaveResponse Type.

    ``verbatim`` texts are the vendor's documented ones and are returned exactly as written;
    the emulator's own texts also say where the refusal happened (see ``locate``).
    """

    result_type = "Exception"
    verbatim = False
    #: the IgnoreWarnings key that lets the bundle through anyway ("" for none)
    warning_key = ""
    #: (bundle, voucher) of the refusal, where the surface that locates it sets it
    where: tuple[int, int | None]


class FiscalYearMissing(SaveRefused):
    """S2: YearId has no fiscal year set up (FAQ text)."""

    verbatim = True

    template = "Could not finish last Bundle! iError:2"


class SystemTypeRefused(SaveRefused):
    """S3: negative TypeNo are system types (guide)."""

    def __init__(self, type_no: int):
        super().__init__(
            f"TypeNo {type_no} is a system type. Only positive TypeNos can be used with "
            "SaveBundleList"
        )


class UnknownType(SaveRefused):
    """A TypeNo (Sort) the client does not have (interpretation)."""

    def __init__(self, type_no: int):
        super().__init__(f"TypeNo {type_no} does not exist. Use GetTypeList to get valid types")


class UnknownAccount(SaveRefused):
    """An AccountNo that is not in the chart of accounts (interpretation)."""

    def __init__(self, account_no: int):
        super().__init__(f"Account {account_no} does not exist")


class UnknownTaxCode(SaveRefused):
    """A TaxNo the client does not have (interpretation)."""

    def __init__(self, tax_no: str):
        super().__init__(f"TaxNo {tax_no} does not exist. Use GetTaxCodeList to get valid codes")


class NotInBalance(SaveRefused):
    """S4: debit and credit differ (interpretation of the text)."""

    def __init__(self, difference):
        super().__init__(f"Voucher is not in balance. Difference: {difference:f}")


class EntryOutsideFiscalYear(SaveRefused):
    """An entry dated outside the bundle's fiscal year (interpretation; catches a missing Date)."""

    def __init__(self, day, year: int):
        super().__init__(f"Entry date {day.isoformat()} is outside fiscal year {year}")


class TransactionNoMissing(SaveRefused):
    """S11: TransactionNo 0 (or below) when the emulator is told to refuse it (interpretation;
    ``rules.TRANSACTION_NO_ZERO`` = "refuse")."""

    template = ("TransactionNo {transaction_no} is not a voucher number. Get the next available "
                "number from GetEntryId")

    def __init__(self, transaction_no: int):
        super().__init__(transaction_no=transaction_no)


class NoOpenPeriod(SaveRefused):
    """REST POST /transactions dated where the client has no fiscal year (0.56.0: "there must
    be a financial period open for this date"; the text is the emulator's)."""

    def __init__(self, day):
        super().__init__(f"There is no open financial period for {day.isoformat()}")


class CommentTooLong(SaveRefused):
    """Comments are at most 75 characters in the ledger (REST spec maxLength)."""

    def __init__(self, length: int):
        super().__init__(f"Comment is {length} characters long; at most 75 are allowed")


class MissingVatAmount(SaveRefused):
    """S5: FAQ text, verbatim. Ignorable with ``vatisnotinbalance``."""

    verbatim = True
    warning_key = "vatisnotinbalance"

    template = "Voucher has a vat code that does not have a corresponding vat amount"


class AttachmentPosted(SaveRefused):
    """S7: the StampNo was already used (FAQ text)."""

    verbatim = True

    template = "Attachment is posted in the journal"


class LinkInsideBundle(SaveRefused):
    """K2: both linked entries are in the bundle being saved (guide)."""

    template = (
        "It is not possible to link two entries when they are both in the bundle that is "
        "being saved"
    )


class Warning_(SaveRefused):
    """S8: a warning that blocks the save unless its key is in IgnoreWarnings; ``detail`` (a
    template) says what was found."""

    warning_key = ""
    detail = ""

    def __init__(self, **fields):
        detail = self.detail.format(**fields)
        super().__init__(f"{detail} Add '{self.warning_key}' to IgnoreWarnings to save anyway.",
                         **fields)


class VatNotInBalance(Warning_):
    warning_key = "vatisnotinbalance"
    detail = "VAT on account {account_no} is {posted:f}, expected {expected:f}."


class VatMissingFoundation(Warning_):
    warning_key = "vatismissingfoundation"
    detail = "VAT amount on account {account_no} has no corresponding foundation entry."


class InvoiceAlreadyExists(Warning_):
    warning_key = "invoicealreadyexists"
    detail = "Invoice reference {reference} already exists in the ledger."


class CustomerMismatchBankAccount(Warning_):
    warning_key = "customermismatchbankaccount"
    detail = "Bank account {bank_account} is not the default bank account of customer {customer_id}."


class NoEntries(SaveRefused):
    template = "The voucher has no entries"


class NoVouchers(SaveRefused):
    template = "The bundle has no vouchers"


class LinkedLineMissing(SaveRefused):
    """A link to a LineId that is not a line of this client, refused with the bundle."""

    template = UnknownLine.template


class LinkIdNeeded(SaveRefused):
    template = "Links need a LinkId on the entry or the LinkModel"


class DuplicateData(SaveRefused):
    """S11: the same voucher was saved before (a retry)."""

    result_type = "DuplicateData"

    def __init__(self, transaction_no: int):
        super().__init__(f"Voucher with TransactionNo {transaction_no} is already saved")


class DataAlreadySaved(SaveRefused):
    """S11: the TransactionNo is taken by other content in that series and year."""

    result_type = "DataAlreadySaved"

    def __init__(self, transaction_no: int, series_id: int, year: int):
        super().__init__(
            f"TransactionNo {transaction_no} is already used in entry series {series_id} "
            f"for {year}"
        )


class NothingToSave(SaveRefused):
    """A BundleList with no bundles (interpretation)."""

    result_type = "NotSaved"

    template = "The BundleList has no bundles"


# Where a refusal is located, appended to the vendor text (interpretation, kept in one place).
LOCATION_SUFFIX = " (Bundle {bundle}, Voucher {voucher})"


def locate(err: SaveRefused, bundle: int, voucher: int | None) -> str:
    """The Description for a refused bundle: the vendor text first, then where it happened."""
    if err.verbatim:
        return err.text
    if voucher is None:
        return err.text + f" (Bundle {bundle})"
    return err.text + LOCATION_SUFFIX.format(bundle=bundle, voucher=voucher)


class UnknownAccountId(SaveRefused):
    """M6: an AccountService V002 Entry.AccountId that is no AccountId of GetAccountList."""

    def __init__(self, account_id: int):
        super().__init__(f"AccountId {account_id} does not exist")


class PeriodNotAMonth(SaveRefused):
    """M6: an AccountService V002 Entry.Period that is no month (0 is "not given"); booking it
    in the date's month instead would put the line in a period the client did not ask for."""

    def __init__(self, period: int):
        super().__init__(f"Period {period} is not a month (1-12)")

