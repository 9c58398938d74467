"""The README's zeep example runs as written against a freshly started emulator."""

from __future__ import annotations

import re

from mockserver.testing.client import ACCOUNT_PATH
from mockserver.testing.server import ThreadedEmulator

from helpers import ROOT_README


def test_readme_first_steps_example_posts_a_voucher_and_reads_the_next_number(capsys):
    src = ROOT_README.read_text(encoding="utf-8")
    code = re.search(r"## First steps with zeep.*?```python\n(.*?)```", src, re.S).group(1)
    with ThreadedEmulator() as emu:
        code = code.replace('BASE = "http://127.0.0.1:8080"', f'BASE = "{emu.url}"')
        exec(compile(code, "README.md", "exec"), {})
        printed = capsys.readouterr().out.split("\n")
        assert printed[:2] == ["Ok None", "10001"]
        lines = emu.app.ledger.snapshot(1000)["ledger"]
        assert [(ln["account_no"], ln["amount"], ln["invoice_no"]) for ln in lines] == [
            (1500, "125.00", "1001"), (3000, "-100.00", ""), (2700, "-25.00", "")]
    assert ACCOUNT_PATH in src
