"""Interpretations of the REST surface's later additions (a sibling of ``interpretations``,
which re-exports every name here): sales order attachments, an application's default
OAuth scopes, what a bank feed writes, a customer's name on PATCH and a product's references. Each constant is one row of the README's fidelity table marked *interpretation*.
"""

from __future__ import annotations

#: ``POST /salesorders/{id}/attachments``: the spec's request body media types that carry a
#: file (``application/pdf``, ``image/png``; a ``multipart/form-data`` body's one file part must
#: be one of them: a part without a type, or ``application/octet-stream``, is taken by its file
#: name's extension, else by its first bytes), as AttachmentService's file types, whose first bytes the content must have.
#: An attachment is kept with its order, not as an AttachmentService file: no stamp number,
#: not in GetFileInfo. Its ``fileId`` is its own id as a string; ``timestamp`` when it was added
#: (the client's clock); ``tags`` always ``[]`` (nothing sets them); ``fileName`` the
#: Content-Disposition's ``filename*`` else ``filename``, else ``attachment.pdf``/``.png``.
#: Refusals (the spec names only 403 for an invoiced order): another media type 415, an empty
#: body or bytes not of the declared type 400, 4 MB (4,194,304 bytes) or more 413 (the spec:
#: "less than 4 MB"; a smaller ``--limit attachment_bytes`` wins), an unknown order 404.
ORDER_ATTACHMENT_TYPES = {"application/pdf": "Pdf", "image/png": "Png"}
ORDER_ATTACHMENT_MAX_BYTES = 4 * 1024 * 1024 - 1
ORDER_ATTACHMENT_NAMES = {"application/pdf": "attachment.pdf", "image/png": "attachment.png"}
ORDER_ATTACHMENT_TAGS: tuple[str, ...] = ()

#: An application's default scopes (``POST /__admin/clients`` ``oauth: {"scopes": [...]}``, or
#: the scenario's ``oauth``): what a token requested without ``scope`` carries, as the scopes
#: approved for an application in the vendor's developer portal are. Each must be one of
#: ``OAUTH_SCOPES``; none given: every ``:read`` scope (``OAUTH_DEFAULT_SCOPES``). A token asked
#: for with ``scope`` may still get any scope of ``OAUTH_SCOPES``.

#: ``POST /bankaccounts``, ``/bankaccounts/{id}/balances``, ``/banktransactions`` (a bank feed,
#: ``ledger/bankfeed.py``): records of the client's state beside the chart's bank accounts.
#: A posted account is listed after the chart's, with the owner, BIC, type and optional
#: ``transactionType``/``ledgerAccount`` as given (a ledger account must be in the chart, a type
#: one the client has: else 400); its id a new GUID; a number one of the client's bank accounts
#: has (the chart's too): 409. The POST may carry the "optional initial balance" its description
#: names as ``balance``. A balance is the bank's: ``GET`` shows the latest posted one with a
#: timestamp before ``before`` (start of that day, UTC; no ``before``: before now, the client's
#: clock); for a chart account without one, the ledger's as before. A bank transaction is not
#: booked: status ``created``, listed with the chart's lines by date, read by its reference; it
#: changes no ledger line and no balance. Its own side (``fromBankAccount`` outbound,
#: ``toBankAccount`` inbound) is the account's number and type, the other side as sent
#: (type bban when left out). An unknown ``bankAccount.id``: 400 (the body is wrong, the path
#: is not); a reference the client has (a chart line's id too): 409; nothing written on any
#: refusal. What the schema leaves open is checked (BANK_FEED_INPUT).
BANK_FEED = "bank feed records: accounts, balances, transactions (status created)"
#: a BIC of 8 or 11 (ISO 9362), a number of A-Z/0-9 (at most 34) and for ``iban`` its ISO 13616
#: check digits, a currency code of three capitals, a non-blank name and owner/contact name, an
#: e-mail with an @; the vendor's words: a reference of 10-130 characters, a positive amount,
#: a payment reference value of at most 1000 characters; ``date`` as YYYY-MM-DD; a balance's
#: ``timestamp`` RFC 3339 (no offset: UTC) in the years 1900-9998, as the control API's clock.
BANK_FEED_INPUT = ("bic", "number", "iban", "currency", "name", "email", "reference", "amount")

