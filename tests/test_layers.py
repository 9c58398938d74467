"""The layering of ``mockserver/`` (issue 12), checked by import-linter against the contracts in
pyproject.toml ``[tool.importlinter]``: the ledger imports no protocol package, the protocol
surfaces (soap, rest, admin) do not import each other, and nothing imports what imports it back."""

from __future__ import annotations

from pathlib import Path

from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_import_contracts_are_kept(capsys):
    code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "3 kept, 0 broken" in out, out
