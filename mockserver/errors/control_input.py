"""The control API's input checks that are not AdminErrors by origin: fault definitions
(``control/faults.py``, answered 400 ValidationError) and the dashboard's filters
(``admin/ui.py``, shown on the page). Both are ValueErrors, as their callers expect."""

from __future__ import annotations

from mockserver.errors.control import ControlError


class FaultSpecError(ControlError, ValueError):
    """A fault definition that cannot be used; the text names the field."""


class ControlBodyNotAnObject(FaultSpecError):
    """Any control-API body (faults or not) that is not a JSON object."""

    template = "The body must be a JSON object"


class FaultIntOutOfRange(FaultSpecError):
    template = "{key} must be an integer from {low} to {high}, not {value!r}"


class FaultUnknownFields(FaultSpecError):
    template = ("Unknown field(s): {fields}; a fault has matchers ({matchers}), times, delay_ms "
                "and one of {actions}")


class FaultActionsConflict(FaultSpecError):
    template = "Give one of {actions}, not {given}"


class FaultNoAction(FaultSpecError):
    template = "Give delay_ms or one of {actions}"


class FaultMatcherEmpty(FaultSpecError):
    template = "{key} must be a non-empty string"


class FaultPathRelative(FaultSpecError):
    template = "path must start with '/', e.g. /v1/transactionlines, not {path!r}"


class FaultServiceUnknown(FaultSpecError):
    template = "service must be one of {services}, not {service!r}"


class FaultOperationUnknown(FaultSpecError):
    template = ("operation must be an operation of {where} (as its WSDL names it, e.g. "
                "{example}), not {operation!r}")


class FaultOperationSoapOnly(FaultSpecError):
    template = "operation matches SOAP calls; for REST use path and method"


class FaultMethodUnknown(FaultSpecError):
    template = "method must be one of {methods}, not {method!r}"


class FaultTextEmpty(FaultSpecError):
    template = "soap_fault must be the fault text, a non-empty string"


class FaultFlagNotTrue(FaultSpecError):
    template = "{action} must be true"


class FaultSoapOnly(FaultSpecError):
    template = "{action} applies to SOAP calls; for REST use http_status"


class FaultResultNotObject(FaultSpecError):
    template = 'result must be an object, e.g. {"Type": "SystemError", "Description": "..."}'


class FaultResultNoOperation(FaultSpecError):
    template = "result needs operation: the operation whose result it replaces"


class FaultResultFields(FaultSpecError):
    template = "result of SaveBundleList has Type and Description, not {fields}"


class FaultResultType(FaultSpecError):
    template = "result.Type must be one of {types}, not {value!r}"


class FaultResultDescription(FaultSpecError):
    template = "result.Description must be a string"


class FilterError(ControlError, ValueError):
    """A dashboard filter that cannot be read; shown above the table, never raised to Flask."""


class FilterNotADate(FilterError):
    template = "{label} must be a date like 2024-01-31, not {value!r}"


class FilterNotAWholeNumber(FilterError):
    template = "{label} must be a whole number, not {value!r}"