#: The status line's reason phrase of every answer of the REST API, the control API and the
#: dashboard is the standard one in IIS's and ASP.NET Core's spelling, as the SOAP services and
#: the door's refusals here write it (``404 Not Found``, ``201 Created``); Flask would write
#: Werkzeug's capitals (``404 NOT FOUND``). The vendor's REST documents show no status line.
#: The phrases: ``door.REASONS``, applied by ``door.standard_status``.
REASON_PHRASES = "standard (404 Not Found), not Werkzeug's capitals"

#: The vendor's 0.56.0 document leaves the request body of PATCH /products/{id}, PATCH
#: /productcategories/{id}, POST and PATCH /salesorders[/{id}], POST and PATCH
#: /salesorders/{id}/lines[/{lineId}] and PUT /products/{id}/dimensions/{dimensionId} optional
#: (no ``required: true``) and says nothing of a request without one. Such a request (no bytes,
#: whatever its Content-Type) is read as the empty object ``{}``: a PATCH changes nothing and
#: answers the record, a POST or PUT gets the 400 ``{}`` gets (a missing required member).
#: A write whose body the document marks required answers 415 without one, as before.
OPTIONAL_BODY = "a request without its optional body is the empty object {}"

#: A JSON ``null`` for a body member the 0.56.0 spec does not mark ``nullable`` (``parentId``
#: of a product category, ``supplier`` or ``category`` of a product, ``email`` or ``address``
#: of a customer, ...) is read as the member left out (``rest/body.Reader``): a POST still
#: needs its required members (400 ``required``), a PATCH leaves the member as it is. A member
#: the spec marks nullable (a customer's ``name``, ``organizationNumber``, ``phone``, ...) set
#: to null is cleared. The spec says what a valid body is, not what the vendor does with a
#: null where none is allowed; clients that write every member (null for "none") keep working.
NULL_AS_ABSENT = "null for a member the spec does not mark nullable is the member left out"

#: CORS for ``/v1`` (``rest/cors.py``). The 0.56.0 document lists ``Access-Control-Allow-Origin``
#: and ``Access-Control-Allow-Credentials`` among its answers' headers and says nothing of their
#: values or of preflights. A request with an ``Origin`` gets it back, with ``Allow-Credentials:
#: true`` and ``Vary: Origin``, on every ``/v1`` answer (errors and refusals too), and may read
#: the headers below (the paging ``link`` among them); a preflight (``OPTIONS`` with
#: ``Access-Control-Request-Method``) is answered 204 with these methods, the headers it asks
#: for and this max age, not counted against the quota. Without ``Origin`` nothing changes.
#: ``/oauth/token`` and the control API get no CORS.
CORS_EXPOSED_HEADERS = "link, APILimitRemaining, APILimitReset, Retry-After, X-Trace-Id"
CORS_METHODS = "GET, POST, PUT, PATCH, DELETE"
CORS_MAX_AGE = "600"

#: ``PATCH /customers/{id}`` may not blank a customer's name: ``"name": null``, ``""`` or only
#: white space for a company (``person.lastName`` for a person, CompanyService's Name) is the
#: 400 ``ValidationError`` ``Invalid customer: name (required)`` (``person.lastName (required)``)
#: the POST of such a name gets, nothing changed. The 0.56.0 document marks the PATCH's ``name``
#: nullable and says nothing of clearing it; CompanyService's SaveCompanies never creates a company
#: without a Name, and a customer without one could not be told apart in any list.
CUSTOMER_NAME_KEPT = "a PATCH cannot blank a customer's name (400 name required, as the POST)"

#: ``POST``/``PATCH /products``: a ``category.id`` or ``supplier.id`` the client does not have
#: (no product category; no customer, supplier or not) is refused as the REST surface refuses
#: other unknown references in a body (a sales order's customer, project or department): 400
#: ``BadRequestError`` with the master-data text (``ProductCategory with Id N was not found.``,
#: ``Company with Id N was not found.``), nothing saved. 0 is no reference; a PATCH is not
#: refused for a reference it leaves as stored. The document only says where the ids come from
#: (``/productcategories``; ``/customers`` with ``isSupplier``); SOAP SaveProducts still keeps
#: an unknown id as sent (REFUSE_UNKNOWN_REFERENCES). Before 2026-12-02 REST kept it too.
REST_PRODUCT_REFERENCES = (("CategoryId", "product_category", "ProductCategory"),
                           ("SupplierId", "company", "Company"))
