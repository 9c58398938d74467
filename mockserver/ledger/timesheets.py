"""TimeService's rules (timesheets): hours and costs registered on ProjectService's projects,
and the client's work types, salary types and time settings.

``TimeOps`` is a part of ``Ledger``. Hours and costs are master-data records (kinds ``HOUR``
and ``COST``: saved, logged and replayed as every other record, ``master.py``); their members
are the vendor's (``Hour``/``Cost`` of the TimeService WSDL). Work types, salary types and time
settings are the scenario's lists, else the default fixtures' (``fixtures/defaults/time.yaml``,
read with the scenario's checks). Every reading the vendor leaves open is in
``interpretations_time``. No SOAP here: the surface (``soap/timesheet.py``) reads and writes.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import errors
from . import interpretations as rules
from .masterdata import (
    COMPANY,
    COST,
    HOUR,
    PERSON,
    PRODUCT,
    PROJECT,
    SALARY_TYPE,
    TIME_SETTING,
    WORK_TYPE,
    Record,
)

TASK = "project_task"
#: the scenario kinds of the default fixtures, in the file's order
REFERENCE_KINDS = (WORK_TYPE, SALARY_TYPE, TIME_SETTING)


@functools.cache
def default_reference() -> dict[str, dict[int, dict]]:
    """The default fixtures' work types, salary types and time settings, by kind and id."""
    import yaml

    from .fixtures import fixtures_dir
    from .scenario import from_data

    path = fixtures_dir() / "defaults" / "time.yaml"
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    master = from_data(data, "defaults/time.yaml").master
    kinds = {"work_types": WORK_TYPE, "salary_types": SALARY_TYPE,
             "time_settings": TIME_SETTING}
    return {kinds[key]: records for key, records in master.items()}


