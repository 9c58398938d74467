"""``python -m mockserver.recording fill FOLDER``: give every pair without a response the one a
fresh in-process emulator answers (then review it by hand)."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "fill":
        from ..testing.server import ThreadedEmulator
        from .replay import Target, fill_missing

        with ThreadedEmulator() as emu:
            for path in fill_missing(argv[1], Target(emu.url)):
                print("filled", path)
        return 0
    print("usage: python -m mockserver.recording fill FOLDER", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
