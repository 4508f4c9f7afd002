"""Starting and stopping the embedded AWS (local/moto_server.py) in a process of its own."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child before it runs: the kernel stops it if the local system dies without
    stopping it (a kill -9), so that no server keeps the port and gigabytes of state."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux: our own stop still applies
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def start(host: str, port: int, *, quiet: bool = True, seconds: float = 30) -> subprocess.Popen:
    """moto's server on host:port, ready to answer; its errors go to our stderr unless
    `quiet`."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "local.moto_server", "-H", host, "-p", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if quiet else None,
        preexec_fn=_die_with_parent,
    )
    deadline = time.monotonic() + seconds
    while True:
        with socket.socket() as probe:
            if probe.connect_ex((host, port)) == 0:
                return process
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"moto server did not start on {host}:{port}")
        time.sleep(0.1)


def stop(process: subprocess.Popen, *, gently: bool = True) -> None:
    """Stop it; `gently=False` kills it at once (gigabytes of bench state need no tidying)."""
    if process.poll() is not None:
        return
    if gently:
        process.terminate()
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            pass
    process.kill()
    process.wait(timeout=60)
