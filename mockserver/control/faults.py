"""Fault injection (SPEC C): for the next N matching calls, misbehave on purpose. No HTTP here.

A fault matches by SOAP operation, service, request path (prefix, case-insensitive) and client;
every given matcher must hold. It does one thing, optionally after a delay:

- ``delay_ms`` alone: answer normally, late;
- ``http_status``: answer with that status and a bare body (what a gateway in front would send);
- ``soap_fault``: a SOAP Server fault with that text (SOAP paths only);
- ``result``: the operation returns this result, e.g. a SaveBundleList
  ``{"Type": "SystemError", "Description": "..."}`` (SOAP paths only);
- ``drop_connection``: the socket is closed without an answer;
- ``expire_session``: the caller's sessions end before the call runs (it then sees
  NotAuthenticated as any call without a session does).

``times``: how many matching calls it applies to (default 1; ``null``: until cleared).
Matching and consuming happen under one lock, so concurrent calls never use a fault twice.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from .. import errors
from ..codec_utils import iso_utc
from ..errors import LimitReached

ACTIONS = ("http_status", "soap_fault", "result", "drop_connection", "expire_session")
MATCHERS = ("operation", "service", "path", "client_id", "method")
SOAP_ONLY = ("soap_fault", "result")
SAVE_RESULT_TYPES = ("Ok", "DuplicateData", "DataAlreadySaved", "NotAuthenticated", "SystemError",
                     "Exception", "NotSaved")


FaultSpecError = errors.FaultSpecError  # raised as its catalogue subclasses


@dataclass
class Fault:
    id: int
    action: str  # one of ACTIONS, or "delay"
    created: datetime
    operation: str | None = None
    service: str | None = None
    path: str | None = None
    client_id: int | None = None
    method: str | None = None
    times: int | None = 1  # None: until cleared
    delay_ms: int = 0
    http_status: int | None = None
    soap_fault: str | None = None
    result: dict | None = None
    hits: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def remaining(self) -> int | None:
        return None if self.times is None else max(0, self.times - self.hits)

    @property
    def soap_only(self) -> bool:
        return self.action in SOAP_ONLY

    def matches(self, call: Call) -> tuple[bool, str]:
        """``(matched, reason)``: why the call does not match, as the journal's matchers say it
        (empty when it matches)."""
        if self.soap_only and not call.soap:
            return False, f"{self.action} applies to SOAP calls only"
        if self.client_id is not None and call.client_id != self.client_id:
            return False, f"client_id {call.client_id} is not {self.client_id}"
        if self.operation is not None and (call.operation or "").lower() != self.operation.lower():
            return False, f"operation {call.operation} is not {self.operation}"
        if self.service is not None and (call.service or "").lower() != self.service.lower():
            return False, f"service {call.service} is not {self.service}"
        if self.method is not None and call.method.upper() != self.method.upper():
            return False, f"method {call.method} is not {self.method}"
        if self.path is not None and not call.path.lower().rstrip("/").startswith(
                self.path.lower().rstrip("/")):
            return False, f"path {call.path} is not under {self.path}"
        return True, ""

    def to_json(self) -> dict:
        out: dict = {"id": self.id, "action": self.action}
        for key in MATCHERS:
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["times"] = self.times
        out["remaining"] = self.remaining
        out["hits"] = self.hits
        if self.delay_ms:
            out["delay_ms"] = self.delay_ms
        if self.action == "http_status":
            out["http_status"] = self.http_status
        elif self.action == "soap_fault":
            out["soap_fault"] = self.soap_fault
        elif self.action == "result":
            out["result"] = self.result
        elif self.action in ("drop_connection", "expire_session"):
            out[self.action] = True
        out["created"] = iso_utc(self.created)
        return out


@dataclass
class Call:
    """What the front door knows about a request before running it."""

    soap: bool
    method: str
    path: str
    service: str | None
    operation: str | None
    client_id: int | None


def _int(body: dict, key: str, low: int, high: int) -> int:
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise errors.FaultIntOutOfRange(key=key, low=low, high=high, value=value)
    return value


#: the HTTP methods a fault's ``method`` may name (what the emulator answers)
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def parse(body, known_services: dict[str, str], now: datetime,
          operations_of: Callable[[str | None], list[str]] | None = None) -> Fault:
    """A fault from a JSON body of ``POST /__admin/faults``; ``FaultSpecError`` names the field.

    ``known_services``: lower-case name -> the spelling used in the journal.
    ``operations_of(service)``: the operations of that SOAP service (None: of every one); an
    ``operation`` none of them has is refused, as a ``method`` that is no HTTP method: such a
    fault could never fire, and a test relying on it would pass without its failure.
    """
    if not isinstance(body, dict):
        raise errors.ControlBodyNotAnObject()
    known = set(MATCHERS) | set(ACTIONS) | {"times", "delay_ms"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise errors.FaultUnknownFields(fields=', '.join(unknown), matchers=', '.join(MATCHERS),
                                        actions=', '.join(ACTIONS))
    actions = [a for a in ACTIONS if body.get(a) not in (None, False)]
    if len(actions) > 1:
        raise errors.FaultActionsConflict(actions=', '.join(ACTIONS), given=' and '.join(actions))
    delay = _int(body, "delay_ms", 0, 600_000) if body.get("delay_ms") is not None else 0
    if not actions and not delay:
        raise errors.FaultNoAction(actions=', '.join(ACTIONS))
    fault = Fault(id=0, action=actions[0] if actions else "delay", created=now, delay_ms=delay)

    for key in ("operation", "path", "method"):
        value = body.get(key)
        if value is not None:
            if not isinstance(value, str) or not value.strip():
                raise errors.FaultMatcherEmpty(key=key)
            setattr(fault, key, value.strip())
    if fault.path is not None and not fault.path.startswith("/"):
        raise errors.FaultPathRelative(path=fault.path)
    service = body.get("service")
    if service is not None:
        if not isinstance(service, str) or service.strip().lower() not in known_services:
            raise errors.FaultServiceUnknown(
                services=', '.join(sorted(known_services.values())), service=service)
        fault.service = known_services[service.strip().lower()]
    if fault.method is not None and fault.method.upper() not in METHODS:
        raise errors.FaultMethodUnknown(methods=", ".join(METHODS), method=fault.method)
    if fault.operation is not None:
        if fault.service == "rest" or (fault.path or "").lower().startswith(("/v1", "/oauth")):
            raise errors.FaultOperationSoapOnly()
        if operations_of is not None:
            ops = operations_of(fault.service)
            if ops and fault.operation.lower() not in {op.lower() for op in ops}:
                raise errors.FaultOperationUnknown(
                    where=fault.service or "a SOAP service", example=ops[0],
                    operation=fault.operation)
    if body.get("client_id") is not None:
        fault.client_id = _int(body, "client_id", 0, 2**63 - 1)
    if "times" in body:
        fault.times = None if body["times"] is None else _int(body, "times", 1, 1_000_000)

    if fault.action == "http_status":
        fault.http_status = _int(body, "http_status", 100, 599)
    elif fault.action == "soap_fault":
        text = body["soap_fault"]
        if not isinstance(text, str) or not text:
            raise errors.FaultTextEmpty()
        fault.soap_fault = text
    elif fault.action == "result":
        fault.result = _result(body["result"], fault.operation)
    elif body.get(fault.action) is not True and fault.action != "delay":
        raise errors.FaultFlagNotTrue(action=fault.action)
    if fault.soap_only:
        if fault.service == "rest" or (fault.path or "").lower().startswith(("/v1", "/oauth")):
            raise errors.FaultSoapOnly(action=fault.action)
    return fault


def _result(value, operation: str | None) -> dict:
    if not isinstance(value, dict) or not value:
        raise errors.FaultResultNotObject()
    if operation is None:
        raise errors.FaultResultNoOperation()
    if operation.lower() == "savebundlelist":
        unknown = sorted(set(value) - {"Type", "Description"})
        if unknown:
            raise errors.FaultResultFields(fields=', '.join(unknown))
        if value.get("Type") not in SAVE_RESULT_TYPES:
            raise errors.FaultResultType(types=', '.join(SAVE_RESULT_TYPES),
                                         value=value.get('Type'))
        if not isinstance(value.get("Description", ""), str | None):
            raise errors.FaultResultDescription()
    return value


class FaultBook:
    """The injected faults, oldest first; the first match with uses left is used."""

    def __init__(self, limit: int = 1_000):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)
        #: faults with a delay were added (and not all cleared): requests may sleep
        self.delays_armed = False
        self.limit = limit

    def add(self, fault: Fault) -> Fault:
        """Keep ``fault``; at the limit used-up faults make room first (``LimitReached`` when
        every held fault still has uses left: each request scans them)."""
        with self._lock:
            if len(self._faults) >= self.limit:
                self._faults = [f for f in self._faults if f.times is None or f.hits < f.times]
            if len(self._faults) >= self.limit:
                raise LimitReached("faults", self.limit)
            fault.id = next(self._ids)
            self._faults.append(fault)
            self.delays_armed = self.delays_armed or bool(fault.delay_ms)
        return fault

    @property
    def armed(self) -> bool:
        """Whether any fault is held (used up or not): else a request need not describe itself."""
        return bool(self._faults)

    def take(self, call: Call) -> Fault | None:
        """Consume one use of the first fault that matches ``call``."""
        if not self._faults:
            return None
        with self._lock:
            for fault in self._faults:
                if (fault.times is None or fault.hits < fault.times) and fault.matches(call)[0]:
                    fault.hits += 1  # a used-up fault stays listed (remaining 0) until cleared
                    return fault
        return None

    def list(self, client_id: int | None = None) -> list[dict]:
        with self._lock:
            items = [f for f in self._faults if client_id is None or f.client_id == client_id]
            return [f.to_json() for f in items]

    def clear(self, fault_id: int | None = None, client_id: int | None = None) -> int:
        with self._lock:
            keep = [f for f in self._faults
                    if not ((fault_id is None or f.id == fault_id)
                            and (client_id is None or f.client_id == client_id))]
            n = len(self._faults) - len(keep)
            self._faults = keep
            self.delays_armed = any(f.delay_ms for f in keep)
            return n
