"""A full-page cache for the public pages (the registry list, profiles, statistics, the home page)
as anonymous visitors see them.

A cached page is keyed by everything it depends on:

* the host, the scheme, the path and the query string with its parameters sorted;
* the active language (the switch's cookie) and the visually-impaired version's settings;
* the **registry version**: a token in the shared cache that every change which could alter a
  public page replaces (``registry/signals.py``; the demo generator, whose bulk inserts fire no
  signals, replaces it at its end). A new token orphans every cached page at once; the orphans
  expire with their TTL, which is also the safety net for any change made behind the signals'
  back (a raw SQL update, a ``QuerySet.update``);
* a process-local generation that moves whenever Django's settings change (only tests change
  them), so no test ever sees a page cached by another; such a process also keeps its pages and
  versions to itself, so parallel test workers can't disturb each other.

Only anonymous GETs are served from the cache, decided without a database query: a request
that carries a session cookie (a signed-in user, or any visitor with a session) or pending
messages always goes to the view. Only plain 200 responses that set no cookie are stored.

CSRF: a page from the cache must not carry another visitor's CSRF token, and rendering
``{% csrf_token %}`` would set a cookie (which makes the page uncacheable). While a cacheable
page renders, ``request.public_page_csrf_cookie`` holds the CSRF cookie's name; the base
template then renders the hidden input of its forms (the language switch and the accessibility
toolbar) empty, and a few lines of script fill it from that cookie, creating the cookie with a
fresh random secret when the visitor has none (Django's double-submit check accepts either).
Without script the accessibility toolbar still works: its endpoint only sets a display
preference and is exempt from CSRF (see ``portal.views``).
"""

from __future__ import annotations

import hashlib
import secrets
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# CACHES aliases (settings.py): page bodies in each process's memory and in a cache every
# process of the installation shares (the web workers, the task worker, the CLI), the version
# tokens in a shared cache.
PAGES_CACHE = "pages"
SHARED_PAGES_CACHE = "shared_pages"
SHARED_CACHE = "shared"
PERSONAL_VERSIONS_CACHE = "personal_versions"
PERSONAL_TOKEN_TTL = 24 * 3600  # a day: longer than any cached page lives

PAGE_TTL = 60  # seconds; the safety net behind the version token
REGISTRY_VERSION_KEY = "pagecache:registry-version"
REFERENCE_VERSION_KEY = "pagecache:reference-version"
PROGRAMMES_VERSION_KEY = "pagecache:programmes-version"
HEADER = "X-Page-Cache"
MESSAGES_COOKIE = "messages"  # django.contrib.messages' CookieStorage.cookie_name
_STORED_HEADERS = ("Content-Type", "Content-Language")

_generation = "0"


@receiver(setting_changed)
def _settings_changed(**kwargs) -> None:
    """Pages rendered under other settings are void (only tests change settings at run time).
    Random, not a counter: another process (a parallel test worker) never has the same one."""
    global _generation
    _generation = secrets.token_hex(8)


def _isolated() -> bool:
    """Settings were changed at run time (tests): share nothing with other processes, whose
    changes (parallel test workers) would otherwise move this process's versions."""
    return _generation != "0"


def _versions():
    return caches["default"] if _isolated() else caches[SHARED_CACHE]


def _version(key: str, tokens=None, timeout=None) -> str:
    tokens = tokens or _versions()
    value = tokens.get(key)
    if value is None:
        value = secrets.token_hex(8)
        if not tokens.add(key, value, timeout=timeout):
            value = tokens.get(key) or value
    return value


def _bump(key: str, tokens=None, timeout=None) -> None:
    # A new random token rather than an increment: no read-modify-write, so two processes
    # bumping at once can't lose a bump.
    (tokens or _versions()).set(key, secrets.token_hex(8), timeout=timeout)


def registry_version() -> str:
    return _version(REGISTRY_VERSION_KEY)


def reference_version() -> str:
    return _version(REFERENCE_VERSION_KEY)


def programmes_version() -> str:
    return _version(PROGRAMMES_VERSION_KEY)


def bump_programmes_version() -> None:
    """Every cached operators' page about applications is stale from now on."""
    _bump(PROGRAMMES_VERSION_KEY)


def _person_tokens():
    """One token per person: a cache of their own, so that many people never crowd out (cull)
    the few tokens every page depends on."""
    return caches["default"] if _isolated() else caches[PERSONAL_VERSIONS_CACHE]


def notifications_version(user_id) -> str:
    """A person's notifications (the header's unread count) as a version token: reading it is
    a cache lookup where counting would be a query on every cached page served. A token that
    expired or was culled is made anew: the next page is rendered once more, nothing worse."""
    return _version(f"pagecache:notifications:{user_id}", _person_tokens(), PERSONAL_TOKEN_TTL)


def bump_notifications_version(user_id) -> None:
    _bump(f"pagecache:notifications:{user_id}", _person_tokens(), PERSONAL_TOKEN_TTL)


def bump_registry_version() -> None:
    """Every cached public page is stale from now on."""
    _bump(REGISTRY_VERSION_KEY)


def bump_reference_version() -> None:
    """The reference vocabularies (regions, OKVED codes, priority areas) changed: forget the
    filter form's choices and, as they show on every page of the registry, the pages."""
    _bump(REFERENCE_VERSION_KEY)
    _bump(REGISTRY_VERSION_KEY)


def bump_on_commit(bump=bump_registry_version, using: str | None = None) -> None:
    """Bump now and again when the surrounding transaction commits.

    Now: so that this connection's own next reads (inside the transaction, and in tests, whose
    transactions never commit) don't get a page from before the change. At commit: a page that
    another request rendered between the first bump and the commit shows the old data and was
    stored under the intermediate token, which the second bump orphans.
    """
    bump()
    transaction.on_commit(bump, using=using)


# The query parameters the public pages understand (the registry's filters and the page number).
# A request with any other is served uncached: arbitrary parameters would otherwise mint endless
# cache entries for one page, and filling the shared file cache is what makes a miss expensive.
CACHEABLE_PARAMETERS = frozenset(
    {"q", "area", "kind", "region", "okved_section", "sme_category", "status", "order", "page"}
)


def _cacheable_request(request) -> bool:
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and MESSAGES_COOKIE not in request.COOKIES
        and set(request.GET) <= CACHEABLE_PARAMETERS
    )


def _a11y_variant(request) -> str:
    from innocluster.portal.accessibility import AccessibilityPrefs

    prefs = AccessibilityPrefs.from_request(request)
    return prefs.to_cookie() if prefs.enabled else "off"


def page_key(request) -> str:
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    url = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    parts = (url, get_language() or "", _a11y_variant(request), registry_version())
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"page:{_generation}:{digest}"


def _storable(request, response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # get_token() ran: a cookie will be set
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    stored_messages = getattr(request, "_messages", None)
    if stored_messages is not None and getattr(stored_messages, "added_new", False):
        return False
    cache_control = response.get("Cache-Control", "")
    return "private" not in cache_control and "no-store" not in cache_control


def _frozen(response) -> tuple:
    headers = {name: response[name] for name in _STORED_HEADERS if response.has_header(name)}
    return (response.status_code, response.content, headers)


def _thawed(frozen: tuple) -> HttpResponse:
    status, content, headers = frozen
    return HttpResponse(content, status=status, headers=headers)


def public_page(view):
    """Serve ``view`` from the page cache to anonymous visitors (see the module's docstring)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        local = caches[PAGES_CACHE]
        shared = None if _isolated() else caches[SHARED_PAGES_CACHE]
        key = page_key(request)
        frozen = local.get(key)
        if frozen is None and shared is not None:
            frozen = shared.get(key)
            if frozen is not None:
                # This copy may outlive the shared one by up to a TTL; what keeps pages fresh
                # is the version token, which both copies' key contains.
                local.set(key, frozen, PAGE_TTL)
        if frozen is not None:
            response = _thawed(frozen)
            response[HEADER] = "hit"
        else:
            request.public_page_csrf_cookie = settings.CSRF_COOKIE_NAME
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                return response
            frozen = _frozen(response)
            if shared is not None:
                shared.set(key, frozen, PAGE_TTL)
            local.set(key, frozen, PAGE_TTL)
            response[HEADER] = "miss"
        # The page differs by the language and accessibility cookies: shared HTTP caches on
        # the way must not mix the variants.
        patch_vary_headers(response, ("Cookie",))
        return response

    return wrapped


# --------------------------------------------------------------------------- personal pages


def _personal_request(request) -> bool:
    """A signed-in person's GET with no pending messages (a page from the cache would not show
    them)."""
    if request.method != "GET" or not getattr(request.user, "is_authenticated", False):
        return False
    if MESSAGES_COOKIE in request.COOKIES:
        return False
    session = getattr(request, "session", None)
    return session is not None and not session.get("_messages")


def personal_page_key(request, versions) -> str:
    """The key of a person's own rendering: who (the user, their session and CSRF secret, so a
    cached form's token is theirs), what (the URL with its query sorted, the language and the
    accessibility settings), the data's versions, and the person's notifications' version (the
    header's unread count)."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    parts = (
        str(request.user.pk),
        request.session.session_key or "",
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        f"{request.path}?{query}",
        get_language() or "",
        _a11y_variant(request),
        *(version() for version in versions),
        notifications_version(request.user.pk),
    )
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    return f"personal:{_generation}:{digest}"


def _cache_headers(response) -> dict:
    return (
        {"Cache-Control": response["Cache-Control"]} if response.has_header("Cache-Control") else {}
    )


def _personal_storable(request, response) -> bool:
    """A plain 200 that changes nothing about the visitor: no cookie set by the view, no session
    change, no new message, and a CSRF secret the visitor already holds (the middleware renews
    the same cookie after the view on every page with a form). ``never_cache`` headers are for
    the browser and are served with a hit too."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    # The page's forms carry tokens of the visitor's CSRF secret: without the cookie, the
    # middleware is about to give them a new one, which a stored copy would not match.
    if not request.COOKIES.get(settings.CSRF_COOKIE_NAME):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    stored_messages = getattr(request, "_messages", None)
    return not (stored_messages is not None and getattr(stored_messages, "added_new", False))


def personal_page(*versions):
    """Cache a signed-in person's own rendering of a page they open again and again (the
    operators' filtered application lists: every filter and page is a URL), keyed by
    :func:`personal_page_key` and by ``versions`` (functions returning the version tokens of the
    data the page shows; the writers bump them). Kept in this process's memory only: the page
    is personal. A request with pending messages, or a response that changes the session or
    sets a new cookie, goes uncached; the view's own ``Cache-Control`` is served with a hit."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _personal_request(request):
                return view(request, *args, **kwargs)
            local = caches[PAGES_CACHE]
            key = personal_page_key(request, versions)
            frozen = local.get(key)
            if frozen is not None:
                response = _thawed(frozen)
                response[HEADER] = "hit"
            else:
                response = view(request, *args, **kwargs)
                if not _personal_storable(request, response):
                    return response
                frozen = _frozen(response)
                local.set(key, (*frozen[:2], {**frozen[2], **_cache_headers(response)}), PAGE_TTL)
                response[HEADER] = "miss"
            patch_vary_headers(response, ("Cookie",))
            return response

        return wrapped

    return decorator
