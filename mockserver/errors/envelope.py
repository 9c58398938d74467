"""W6/W9: a SOAP request that cannot be read, in ASMX's and .NET's own words."""

from __future__ import annotations

from mockserver.errors.base import INVALID_FORMAT, UNABLE_TO_READ, RequestError, ServerError


class EmptyRequest(RequestError):
    template = INVALID_FORMAT + "the request body is empty."


class DtdNotAllowed(RequestError):
    template = INVALID_FORMAT + "DTDs are not allowed in SOAP messages."


class UnreadableXml(RequestError):
    """The body is not well-formed XML, in W9's shape: where the parser stopped (``line``,
    ``column``) and its message (``detail``: libxml2's words, not .NET's XmlException text)."""

    template = UNABLE_TO_READ + " ({line}, {column}). ---> {detail}"


class NotAnEnvelope(RequestError):
    template = INVALID_FORMAT + "the root element is not a SOAP Envelope."


class NoSoapBody(RequestError):
    template = INVALID_FORMAT + "the SOAP Envelope has no Body."


class EmptySoapBody(RequestError):
    template = INVALID_FORMAT + "the SOAP Body is empty."


class VersionMismatch(RequestError):
    """The envelope's SOAP version is not the one the Content-Type announced; answered in the
    announced ``version``."""

    fault_code = "VersionMismatch"
    template = ("Possible SOAP version mismatch: Envelope namespace {ns} was unexpected. "
                "Expecting {version}.")


class UnknownSoapAction(RequestError):
    """SOAP 1.1 routing (``soap/routing.py``): a SOAPAction header that names no operation of
    the service; ``action`` is the header's value without one pair of surrounding quotes,
    URL-decoded, as ASMX quotes it (System.Web.Services' WebHttpHeader text)."""

    template = "Server did not recognize the value of HTTP Header SOAPAction: {action}."


class SoapActionRequired(RequestError):
    """SOAP 1.2 routing (or SOAP 1.1 without a SOAPAction header): no action, and a Body
    element that is no operation's request element (ASMX's UnableToHandleRequestActionRequired0)."""

    template = ("Unable to handle request without a valid action parameter. Please supply a "
                "valid soap action.")


class SoapActionNotRecognized(RequestError):
    """SOAP 1.2 routing: the Content-Type's ``action`` names no operation and neither does the
    Body element (ASMX's UnableToHandleRequestActionNotRecognized1)."""

    template = "Unable to handle request. The action '{action}' was not recognized."


class SkippedRequestElement:
    """A call routed by its action whose Body element is not the operation's request element
    (another name or namespace): .NET's XmlSerializer skips it and the web method runs without
    arguments. Not raised: ``text`` is the control API journal's warning."""

    template = ("Element '{element}' in namespace '{op_ns}' is not the request element of "
                "{operation} ('{operation}' in '{ns}') and was skipped, as .NET's XmlSerializer "
                "skips it: the call was routed by its action and {operation} received no arguments")

    def __init__(self, element: str, op_ns: str, operation: str, ns: str):
        self.text = self.template.format(element=element, op_ns=op_ns, operation=operation, ns=ns) + "."


class SoapByPost(RequestError):
    """GET on a service without ``?WSDL``."""

    soap_status = 405
    template = "{service} answers SOAP requests by POST; its WSDL is at ?WSDL."


class MethodNotAllowed(RequestError):
    soap_status = 405
    template = "Method {method} is not allowed; use POST, or GET ?WSDL."


class BadValue(RequestError):
    """W9: a value XmlSerializer cannot read, in ASMX's words: ``Server was unable to read
    request. ---> There is an error in XML document (LINE, COLUMN). ---> INNER``, INNER being
    .NET's own exception text (see ``DotNet``). LINE and COLUMN are where .NET's XmlTextReader
    stands when the conversion fails (``soap/codec.py``: ``dotnet_position``).

    ``detail`` names the element and the value (.NET's text does not; ``describe``): it goes to
    the control API's request journal, never on the wire.
    """

    template = UNABLE_TO_READ + " ({line}, {column}). ---> {inner}"
    #: the journal's detail: which element held which value
    detail_template = "The value '{value}' of element '{element}' is not a valid {xsd_type}."

    def __init__(self, inner: str, line: int, column: int, detail: str = ""):
        super().__init__(inner=inner, line=line, column=column, detail=detail)

    @classmethod
    def describe(cls, element: str, value: str, xsd_type: str) -> str:
        shown = value if len(value) <= 80 else value[:77] + "..."
        return cls.detail_template.format(value=shown, element=element, xsd_type=xsd_type)


