"""The version for the visually impaired (GOST R 52872-2019): font size, colour scheme, images,
letter spacing. Kept in one cookie so the choice is remembered across pages and sign-ins."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

COOKIE_NAME = "ic_a11y"
FONT_SIZES = ("normal", "large", "xlarge")
SCHEMES = ("default", "black_on_white", "white_on_black", "blue_on_cyan", "brown_on_beige")
SPACINGS = ("normal", "wide")


@dataclass
class AccessibilityPrefs:
    enabled: bool = False
    font_size: str = "normal"
    scheme: str = "default"
    images: bool = True
    spacing: str = "normal"

    @classmethod
    def from_request(cls, request) -> AccessibilityPrefs:
        raw = request.COOKIES.get(COOKIE_NAME)
        if not raw:
            return cls()
        try:
            data = json.loads(raw)
        except ValueError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        return cls.clean(data)

    @classmethod
    def clean(cls, data: dict) -> AccessibilityPrefs:
        """Prefs from untrusted input: anything unknown falls back to the default."""
        return cls(
            enabled=bool(data.get("enabled")),
            font_size=data.get("font_size") if data.get("font_size") in FONT_SIZES else "normal",
            scheme=data.get("scheme") if data.get("scheme") in SCHEMES else "default",
            images=data.get("images") not in (False, "off", "0", 0),
            spacing=data.get("spacing") if data.get("spacing") in SPACINGS else "normal",
        )

    def to_cookie(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @property
    def html_classes(self) -> str:
        """Classes on <html> that the stylesheet turns into the chosen presentation."""
        if not self.enabled:
            return ""
        classes = [
            "a11y",
            f"a11y-font-{self.font_size}",
            f"a11y-scheme-{self.scheme}",
            f"a11y-spacing-{self.spacing}",
        ]
        if not self.images:
            classes.append("a11y-no-images")
        return " ".join(classes)
