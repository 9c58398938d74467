"""Interpretations of the REST surface's later additions (a sibling of ``interpretations``,
which re-exports every name here): sales order attachments and an application's default
OAuth scopes. Each constant is one row of the README's fidelity table marked *interpretation*.
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
