"""What the ledger's operation mixins use of ``Ledger`` (declared once, for the type checker).

``AttachmentOps``, ``OrderAttachmentOps``, ``InvoiceOps`` and ``BankFeedOps`` are mixed into ``Ledger`` and write
master data through its lock and write path; this base names those parts so each mixin does not
declare them again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class MasterWriteParts:
    """The parts of ``Ledger`` a master-data writing mixin relies on."""

    lock: Any
    clock: Any
    store: Any
    limits: Any
    _write: Callable[[], Any]
    _current: Callable[[Any], Any]
    _commit_master: Callable[..., None]
