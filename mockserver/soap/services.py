"""The services whose schema is their vendor WSDL (``schema.py``), in the README's order."""

from __future__ import annotations

from . import client_service, company

ALL = [client_service.SERVICE, company.SERVICE]
