from ninja import Schema


class FieldProblem(Schema):
    field: str
    message: str
    code: str


class Problem(Schema):
    """RFC 9457 problem details, with a machine-readable ``code`` and the offending fields."""

    type: str
    title: str
    status: int
    code: str
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None


# The problems an authenticated endpoint may answer with (its routes add them to ``response``).
ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
