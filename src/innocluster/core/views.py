from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, JsonResponse
from django.utils.cache import add_never_cache_headers

from .errors import NotFound, NotPermitted


def healthz(request):
    """Liveness and database check for load balancers; also the trivial view benchmarks compare to."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def fund_staff_only(view):
    """The back office's pages. Anonymous: to the sign-in page. Signed in but not Fund staff:
    404 (the back office does not admit it exists), as is a NotFound or NotPermitted the view
    raises. Never cached."""

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


def signed_in(view):
    """A person's own pages. Anonymous: to the sign-in page. Never cached: every page here is
    one person's."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper
