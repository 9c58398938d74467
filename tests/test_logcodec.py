"""The log's line codec (``ledger/logcodec.py``): a line reads back equal to what was written,
and the replay's fast paths (GUIDs from 32 hex digits, shared 0 and 1) change no value."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from mockserver.ledger import logcodec
from mockserver.ledger.model import Line


def _line(**changes) -> Line:
    base = dict(line_id=uuid.uuid4(), seq=7, transaction_no=90001, series_id=9, year=2025,
                type_no=9, type_id=109, account_no=1920, date=dt.date(2025, 3, 4),
                amount=Decimal("-1250.50"), customer_id=10001, due_date=dt.date(2025, 4, 3),
                period_date=dt.date(2025, 3, 1), currency="EUR", currency_rate=Decimal("11.4021"),
                currency_unit=1, vat_amount=Decimal("-250.10"), tax_no=3,
                dimensions=((1, "Oslo"), (2, "Salg")), invoice_no="F-100", ocr="1234567890",
                comment="Faktura", link_id=4, link_guid=uuid.uuid4(), sequence_no=2,
                created_at=dt.datetime(2025, 3, 4, 10, 0, tzinfo=dt.UTC),
                modified_at=dt.datetime(2025, 3, 5, 8, 30, 1, 120000, tzinfo=dt.UTC), posted=True)
    return Line(**{**base, **changes})


@pytest.mark.parametrize("line", [
    _line(),
    _line(currency_rate=Decimal(1), vat_amount=Decimal(0), link_guid=None, link_id=None,
          due_date=None, period_date=None, created_at=None, modified_at=None, dimensions=()),
    _line(currency_rate=Decimal("1.00"), vat_amount=Decimal("0.00"), amount=Decimal("0E-2")),
], ids=["full", "defaults", "exponents"])
def test_a_line_reads_back_equal_value_and_exponent(line):
    back = logcodec.decode_line(logcodec.encode_line(line))
    assert back == line
    for name in ("amount", "currency_rate", "vat_amount"):  # 1.00 stays 1.00, not 1
        assert str(getattr(back, name)) == str(getattr(line, name))
    assert type(back.line_id) is uuid.UUID and hash(back.line_id) == hash(line.line_id)
    assert {back.line_id: 1}[line.line_id] == 1


def test_a_guid_is_read_as_uuid_reads_it_and_refused_as_it_refuses():
    u = uuid.uuid4()
    assert logcodec.uuid_hex(u.hex) == u and str(logcodec.uuid_hex(u.hex)) == str(u)
    assert logcodec.uuid_hex(str(u)) == u  # another spelling: UUID() itself
    for bad in ("z" * 32, "12", "-" + "1" * 31):
        with pytest.raises(ValueError):
            logcodec.uuid_hex(bad)
