"""Helpers for tests and benchmarks that run a real `perisai serve` on loopback."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 900) -> None:
    """Wait until `url`/readyz answers 200; fail at once if the server process exits.

    The bound is generous on purpose: a server that dies fails at once, and a live one only
    takes long on a loaded machine (a `demo run` migrating, seeding and importing everything
    missed 180 s at load 18 on 6 Dec, and three e2e modules errored at setup).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not become ready")
