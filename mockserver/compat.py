"""Let spyne 2.14 import on Python 3.12 and 3.13 without patching site-packages.

spyne 2.14 vendors six 1.14 as ``spyne.util.six``. Its meta-path importer (the object that makes
``spyne.util.six.moves.*`` importable) only has ``find_module``/``load_module``, which Python 3.12
no longer calls, so ``from spyne.util.six.moves.collections_abc import ...`` fails with
``ModuleNotFoundError`` while spyne imports itself. On 3.11 the fallback still works but raises an
``ImportWarning`` per module, which ``python -W error`` / ``pytest -W error`` turn into errors.

``install()`` (called by ``mockserver/__init__.py`` before anything imports spyne) puts a
one-shot finder at the front of ``sys.meta_path``. When ``spyne.util.six`` is imported, the finder
lets the normal loader run it and then gives its importer class the three methods six 1.16 added
for this (``find_spec``, ``create_module``, ``exec_module``). Nothing else of spyne changes, no
extra dependency is needed, and the module stays where spyne expects it.

``cgi``, which spyne imports and Python 3.13 removed, comes from the ``legacy-cgi`` distribution
(a dependency on 3.13, see pyproject.toml); ``check()`` says so plainly if it is missing.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys

SIX = "spyne.util.six"


def _find_spec(self, fullname, path, target=None):
    if fullname in self.known_modules:
        return importlib.util.spec_from_loader(fullname, self)
    return None


def _create_module(self, spec):
    return self.load_module(spec.name)


def _exec_module(self, module):
    return None


def patch_six(module) -> bool:
    """Give the vendored six's importer the PEP 451 methods; True when something was added."""
    cls = getattr(module, "_SixMetaPathImporter", None)
    if cls is None or "find_spec" in vars(cls):
        return False
    cls.find_spec = _find_spec
    cls.create_module = _create_module
    cls.exec_module = _exec_module
    return True


class _PatchingLoader(importlib.abc.Loader):
    """Runs the real loader of spyne.util.six, then patches the module it made."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        patch_six(module)


class _SixFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != SIX:
            return None
        _remove_finder()
        spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _PatchingLoader(spec.loader)
        return spec


def _remove_finder() -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _SixFinder)]


def install() -> None:
    """Make ``import spyne`` work on this interpreter, without warnings. Idempotent."""
    loaded = sys.modules.get(SIX)
    if loaded is not None:  # spyne's six was imported before us: patch it in place
        patch_six(loaded)
        return
    if not any(isinstance(f, _SixFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _SixFinder())


def check() -> list[str]:
    """Problems that would stop spyne importing here, in words (empty when all is well)."""
    problems: list[str] = []
    if sys.version_info >= (3, 13) and importlib.util.find_spec("cgi") is None:
        problems.append(
            "Python 3.13 has no 'cgi' module, which spyne 2.14 imports: "
            "pip install legacy-cgi (a dependency of tfso-mockserver on 3.13)"
        )
    return problems


__all__ = ["install", "check", "patch_six"]
