"""Generated data (Faker, seeded): plausible webshop bookkeeping, the same for the same seed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

from ... import errors
from .. import interpretations as rules
from ..book import ClientBook
from ..model import Customer
from ..money import HUNDRED, add, cents, div, mul
from .bulk import load_vouchers
from .spec import EntrySpec, GenerateSpec, VoucherSpec

# --- generated data (Faker, seeded) ------------------------------------------------------------

_KONTO_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def bank_account(rng: random.Random) -> str:
    """A Norwegian account number (11 digits, MOD11 check digit)."""
    while True:
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, _KONTO_WEIGHTS, strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def kid(number: str) -> str:
    """A KID (OCR reference) with a MOD10 (Luhn) check digit."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return number + str((10 - total % 10) % 10)


def _faker(seed: int):
    from faker import Faker

    fake = Faker("no_NO")
    fake.seed_instance(seed)
    return fake


def _add_customers(book: ClientBook, count: int, seed: int) -> None:
    fake = _faker(seed)
    rng = random.Random(f"customers/{seed}")
    next_id = max([*book.customers, 20000]) + 1
    added = {}
    for i in range(count):
        cid = next_id + i
        added[cid] = Customer(customer_id=cid, name=fake.company()[:100], bank_account=bank_account(rng))
    book.customers = {**book.customers, **added}


#: What generated data books, by TypeNo: sales invoice, payment, supplier invoice, bank fee.
_NEEDS = {"types": (1, 3, 4), "accounts": (1500, 1920, 2400, 2700, 2710, 3000, 4300, 7770),
          "tax_codes": (1, 3)}


def generate_vouchers(book: ClientBook, spec: GenerateSpec, today: date,
                      where: str = "scenario") -> Iterator[VoucherSpec]:
    """Plausible webshop bookkeeping: sales invoices with VAT, their payments, supplier invoices.

    Exactly ``spec.lines`` lines, in date order across the period, from ``spec.seed``: the same
    seed gives the same vouchers. Amounts are Decimal cents.
    """
    for kind, needed in _NEEDS.items():
        have = getattr(book, kind)
        missing = [str(n) for n in needed if n not in have]
        if missing:
            raise errors.ScenarioGenerateNeeds(where=where, kind=kind, missing=", ".join(missing))
    years = sorted(book.fiscal_years.values(), key=lambda f: f.start)
    if not years:
        raise errors.ScenarioGenerateNoYears(where=where)
    start = spec.start or years[0].start
    end = spec.end or min(years[-1].end, max(today, years[0].start))
    if book.fiscal_year_for(start) is None or book.fiscal_year_for(end) is None:
        raise errors.ScenarioGenerateOutsideYears(where=where, start=start, end=end)
    customers = [c for c in book.customers.values() if c.customer_id < 10000 or c.customer_id > 20000]
    customers = customers or list(book.customers.values())
    if not customers:
        raise errors.ScenarioGenerateNoCustomers(where=where)
    suppliers = [c for c in book.customers.values() if c not in customers] or customers
    fake = _faker(spec.seed)
    rng = random.Random(spec.seed)
    products = [fake.catch_phrase()[:40] for _ in range(40)] if hasattr(fake, "catch_phrase") else ["Varer"]
    span = (end - start).days
    expected_vouchers = max(1, spec.lines * 2 // 5)
    open_invoices: list[tuple[Customer, str, str, Decimal]] = []
    invoice_no = 100000 + rng.randint(0, 899) * 1000
    remaining, k = spec.lines, 0
    vat_high = book.tax_codes[3].rate
    vat_in = book.tax_codes[1].rate
    while remaining > 0:
        day = start + timedelta(days=min(span, span * k // expected_vouchers))
        if not book.fiscal_year_for(day):
            day = end
        k += 1
        if remaining == 3:
            size = 3
        elif remaining in (2, 4):
            size = 2
        else:
            size = 3 if rng.random() < 0.6 else 2
        if size == 3 and rng.random() < 0.8:
            customer = rng.choice(customers)
            net = Decimal(rng.randint(9900, 2500000)) / 100
            vat = cents(div(mul(net, vat_high), HUNDRED))
            gross = add(net, vat)
            invoice_no += 1
            inv, ocr = str(invoice_no), kid(str(invoice_no))
            text = f"Faktura {inv} {rng.choice(products)}"[: rules.COMMENT_MAX]
            due = day + timedelta(days=14)
            entries = [
                EntrySpec(1500, gross, day, customer_id=customer.customer_id, due_date=due,
                          invoice_reference_no=inv, invoice_ocr=ocr, comment=text),
                EntrySpec(3000, -net, day, tax_no="3", comment=text),
                EntrySpec(2700, -vat, day, comment=text),
            ]
            open_invoices.append((customer, inv, ocr, gross))
            yield VoucherSpec(1, entries)
        elif size == 3:
            supplier = rng.choice(suppliers)
            net = Decimal(rng.randint(5000, 1000000)) / 100
            vat = cents(div(mul(net, vat_in), HUNDRED))
            gross = add(net, vat)
            text = f"Innkjøp {rng.choice(products)}"[: rules.COMMENT_MAX]
            entries = [
                EntrySpec(4300, net, day, tax_no="1", comment=text),
                EntrySpec(2710, vat, day, comment=text),
                EntrySpec(2400, -gross, day, customer_id=supplier.customer_id,
                          due_date=day + timedelta(days=30), comment=text),
            ]
            yield VoucherSpec(4, entries)
        elif open_invoices and rng.random() < 0.9:
            customer, inv, ocr, gross = open_invoices.pop(rng.randrange(len(open_invoices)))
            text = f"Innbetaling faktura {inv}"
            entries = [
                EntrySpec(1920, gross, day, comment=text, invoice_ocr=ocr),
                EntrySpec(1500, -gross, day, customer_id=customer.customer_id,
                          invoice_reference_no=inv, invoice_ocr=ocr, comment=text),
            ]
            yield VoucherSpec(3, entries)
        else:
            fee = Decimal(rng.randint(100, 50000)) / 100
            entries = [EntrySpec(7770, fee, day, comment="Bankgebyr"),
                       EntrySpec(1920, -fee, day, comment="Bankgebyr")]
            yield VoucherSpec(9 if 9 in book.types else 3, entries)
        remaining -= size


def bulk_generate(book: ClientBook, lines: int, seed: int, now: datetime) -> int:
    """``lines`` generated ledger lines straight into ``book`` (benchmarks). Holds no lock."""
    spec = GenerateSpec(lines=lines, seed=seed)
    return load_vouchers(book, generate_vouchers(book, spec, now.date()), now, check=False,
                         fingerprints=False, id_seed=(seed, book.client_id))