class DotNet:
    """.NET's exception texts for a value it cannot convert (System.Xml.XmlConvert, Int32.Parse,
    Decimal.Parse, new Guid(string), XmlSerializer's enum reader), verbatim: the INNER part of
    ``BadValue`` (never raised on their own)."""

    FORMAT = "Input string was not in a correct format."
    #: Overflow texts by XSD type (System.OverflowException of each .NET type's Parse)
    OVERFLOW = {
        "int": "Value was either too large or too small for an Int32.",
        "short": "Value was either too large or too small for an Int16.",
        "long": "Value was either too large or too small for an Int64.",
        "unsignedByte": "Value was either too large or too small for an unsigned byte.",
        "decimal": "Value was either too large or too small for a Decimal.",
    }
    GUID_LENGTH = "Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)."
    GUID_UNRECOGNIZED = "Unrecognized Guid format."
    GUID_DASHES = "Dashes are in the wrong position for GUID parsing."
    GUID_HEX = "Guid string should only contain hexadecimal characters."
    NULL_REFERENCE = "Object reference not set to an instance of an object."
    BOOLEAN = "The string '{text}' is not a valid Boolean value."
    DATETIME = "The string '{text}' is not a valid AllXsd value."
    ENUM = "Instance validation error: '{text}' is not a valid value for {type_name}."
    BASE64 = ("The input is not a valid Base-64 string as it contains a non-base 64 character, "
              "more than two padding characters, or an illegal character among the padding "
              "characters.")

    @classmethod
    def boolean(cls, text: str) -> str:
        return cls.BOOLEAN.format(text=text)

    @classmethod
    def datetime(cls, text: str) -> str:
        return cls.DATETIME.format(text=text)

    @classmethod
    def enum(cls, text: str, type_name: str) -> str:
        return cls.ENUM.format(text=text, type_name=type_name)


class NullArgument(ServerError):
    """W9: a web method argument that was missing or nil reaches the vendor's code as null and
    fails there (a NullReferenceException, interpretation of what that code does with it)."""

    detail_template = "{argument} was missing or nil; the web method received null"

    def __init__(self, argument: str):
        self.argument = argument
        super().__init__(DotNet.NULL_REFERENCE, detail=self.detail_template.format(argument=argument))


class IgnoredElement:
    """W6: an element the WSDL does not have where it was sent. XmlSerializer skips it silently;
    the emulator says so in the control API's request journal (``warnings``), never on the wire.
    Not raised: ``text`` is the warning."""

    template = ("Element '{element}' in '{parent}'{where} is not in the WSDL and was ignored, "
                "as .NET's XmlSerializer ignores it")
    wrap_template = "; {parent} holds <{item}> elements, so wrap each item in <{item}>"

    def __init__(self, element: str, parent: str, line: int | None, item: str | None = None):
        self.element, self.parent, self.line, self.item = element, parent, line, item
        where = f" (line {line})" if line else ""
        text = self.template.format(element=element, parent=parent, where=where)
        if item:
            text += self.wrap_template.format(parent=parent, item=item)
        self.text = text + "."


class TooManyXmlAttributes(RequestError):
    """An envelope over the emulator's attribute or namespace-declaration limits (``--limit
    xml_attributes`` and friends): refused before any parser sees it."""

    template = INVALID_FORMAT + "{where} has more than {limit} {what} (--limit {limit_name}={limit})."

    def __init__(self, what: str, where: str, limit: int, limit_name: str):
        super().__init__(what=what, where=where, limit=limit, limit_name=limit_name)

