"""Template context every page needs: the visually-impaired version's settings."""

from .accessibility import AccessibilityPrefs


def accessibility(request):
    return {"a11y": AccessibilityPrefs.from_request(request)}