class TimeOps:
    """Mixed into ``Ledger`` (which provides ``lock``, ``_current``, ``records``, ``record``,
    ``save_records``, ``delete_records``, ``find_records`` and ``users``)."""

    if TYPE_CHECKING:
        from threading import RLock

        lock: RLock
        _current: Callable[..., Any]
        records: Callable[..., list[Record]]
        record: Callable[..., Record | None]
        save_records: Callable[..., list]
        delete_records: Callable[..., list]
        find_records: Callable[..., list[Record]]
        users: Callable[..., list[dict]]

    # --- the client's reference lists ----------------------------------------------------

    def time_reference(self, book, kind: str) -> list[tuple[int, dict]]:
        """(id, members) of a work type, salary type or time setting list, by id: the
        scenario's when it gave the list (even empty), else the default fixtures'."""
        with self.lock:
            book = self._current(book)
            own = book.master.records.get(kind)
            if own is not None:
                return [(rid, dict(r.data)) for rid, r in sorted(own.items())]
        return [(rid, dict(d)) for rid, d in sorted(default_reference()[kind].items())]

    def work_types(self, book, active: bool | None = None,
                   project_id: int | None = None) -> list[dict]:
        """GetWorkTypeList: ``active`` None is any; ``project_id`` must name a project."""
        if project_id is not None and self.record(book, PROJECT, project_id) is None:
            raise errors.UnknownReference("Project", project_id)
        out = []
        for rid, data in self.time_reference(book, WORK_TYPE):
            if active is not None and rules.work_type_active(data) != active:
                continue
            out.append({**data, "Id": rid, "Invoiceable": bool(data.get("Invoiceable"))})
        return out

    # --- references an hour or cost names ------------------------------------------------

    def _contact_exists(self, book, contact_id) -> bool:
        if not isinstance(contact_id, int) or contact_id <= 0:
            return False
        if book.master.get(PERSON, contact_id) is not None:
            return True
        return any(u.get("ContactId") == contact_id for u in self.users(book))

    def _require(self, book, kind: str, what: str, rid) -> None:
        if kind == COMPANY:
            found = self.record(book, COMPANY, rid) is not None
        elif kind in REFERENCE_KINDS:
            found = any(i == rid for i, _ in self.time_reference(book, kind))
        else:
            found = book.master.get(kind, rid) is not None
        if not found:
            raise errors.RecordNotFound(what, rid)

    # --- hours ---------------------------------------------------------------------------

    def save_hour(self, book, hour: dict, me: int) -> int:
        """SaveHour: ``hour`` holds the members the client set. Id absent (or not positive)
        creates, else updates (merged member by member); answers the hour's id."""
        rid = hour.get("Id")
        rid = rid if isinstance(rid, int) and rid > 0 else None
        fields = {k: v for k, v in hour.items() if k != "Id"}

        def check(book, hid, data):
            if rid is not None:
                self._keep_approved(book, hid)
            rules.hour_defaults(data, me, recompute="TotalHours" not in fields)
            self._check_hour(book, data)

        saved, = self.save_records(book, HOUR, [(rid, fields)], what="Hour",
                                   required=rules.HOUR_REQUIRED, check=check)
        if saved.error is not None:
            raise errors.ItemFault(saved.error)
        return saved.id

    def _keep_approved(self, book, hid: int) -> None:
        current = book.master.get(HOUR, hid)
        state = rules.hour_frozen(current.data) if current is not None else None
        if state is not None:
            raise errors.HourApproved(hid, state)

    def _check_hour(self, book, data: dict) -> None:
        pid = data.get("ProjectId")
        self._require(book, PROJECT, "Project", pid)
        if not self._contact_exists(book, data.get("ContactId")):
            raise errors.RecordNotFound("Contact", data.get("ContactId"))
        for member, kind, what in (("TypeOfWorkId", WORK_TYPE, "WorkType"),
                                   ("SalaryTypeId", SALARY_TYPE, "SalaryType"),
                                   ("CustomerId", COMPANY, "Company")):
            if member in data:
                self._require(book, kind, what, data[member])
        tid = data.get("ProjectTaskId")
        if tid is not None:
            self._require(book, TASK, "Task", tid)
            if book.master.get(TASK, tid).data.get("Project") != pid:
                raise errors.TaskOfAnotherProject(tid, pid)
        start, stop = data.get("StartTime"), data.get("StopTime")
        if start is not None and stop is not None and rules.utc(stop) < rules.utc(start):
            raise errors.HourTimesReversed(start, stop)
        for member in ("TotalHours", "TotalHoursInvoice"):
            if member in data and data[member] < 0:
                raise errors.HoursNegative(member, data[member])

    def delete_hour(self, book, hour_id) -> bool:
        """DeleteHour: True when the hour was deleted, False when there is no such hour."""
        if not isinstance(hour_id, int) or hour_id <= 0:
            return False

        def check(book, hid):
            self._keep_approved(book, hid)

        refused, = self.delete_records(book, HOUR, [hour_id], what="Hour", check=check)
        if isinstance(refused, errors.HourApproved):
            raise errors.ItemFault(refused)
        return refused is None

    def hours(self, book, *, status: str | None = None, contact_id: int | None = None,
              project_id: int | None = None, start: datetime | None = None,
              stop: datetime | None = None) -> list[tuple[int, dict]]:
        """GetHours: (id, members) of the hours every given criterion matches, by
        StartTime then id (``rules.hour_in_period`` for the period)."""
        found = []
        for r in self.records(book, HOUR):
            d = r.data
            if status is not None and rules.hour_status(d) != status:
                continue
            if contact_id is not None and d.get("ContactId") != contact_id:
                continue
            if project_id is not None and d.get("ProjectId") != project_id:
                continue
            if not rules.hour_in_period(d, start, stop):
                continue
            found.append((r.id, d))
        found.sort(key=lambda x: (rules.utc(x[1]["StartTime"]), x[0]))
        return found

    def hours_for_approval(self, book, *, contact_id: int | None = None,
                           project_id: int | None = None) -> list[tuple[int, dict]]:
        """GetHoursForApproval: the hours ``rules.hour_needs_approval`` keeps."""
        needs: dict[Any, bool | None] = {
            r.id: rules.NEED_APPROVAL_VALUES.get(str(r.data.get("NeedApproval")))
            for r in self.records(book, PROJECT)}
        return [(hid, d) for hid, d in self.hours(book, contact_id=contact_id,
                                                   project_id=project_id)
                if rules.hour_needs_approval(d, needs.get(d.get("ProjectId")))]

    def registered_hours(self, book, task_id: int) -> Decimal:
        """A task's ``Registered``: the TotalHours of its hours."""
        return sum((Decimal(r.data.get("TotalHours") or 0) for r in self.records(book, HOUR)
                    if r.data.get("ProjectTaskId") == task_id), Decimal(0))

    # --- costs ---------------------------------------------------------------------------

    def add_cost(self, book, cost: dict, me: int, now: datetime) -> int:
        """AddCost: a new cost (an Id sent is not read: AddCost only adds)."""
        fields = {k: v for k, v in cost.items() if k != "Id"}
        fields.setdefault("DateRegistered", now)
        fields.setdefault("ContactId", me)

        def check(book, cid, data):
            self._require(book, PROJECT, "Project", data.get("ProjectId"))
            if not self._contact_exists(book, data.get("ContactId")):
                raise errors.RecordNotFound("Contact", data.get("ContactId"))
            for member, kind, what in (("ProductId", PRODUCT, "Product"),
                                       ("SupplierCompanyId", COMPANY, "Company"),
                                       ("CustomerId", COMPANY, "Company")):
                if member in data:
                    self._require(book, kind, what, data[member])
            if data.get("Quantity") is not None and data["Quantity"] < 0:
                raise errors.HoursNegative("Quantity", data["Quantity"])

        saved, = self.save_records(book, COST, [(None, fields)], what="Cost",
                                   required=("ProjectId",), check=check)
        if saved.error is not None:
            raise errors.ItemFault(saved.error)
        return saved.id

    def costs(self, book, *, project_id: int | None = None,
              contact_id: int | None = None) -> list[tuple[int, dict]]:
        return [(r.id, r.data) for r in self.records(book, COST)
                if (project_id is None or r.data.get("ProjectId") == project_id)
                and (contact_id is None or r.data.get("ContactId") == contact_id)]


__all__ = ["TimeOps", "default_reference", "REFERENCE_KINDS"]
