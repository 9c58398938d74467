"""Child processes in tests and benchmarks: stop one politely, then firmly."""

from __future__ import annotations

import subprocess


def stop_process(proc: subprocess.Popen, timeout: float = 10) -> int | None:
    """SIGTERM, wait up to ``timeout``, then SIGKILL; close its pipes. Returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
    for stream in (proc.stdout, proc.stderr):
        if stream:
            stream.close()
    return proc.returncode
