"""The services whose schema is their vendor WSDL (``schema.py``), in the README's order."""

from __future__ import annotations

from . import account_v002, client_service, company, person, product, project

ALL = [client_service.SERVICE, company.SERVICE, person.SERVICE, project.SERVICE,
       product.SERVICE, account_v002.SERVICE]
