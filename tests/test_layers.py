"""The layering of ``mockserver/`` (issue 12), checked by import-linter against the contracts in
pyproject.toml ``[tool.importlinter]``: the ledger imports no protocol package, the protocol
surfaces (soap, rest, admin) do not import each other, and nothing imports what imports it back;
and, module by module (lazy imports inside functions included), no import cycle at all."""

from __future__ import annotations

from pathlib import Path

import grimp
from importlinter.cli import lint_imports

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def test_the_import_contracts_are_kept(capsys):
    code = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "3 kept, 0 broken" in out, out


def test_no_module_imports_one_that_imports_it_back():
    graph = grimp.build_graph("mockserver", cache_dir=None)
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.append(" -> ".join((module, *back)))
    assert cycles == [], "\n".join(cycles)
