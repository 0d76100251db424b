from __future__ import annotations

import datetime
import uuid
from typing import Literal

from ninja import Field, Schema

from innocluster.core.text import CleanStr


class MyOrganisation(Schema):
    id: uuid.UUID
    name_ru: str
    status: str
    member_number: str | None
    role: str


class MyApplication(Schema):
    id: uuid.UUID
    organisation_id: uuid.UUID
    status: str
    created_at: datetime.datetime


class TokenOut(Schema):
    id: uuid.UUID
    name: str
    organisation_id: uuid.UUID
    scopes: list[str]
    key_prefix: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class MeOut(Schema):
    """The caller: a person (with organisations and applications) or a system's token."""

    kind: Literal["user", "token"]
    email: str | None = None
    full_name: str | None = None
    platform_role: str | None = None
    email_confirmed: bool | None = None
    organisations: list[MyOrganisation] = []
    applications: list[MyApplication] = []
    token: TokenOut | None = None


class TokenIn(Schema):
    name: CleanStr = Field(..., min_length=1, max_length=200)
    scopes: list[Literal["read", "join", "profile"]] = Field(..., min_length=1)


class IssuedTokenOut(TokenOut):
    key: str = Field(..., description="the token itself; shown once, store it safely")
