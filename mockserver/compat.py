"""Let spyne 2.14 import on Python 3.12 and 3.13 without patching site-packages.

spyne vendors an old ``six`` whose meta-path importer lacks ``find_spec``/``exec_module``
(removed fallbacks in 3.12), so ``spyne.util.six.moves`` fails to import. Before spyne is first
imported we register the modern ``six`` package's ``moves`` under spyne's names. On 3.13, ``cgi``
comes from the ``legacy-cgi`` distribution (a dependency there).
"""

from __future__ import annotations

import sys


def install() -> None:
    if sys.version_info < (3, 12) or "spyne" in sys.modules:
        return
    try:
        import six
    except ImportError:  # pragma: no cover - six is a dependency on 3.12+
        return
    import importlib

    vendored = importlib.import_module("spyne.util.six") if False else None  # noqa: F841
    sys.modules.setdefault("spyne.util.six", six)
    sys.modules.setdefault("spyne.util.six.moves", six.moves)
    for name in ("urllib", "urllib.parse", "http_cookies", "http_client", "collections_abc",
                 "queue", "cPickle", "configparser"):
        try:
            sys.modules.setdefault(f"spyne.util.six.moves.{name}", importlib.import_module(f"six.moves.{name}"))
        except ImportError:
            continue
