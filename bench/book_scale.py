"""Does one client's book stay flat at a million lines? An in-process micro-benchmark.

    python bench/book_scale.py                   # 1,000 and 1,000,000 lines
    python bench/book_scale.py --lines 100000    # a quicker look

Fills a ``ClientBook`` directly (balanced two-line vouchers spread over two fiscal years, no
SOAP), then times what ``GET /v1/transactionlines`` asks of it: a page of 50 at the start, the
middle and the end of a year (``ledger.queries.find_lines``), and counting the lines of a year
(``ClientBook.count_ledger_lines``), and filtered pages (an account, a customer, a voucher
number, an invoice number, a type, an account and a customer together: read through the book's
secondary indexes), against the same on a 1,000-line book. Also reports the filling rate and
memory per line. ``bench/run.py`` prints these as its in-process scale rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mockserver.ledger import fixtures  # noqa: E402
from mockserver.ledger.book import ClientBook  # noqa: E402
from mockserver.ledger.core import Ledger  # noqa: E402
from mockserver.ledger.model import Line, VoucherRecord  # noqa: E402
from mockserver.ledger.posting import new_line_id  # noqa: E402

YEARS = (2024, 2025)
PAGE = 50


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def new_book(client_id: int) -> ClientBook:
    book = ClientBook(client_id=client_id, name=f"bench {client_id}",
                      accounts=fixtures.default_accounts(), tax_codes=fixtures.default_tax_codes(),
                      types=fixtures.default_types(), series=fixtures.default_series())
    for year in YEARS:
        Ledger.add_fiscal_year(book, year)
    return book


def fill(book: ClientBook, lines: int) -> float:
    """``lines`` posted lines (two per voucher), dates spread evenly; returns seconds taken."""
    now = dt.datetime(2025, 12, 31, 12, tzinfo=dt.UTC)
    first = dt.date(YEARS[0], 1, 1)
    days = (dt.date(YEARS[-1], 12, 31) - first).days + 1
    vouchers = lines // 2
    ttype = book.types[1]
    amounts = [Decimal(f"{100 + i % 9000}.{i % 100:02d}") for i in range(1000)]
    started = time.perf_counter()
    for v in range(vouchers):
        day = first + dt.timedelta(days=v * days // vouchers)
        amount = amounts[v % 1000]
        pair = []
        customer = 10000 + v % 100  # a hundred customers, on the bank line
        invoice = str(500000 + v) if v % 10 == 0 else ""  # every tenth voucher is invoiced
        for pos, (account, value) in enumerate(((1920, amount), (3000, -amount)), start=1):
            pair.append(Line(
                line_id=new_line_id(), seq=book.next_seq(), transaction_no=10000 + v,
                series_id=ttype.series_id, year=day.year, type_no=ttype.type_no,
                type_id=ttype.type_id, account_no=account, date=day, amount=value,
                period_date=day.replace(day=1), comment="bench", sequence_no=pos,
                created_at=now, modified_at=now, posted=True,
                customer_id=customer if pos == 1 else 0, invoice_no=invoice,
            ))
        rec = VoucherRecord(series_id=ttype.series_id, year=day.year, transaction_no=10000 + v,
                            type_no=ttype.type_no, fingerprint="", line_ids=[ln.line_id for ln in pair],
                            posted=True)
        book.add_voucher(rec, pair, [], [])
    return time.perf_counter() - started


def timed(fn, repeat: int = 30) -> tuple[float, float]:
    """(median, worst) milliseconds of ``fn()``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return times[len(times) // 2], times[-1]


def probe(book: ClientBook) -> dict:
    from mockserver.ledger import queries

    year = YEARS[-1]
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    total = book.count_ledger_lines(start, end)
    last = max(1, -(-total // PAGE))
    want = queries.LineFilter(date_from=start, date_to=end)
    out = {"lines_in_year": total}
    for name, page in (("first", 1), ("middle", max(1, last // 2)), ("last", last)):
        found, _ = queries.find_lines(book, want, PAGE, page)
        if not found:
            raise RuntimeError(f"page {page} of {last} is empty")
        out[f"page_{name}_ms"] = timed(lambda p=page: queries.find_lines(book, want, PAGE, p))
    out["count_ms"] = timed(lambda: book.count_ledger_lines(start, end))
    # filtered pages: the middle page of the bank account's lines (half the year), the middle
    # page of one customer's (1 %), one voucher number, one invoice number, a type, and an
    # account and a customer together (the narrower index is read, the other tested)
    number = 10000 + book.count_ledger_lines(dt.date(YEARS[0], 1, 1), start) // 2 + total // 4
    invoice = str(500000 + (number - 10000) // 10 * 10)
    for key, want_f, page in (
        ("account", dict(account_no=1920), max(1, total // 2 // PAGE // 2)),
        ("customer", dict(customer_id=10042), max(1, total // 200 // PAGE // 2)),
        ("number", dict(transaction_no=Decimal(number)), 1),
        ("invoice", dict(invoice_no=invoice), 1),
        ("type", dict(type_id=book.types[1].type_id), max(1, total // PAGE // 2)),
        ("account_customer", dict(account_no=1920, customer_id=10042), 1),
    ):
        flt = queries.LineFilter(date_from=start, date_to=end, **want_f)
        found, _ = queries.find_lines(book, flt, PAGE, page)
        if not found:
            raise RuntimeError(f"filtered page {key} {want_f} page {page} is empty")
        out[f"filtered_{key}_ms"] = timed(
            lambda f=flt, p=page: queries.find_lines(book, f, PAGE, p), repeat=15)
    return out


def run(lines: int) -> list[dict]:
    gc.collect()
    small = new_book(1)
    fill(small, 1000)
    base = probe(small)
    gc.collect()
    before = rss_mb()
    big = new_book(2)
    secs = fill(big, lines)
    gc.collect()
    per_line = (rss_mb() - before) * 1024 * 1024 / lines
    scaled = probe(big)
    rows = [{"name": f"ClientBook fill, in process ({lines:,} lines)",
             "note": f"{lines / secs:,.0f} lines/s, {per_line:,.0f} bytes/line (RSS)",
             "lines_per_s": lines / secs, "bytes_per_line": per_line}]
    for key, label in (("page_first_ms", "first page"), ("page_middle_ms", "middle page"),
                       ("page_last_ms", "last page"), ("count_ms", "count a year"),
                       ("filtered_account_ms", "middle page, accountNumber filter"),
                       ("filtered_customer_ms", "middle page, customerId filter"),
                       ("filtered_number_ms", "transactionNumber filter"),
                       ("filtered_invoice_ms", "invoiceNumber filter"),
                       ("filtered_type_ms", "middle page, transactionTypeId filter"),
                       ("filtered_account_customer_ms", "accountNumber + customerId")):
        (med, worst), (base_med, _) = scaled[key], base[key]
        ratio = med / base_med if base_med else float("inf")
        row = {"name": f"ClientBook {label} ({lines:,} vs 1,000 lines)", "p50_ms": med,
               "p99_ms": worst, "note": f"{ratio:.2f}x the 1,000-line book ({base_med:.3f} ms)",
               "ratio": ratio}
        if key == "filtered_account_customer_ms":
            # two filters: the narrower index is read and the other one tested, so this page
            # reads the customer's lines up to a page of matches; not a flatness figure
            del row["ratio"]
        rows.append(row)
    return rows


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--lines", type=int, default=1_000_000)
    p.add_argument("--json", action="store_true", help="rows as JSON (for bench/run.py)")
    args = p.parse_args(argv)
    rows = run(args.lines)
    if args.json:
        print(json.dumps(rows))
    else:
        for r in rows:
            figures = "" if "p50_ms" not in r else f"p50 {r['p50_ms']:.3f} ms, worst {r['p99_ms']:.3f} ms; "
            print(f"{r['name']}: {figures}{r['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
