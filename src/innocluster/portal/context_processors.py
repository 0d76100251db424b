"""Template context every page needs: the visually-impaired version's settings and the
signed-in person's count of unread notifications."""

from django.utils.functional import SimpleLazyObject

from .accessibility import AccessibilityPrefs


def accessibility(request):
    return {"a11y": AccessibilityPrefs.from_request(request)}


def notifications(request):
    """The unread count, read only when a page's header shows it (signed-in users)."""
    from innocluster.core.notifications import unread_count

    user = getattr(request, "user", None)
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
