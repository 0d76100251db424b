"""What the back office's views share: the staff-only gate and the filter of a request."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.cache import add_never_cache_headers

from innocluster.core.errors import NotFound, NotPermitted

from ..models import Application

TEMPLATES = "programmes/manage/"
PAGE_SIZE = 25


def fund_staff_only(view):
    """Anonymous: to the sign-in page. Signed in but not Fund staff: 404 (the back office does
    not admit it exists). Never cached."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_fund_staff:
            raise Http404
        try:
            response = view(request, *args, **kwargs)
        except (NotFound, NotPermitted) as exc:
            raise Http404 from exc
        add_never_cache_headers(response)
        return response

    return wrapper


def get_application(application_id) -> Application:
    application = (
        Application.objects.select_related("call", "lead", "created_by")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404
    return application
