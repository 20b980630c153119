"""Settings that only matter on the real site: the SMTP timeout, the log."""

import json

from tests.fresh_process import run_python


def production_settings() -> dict:
    code = (
        "import json, directory.settings as s;"
        "print(json.dumps({'mail': s.MAILERS['default'], 'logging': s.LOGGING,"
        " 'middleware': s.MIDDLEWARE}))"
    )
    return json.loads(run_python(code).stdout)


def test_smtp_gives_up_after_ten_seconds_and_logs_go_to_stderr_as_json():
    loaded = production_settings()
    assert loaded["mail"]["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["mail"]["OPTIONS"]["timeout"] == 10
    handler = loaded["logging"]["handlers"]["stderr"]
    assert handler["stream"] == "ext://sys.stderr"
    assert handler["formatter"] == "json"
    assert loaded["logging"]["root"]["handlers"] == ["stderr"]
    # The client's address is settled before the first log line names it.
    assert loaded["middleware"][:3] == [
        "core.proxies.TrustedProxyMiddleware",
        "core.requestlog.RequestLogMiddleware",
        "core.requestsize.RequestSizeMiddleware",
    ]
