"""Settings that only matter on the real site: the SMTP timeout, the log."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def production_settings() -> dict:
    code = (
        "import json, directory.settings as s;"
        "print(json.dumps({'mail': s.MAILERS['default'], 'logging': s.LOGGING,"
        " 'middleware': s.MIDDLEWARE}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_smtp_gives_up_after_ten_seconds_and_logs_go_to_stderr_as_json():
    loaded = production_settings()
    assert loaded["mail"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["mail"]["OPTIONS"]["timeout"] == 10
    handler = loaded["logging"]["handlers"]["stderr"]
    assert handler["stream"] == "ext://sys.stderr"
    assert handler["formatter"] == "json"
    assert loaded["logging"]["root"]["handlers"] == ["stderr"]
    assert loaded["middleware"][:2] == [
        "core.requestlog.RequestLogMiddleware",
        "core.requestsize.RequestSizeMiddleware",
    ]
