"""mockserver.compat: spyne 2.14 imports on Python 3.11, 3.12 and 3.13 (CI runs this file on each)."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

from mockserver import compat


def _run(code: str, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *(flags or ("-W", "error")), "-c", code],
                          capture_output=True, text=True, timeout=600)


def test_spyne_imports_through_mockserver_under_W_error():
    code = (
        "import mockserver, spyne, spyne.util\n"
        "from spyne.util.six.moves.collections_abc import MutableSet\n"
        "from spyne.util.six.moves.urllib.parse import quote\n"
        "from spyne.util.six.moves.http_cookies import SimpleCookie\n"
        "from mockserver.app import create_app\n"
        "create_app()\n"
        "import collections.abc, urllib.parse, http.cookies\n"
        "assert MutableSet is collections.abc.MutableSet and quote is urllib.parse.quote\n"
        "assert SimpleCookie is http.cookies.SimpleCookie\n"
        "assert spyne.util.six.__name__ == 'spyne.util.six'\n"
        "print('ok', spyne.util.six.__version__)\n"
    )
    done = _run(code)
    assert (done.returncode, done.stdout, done.stderr) == (0, "ok 1.14.0\n", "")


def test_without_the_shim_spyne_fails_exactly_where_expected():
    """Proves the shim is what makes 3.12+ import spyne, and 3.11 import it without warnings."""
    done = _run("import spyne", "-W", "default")
    if sys.version_info >= (3, 12):
        assert done.returncode == 1
        assert "ModuleNotFoundError: No module named 'spyne.util.six.moves'" in done.stderr
    else:
        assert done.returncode == 0
        assert "ImportWarning: _SixMetaPathImporter.find_spec() not found" in done.stderr
        strict = _run("import spyne")
        assert strict.returncode == 1
        assert "ImportWarning: _SixMetaPathImporter.find_spec() not found" in strict.stderr


def test_the_finder_is_one_shot_and_install_is_idempotent():
    code = (
        "import sys\n"
        "from mockserver import compat\n"
        "compat.install(); compat.install()\n"
        "n = sum(isinstance(f, compat._SixFinder) for f in sys.meta_path)\n"
        "import spyne\n"
        "m = sum(isinstance(f, compat._SixFinder) for f in sys.meta_path)\n"
        "print(n, m)\n"
    )
    done = _run(code)
    # one finder waits for spyne's six; once that is loaded the finder is gone
    assert (done.returncode, done.stdout) == (0, "1 0\n")


def test_patch_six_adds_the_pep451_methods_once():
    class Importer:
        known_modules = {"x.moves": types.ModuleType("x.moves")}

        def load_module(self, name):
            return self.known_modules[name]

    fake = types.SimpleNamespace(_SixMetaPathImporter=Importer)
    assert compat.patch_six(fake) is True
    assert compat.patch_six(fake) is False
    imp = Importer()
    spec = imp.find_spec("x.moves", None)
    assert (spec.name, spec.loader) == ("x.moves", imp)
    assert imp.find_spec("y", None) is None
    assert imp.create_module(spec) is Importer.known_modules["x.moves"]
    assert imp.exec_module(Importer.known_modules["x.moves"]) is None
    assert compat.patch_six(types.SimpleNamespace()) is False


def test_cgi_is_there_on_every_version():
    """spyne imports cgi: the standard library's before 3.13, legacy-cgi's from 3.13 on."""
    import importlib.metadata
    import importlib.util

    spec = importlib.util.find_spec("cgi")
    assert spec is not None
    if sys.version_info >= (3, 13):
        assert "site-packages" in spec.origin
        assert importlib.metadata.version("legacy-cgi") >= "2.6"
    else:
        assert "site-packages" not in spec.origin


def test_check_reports_nothing_in_a_working_install():
    assert compat.check() == []


def test_pytest_W_error_collects_modules_that_import_spyne():
    """`pytest -W error` turns warnings into errors before pyproject's filters apply to imports:
    collection must still work (no ImportWarning from spyne's six, no cgi DeprecationWarning)."""
    root = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}  # not an xdist worker
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-W", "error", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-p", "no:xdist", "-p", "no:benchmark", str(root / "contract_tests" / "test_wsdl_parity.py")],
        capture_output=True, text=True, timeout=600, cwd=root, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.split()[1:3] == ["tests", "collected"] and int(last.split()[0]) > 10, last
