"""The open data page and the HSDS download (issue 17)."""

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe

from hsds import download, tables

# A crawler or script told to come back rather than wait for a first build.
RETRY_AFTER_SECONDS = 60


@require_safe
def open_data(request):
    """What the open data is and where to get it; never builds the zip."""
    found = download.current()
    return render(
        request,
        "hsds/open_data.html",
        {
            "download": found,
            "hsds_version": tables.HSDS_VERSION,
            "files": tables.TABLE_FILES.values(),
            "fresh_hours": int(download.FRESH_FOR.total_seconds() // 3600),
        },
    )


def _last_modified(request):
    """The zip's date, for If-Modified-Since; the zip waits on the request."""
    found = download.fresh_download(settings.SITE_ADDRESS)
    request.hsds_download = found
    return found.built_at if found else None


@require_safe
@condition(last_modified_func=_last_modified)
def hsds_zip(request):
    """The zip, rebuilt in the background at most once a day, one build at a
    time; before the first build, a 503 asking to come back."""
    found = request.hsds_download
    if found is None:
        response = HttpResponse(
            "The download is being prepared. Please try again in a minute.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = FileResponse(
        found.open(),
        as_attachment=True,
        filename=found.file_name,
        content_type="application/zip",
    )
    response["Last-Modified"] = http_date(found.built_at.timestamp())
    response["Cache-Control"] = "public, max-age=3600"
    return response
