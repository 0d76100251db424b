"""What the back office's views share: the templates' folder, the page size, finding an
application (the staff-only gate is ``core.views.fund_staff_only``)."""

from __future__ import annotations

from django.http import Http404

from ..models import Application

TEMPLATES = "programmes/manage/"
PAGE_SIZE = 25


def get_application(application_id) -> Application:
    application = (
        Application.objects.select_related("call", "lead", "created_by")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404
    return application
