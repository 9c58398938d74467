"""Every SOAP service the emulator serves: its name, where it answers, which module implements it.

The one list of services, light enough for start-up: the front door tells a SOAP path from the
others on every request (health checks included) from this list alone, and a service's module
(spyne, its models, its vendor WSDL read into models) is imported on the first request to that
service (``dispatch.SERVICES``), never at start-up. A new service is one line here and its module.

A module implements a service with either
- a ``schema.WsdlService`` (the vendor's WSDL is the schema; its ``soap:address`` must be this
  entry's path, checked when the module loads: W10), or
- a spyne ``Service`` class with ``NS``, ``DOCS`` and optionally ``SERVICE_DOC`` beside it.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    #: the service's name as faults and the journal name it (``AccountService``)
    name: str
    #: the vendor's spelling of the path (``soap:address``); matched case-insensitively (IIS)
    public_path: str
    #: ``module:object``, the implementation: a ``WsdlService`` or a spyne ``Service`` class
    implementation: str

    @property
    def path(self) -> str:
        """The lower-case path, as the front door matches it."""
        return self.public_path.lower()

    def implementation_object(self):
        """Import the implementing module (on the service's first use) and return the object."""
        module, _, attr = self.implementation.partition(":")
        return getattr(importlib.import_module(module), attr)


ENTRIES = (  # the README's order
    Entry("AccountService", "/Economy/Account/V004/Accountservice.asmx",
          "mockserver.soap.account:AccountService"),
    Entry("Authenticate", "/authenticate/v001/authenticate.asmx",
          "mockserver.soap.authenticate:Authenticate"),
    Entry("TransactionService", "/Economy/Accounting/V001/TransactionService.asmx",
          "mockserver.soap.transaction:TransactionService"),
    Entry("ClientService", "/Client/V001/ClientService.asmx",
          "mockserver.soap.client_service:SERVICE"),
    Entry("CompanyService", "/CRM/Company/V001/CompanyService.asmx",
          "mockserver.soap.company:SERVICE"),
    Entry("PersonService", "/CRM/Contact/PersonService.asmx",
          "mockserver.soap.person:SERVICE"),
    Entry("ProjectService", "/Project/V001/ProjectService.asmx",
          "mockserver.soap.project:SERVICE"),
    Entry("ProductService", "/Logistics/Product/V001/ProductService.asmx",
          "mockserver.soap.product:SERVICE"),
    Entry("AccountServiceV002", "/economy/accountV002/Accountservice.asmx",
          "mockserver.soap.account_v002:SERVICE"),
    Entry("AttachmentService", "/Economy/Accounting/Accounting_V001/AttachmentService.asmx",
          "mockserver.soap.attachment:SERVICE"),
    Entry("InvoiceService", "/Economy/InvoiceOrder/V001/InvoiceService.asmx",
          "mockserver.soap.invoice:SERVICE"),
    Entry("TimeService", "/timesheet/v001/timeservice.asmx",
          "mockserver.soap.timesheet:SERVICE"),
)

#: lower-case path -> entry
BY_PATH: dict[str, Entry] = {e.path: e for e in ENTRIES}


def find(lower_path: str) -> Entry | None:
    return BY_PATH.get(lower_path)


def names() -> dict[str, str]:
    """The services' names, lower-cased to as written."""
    return {e.name.lower(): e.name for e in ENTRIES}


__all__ = ["Entry", "ENTRIES", "BY_PATH", "find", "names"]
