"""The README's zeep example runs as written against a freshly started emulator."""

from __future__ import annotations

import importlib.util
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


def test_readme_rest_example_gets_a_token_and_pages(capsys):
    src = ROOT_README.read_text(encoding="utf-8")
    section = src[src.index("## REST and TransactionService"):src.index("## The control API")]
    code = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    with ThreadedEmulator() as emu:
        code = code.replace('BASE = "http://127.0.0.1:8080"', f'BASE = "{emu.url}"')
        code = code.replace('while url:', 'seen = []\nwhile url:\n    seen.append(url)')
        scope: dict = {}
        exec(compile(code, "README.md", "exec"), scope)
        assert scope["seen"] == [f"{emu.url}/v1/transactionlines?dateFrom=2024-01-01&dateTo=2024-02-01"]
        assert scope["resp"].status_code == 200 and scope["resp"].json() == []


def test_readme_property_example_runs(tfso_new_client, tmp_path):
    src = ROOT_README.read_text(encoding="utf-8")
    section = src[src.index("### Property-testing your integration"):src.index("## Fidelity table")]
    code = re.findall(r"```python\n(.*?)```", section, re.S)[0]
    module = tmp_path / "readme_property_example.py"  # Hypothesis wants real source files
    module.write_text(code.replace("max_examples=25", "max_examples=5"), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("readme_property_example", module)
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    example.test_exporter_roundtrip(tfso_new_client)
