"""gunicorn's settings for an app server: `gunicorn -c deploy/gunicorn.conf.py
directory.wsgi`. Anything here can be overridden on the command line."""

import os
import shutil
from pathlib import Path

from gunicorn.glogging import Logger

from core.logging import mask_tokens

# The access log on stderr beside the app's JSON lines, ending with the
# request's id (the X-Request-ID response header, core.requestlog), so a line
# of either log finds the other. The path without its query string (search
# words can be about someone's health), and with the tokens of confirmation
# and reset links masked, as in the app's own lines.
accesslog = "-"
access_log_format = (
    '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
)


class MaskingLogger(Logger):
    """gunicorn's logger, masking tokens in the paths of its access lines."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["U"] = mask_tokens(atoms["U"] or "")
        return atoms


logger_class = MaskingLogger


def on_starting(server) -> None:
    """Start Prometheus's multiprocess directory empty (core.metrics)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True)


def child_exit(server, worker) -> None:
    """Drop a dead worker's live gauges from the metrics."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
