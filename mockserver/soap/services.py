"""The services whose schema is their vendor WSDL (``schema.py``), in the catalogue's order: what
tests and tools iterate over (the server loads each service on its first request)."""

from __future__ import annotations

from . import catalogue
from .schema import WsdlService

ALL = [impl for impl in (e.implementation_object() for e in catalogue.ENTRIES)
       if isinstance(impl, WsdlService)]
