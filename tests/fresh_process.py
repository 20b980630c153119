"""Run Python in a fresh interpreter at the project's root, as a server or a
command starting with a given environment would: for settings read from the
environment, and for what a process logs before any request."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_python(
    code: str, env: dict[str, str] | None = None, *, drop: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """Run `code` with this environment less every DJANGO_ variable (and any
    name starting with one of `drop`), plus `env`; fail the test if it fails."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", *drop))
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
