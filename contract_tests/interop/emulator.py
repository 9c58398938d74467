"""Start the emulator the way an integrator's CI does: ``tfso-mock serve`` as a child process.

Shared by the interop fixtures and the Docker CMD test. Nothing here imports the emulator: the
child is a separate interpreter, so what is tested is the installed command and its socket.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path

from mockserver.testing.process import ServeProcess, serve_command


class Emulator(ServeProcess):
    """A running ``tfso-mock serve``; ``url`` is what it printed on its first line."""

    def __init__(self, args: list[str], env: dict | None = None, timeout: float = 30.0,
                 command: list[str] | None = None, cwd: str | Path | None = None):
        super().__init__(args, command=command if command is not None else serve_command(),
                         env=env, cwd=cwd, timeout=timeout, banner=False)


def admin(url: str, method: str, path: str, body: dict | None = None,
          token: str = "") -> tuple[int, dict]:
    """Call the control API; (status, JSON body)."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url.rstrip("/") + "/__admin" + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read() or b"null")
