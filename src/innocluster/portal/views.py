"""The portal's own pages: the home page and the settings of the version for the visually impaired."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from innocluster.core import pagecache
from innocluster.core.models import Notification
from innocluster.core.notifications import mark_read, unread_count
from innocluster.registry import selectors

from .accessibility import COOKIE_NAME, AccessibilityPrefs

COOKIE_MAX_AGE = 365 * 24 * 3600


@pagecache.public_page
def home(request):
    """What the cluster is, its key numbers, and the ways in."""
    stats = selectors.registry_statistics_cached()
    return render(request, "portal/home.html", {"stats": stats})


def safe_next(request, fallback: str) -> str:
    """The ``next`` parameter when it points into this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# Exempt from CSRF, like set_language below: it only sets a display preference for the browser
# that posts and redirects within the site, and the toolbar that posts to it is on pages served
# from the page cache, without a per-visitor token (core/pagecache.py). A forged post can do no
# more than a link could: change how the site looks.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def accessibility_settings(request):
    """GET: the full settings form. POST (from the form or the quick toolbar on every page):
    change only the settings sent, remember them in a cookie, go back to ``next``."""
    prefs = AccessibilityPrefs.from_request(request)
    if request.method == "GET":
        return render(
            request,
            "portal/accessibility.html",
            {"prefs": prefs, "next": safe_next(request, "")},
        )
    data = {
        "enabled": prefs.enabled,
        "font_size": prefs.font_size,
        "scheme": prefs.scheme,
        "images": prefs.images,
        "spacing": prefs.spacing,
    }
    changed_setting = False
    for key in ("font_size", "scheme", "spacing"):
        if key in request.POST:
            data[key] = request.POST[key]
            changed_setting = True
    if "images" in request.POST:
        data["images"] = request.POST["images"] != "off"
        changed_setting = True
    if "enabled" in request.POST:
        data["enabled"] = request.POST["enabled"] in ("on", "1", "true")
    elif changed_setting:
        data["enabled"] = True  # choosing a setting switches the version on
    if data["enabled"] and data["scheme"] == "default" and "scheme" not in request.POST:
        data["scheme"] = "black_on_white"
    new = AccessibilityPrefs.clean(data)
    response = HttpResponseRedirect(safe_next(request, reverse("portal:home")))
    response.set_cookie(
        COOKIE_NAME,
        new.to_cookie(),
        max_age=COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure(),
    )
    return response


# Django's language switch without the CSRF check, for the same reason as the accessibility
# settings: the switch is on every cached page. (Route `i18n/setlang/` here to let visitors
# without script switch the language on a page from the cache.)
set_language = csrf_exempt(i18n.set_language)


NOTIFICATIONS_PER_PAGE = 30


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    """The signed-in person's notifications, newest first; POST marks them all read."""
    if request.method == "POST":
        marked = mark_read(request.user)
        messages.success(request, _("Marked as read: %(n)d.") % {"n": marked})
        return HttpResponseRedirect(reverse("portal:notifications"))
    rows = Notification.objects.filter(recipient=request.user).order_by("-created_at")
    page = Paginator(rows, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/notifications.html",
        {"page": page, "unread": unread_count(request.user)},
    )


@login_required
@require_http_methods(["POST"])
def open_notification(request, notification_id):
    """Mark one notification read and go where it asks the reader to act."""
    row = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    mark_read(request.user, [row.pk])
    target = row.url
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("portal:notifications")
    return HttpResponseRedirect(target)
