"""The old home of the recording code, kept so ``from mockserver.record import ...`` and
``python -m mockserver.record fill FOLDER`` keep working: everything lives in
``mockserver.recording`` now (one module per job)."""

from __future__ import annotations

from .recording import *  # noqa: F403
from .recording import __all__  # noqa: F401

if __name__ == "__main__":  # python -m mockserver.record fill fixtures/recorded
    import sys

    from .recording.__main__ import main

    sys.exit(main(sys.argv[1:]))
