"""The scenario reader's refusals (``ledger/scenario/``): a scenario file, an inline scenario or
the client options of ``POST /__admin/clients`` that cannot be used. Rendered where they always
were: the control API (``admin/api.py``: 400 ScenarioError; ``admin/options.py``: 400
ValidationError) and the CLI (one line, ``bad scenario: ...``).

A field's refusal is the problem alone (``must be a list``); the reader puts where it is
before it (``webshop.yaml, line 12: vouchers[0].lines: ``) with ``ScenarioError.at``. A refusal
found after reading (a voucher checked against the client's books, ``generate``) names its
place itself (``where``)."""

from __future__ import annotations


class ScenarioError(ValueError):
    """A scenario that cannot be used. The text names the source, the line and the field."""

    template = ""

    def __init__(self, text: str | None = None, **fields):
        self.__dict__.update(fields)
        self.text = self.template.format(**fields) if text is None else text
        super().__init__(self.text)

    def at(self, where: str) -> ScenarioError:
        """This refusal with its place (``file, line N: path``) before the problem."""
        self.text = f"{where}: {self.text}"
        self.args = (self.text,)
        return self


def did_you_mean(hint: str | None) -> str:
    """The hint after a refused name (`` (did you mean scopes?)``), or nothing."""
    return f" (did you mean {hint}?)" if hint else ""


# --- reading a file -------------------------------------------------------------------------


class ScenarioNoName(ScenarioError):
    template = "A scenario needs a name or a path"


class ScenarioFileMissing(ScenarioError):
    template = "Scenario file {path} does not exist"


class ScenarioNotYaml(ScenarioError):
    template = "{source}{where}: not valid YAML: {problem}"


class ScenarioKeyNotText(ScenarioError):
    template = "line {line}: a key must be plain text"


class ScenarioKeyTwice(ScenarioError):
    template = "line {line}: {key} is given twice (first on line {first})"


class ScenarioNotFinite(ScenarioError):
    template = "line {line}: {value!r} is not a finite number"


# --- a field's value (the reader puts the place before it) ----------------------------------


class ScenarioNotAMapping(ScenarioError):
    template = "must be a mapping (key: value)"


class ScenarioUnknownField(ScenarioError):
    template = "unknown field{hint}; known fields: {known}"


class ScenarioNotAList(ScenarioError):
    template = "must be a list"


class ScenarioRequired(ScenarioError):
    template = "is required"


class ScenarioNotAWholeNumber(ScenarioError):
    template = "must be a whole number, not {value!r}"


class ScenarioOutOfBounds(ScenarioError):
    """A number outside ``low``..``high`` (no ``high``: at least ``low``)."""

    template = "must be {bounds}, not {value}"

    def __init__(self, low, high, value):
        bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
        super().__init__(low=low, high=high, value=value, bounds=bounds)


class ScenarioNotText(ScenarioError):
    template = "must be text, not {value!r}"


class ScenarioTooLong(ScenarioError):
    template = "is {length} characters long; at most {max_len} are allowed"


class ScenarioNotABoolean(ScenarioError):
    template = "must be true or false, not {value!r}"


class ScenarioNotANumber(ScenarioError):
    template = "must be a number, not {value!r}"


class ScenarioNotADayOfTheYear(ScenarioError):
    template = "{value!r} is not a day of the year"


class ScenarioNotADate(ScenarioError):
    template = "must be a date like 2024-01-31, not {value!r}"


class ScenarioNotADateOrRelative(ScenarioError):
    template = ("must be a date like 2024-01-31 or relative to the clock's year like "
                "current-01-31, not {value!r}")


class ScenarioNotAGuid(ScenarioError):
    template = "must be a GUID, not {value!r}"


class ScenarioRepeatedId(ScenarioError):
    template = "repeats {key} (ids must be unique)"


class ScenarioUnknownScope(ScenarioError):
    template = ("{value!r} is not a scope of the vendor's OpenAPI 0.56.0{hint}; "
                "the scopes: {scopes}")


class ScenarioYearOutOfRange(ScenarioError):
    template = "must be a year from 1900 to 9998, not {value}"


class ScenarioNotAYear(ScenarioError):
    template = ("must be a year (2024) or relative to the clock's year (current, current-1), "
                "not {value!r}")


class ScenarioNotAPercentage(ScenarioError):
    template = "must be a percentage from 0 to 100, not {value}"


class ScenarioNotDigits(ScenarioError):
    template = "must be digits (spaces and dots allowed), not {value!r}"


class ScenarioNotACurrencyCode(ScenarioError):
    template = "must be a three-letter currency code, not {value!r}"


class ScenarioRateNotPositive(ScenarioError):
    template = "must be a rate above 0, not {value}"


class ScenarioNotOneOf(ScenarioError):
    template = "must be one of {known}, not {value!r}{hint}"


class ScenarioVoucherLinesRequired(ScenarioError):
    template = "is required (the voucher's lines)"


class ScenarioNoLines(ScenarioError):
    template = "needs at least one line"


class ScenarioLineDateRequired(ScenarioError):
    template = "is required (on the line or the voucher)"


class ScenarioLinesNotInBalance(ScenarioError):
    template = "is not in balance: the lines sum to {total:f}, not 0"


class ScenarioGenerateOneLine(ScenarioError):
    template = "must be 0 or at least 2 (a voucher has two lines or more)"


class ScenarioEndBeforeStart(ScenarioError):
    template = "{end} is before generate.from {start}"


class ScenarioStandardPriceList(ScenarioError):
    template = ("{id} is the standard price list (the products' own prices): number the "
                "scenario's lists from {first}")


class ScenarioRepeatedProduct(ScenarioError):
    template = "repeats product {product_id} (one price per product)"


class ScenarioNotAPercent(ScenarioError):
    template = "must be a percent from 0 to 100, not {value}"


class ScenarioRepeatedDiscount(ScenarioError):
    template = "repeats {what} (one value per price group, category and customer)"


# --- checked against the client's books (each names its place) ------------------------------


class ScenarioTypeWithoutSeries(ScenarioError):
    template = ("{source}: types: TypeNo {type_no} uses entry series {series_id}, which the "
                "client does not have")


class ScenarioNoType(ScenarioError):
    template = "{where}.type_no: TypeNo {type_no} does not exist"


class ScenarioDateInNoYear(ScenarioError):
    template = "{where}.date: {day} is in no fiscal year of the client ({years})"


class ScenarioDateOutsideYear(ScenarioError):
    template = "{where}.date: {day} is outside fiscal year {year} of the voucher"


class ScenarioNoAccount(ScenarioError):
    template = "{where}.account: account {account_no} does not exist"


class ScenarioNoTaxCode(ScenarioError):
    template = "{where}.tax_no: TaxNo {tax_no} does not exist"


class ScenarioNoCustomer(ScenarioError):
    template = "{where}.customer_id: customer {customer_id} does not exist"


class ScenarioVoucherNotInBalance(ScenarioError):
    template = "{where}: the voucher is not in balance"


class ScenarioGenerateNeeds(ScenarioError):
    template = "{where}: generate: needs {kind} {missing}"


class ScenarioGenerateNoYears(ScenarioError):
    template = "{where}: generate: the client has no fiscal years"


class ScenarioGenerateOutsideYears(ScenarioError):
    template = "{where}: generate: {start}..{end} is not inside the client's fiscal years"


class ScenarioGenerateNoCustomers(ScenarioError):
    template = ("{where}: generate: the client has no customers; add some or set "
                "generate.customers")
