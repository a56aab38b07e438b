"""The API schema's answers other than success, as the API gives them (drf-spectacular hook).

Every operation of the public API may answer 400 (a control character in a parameter, a filter
out of range), 404 (a State whose portal is off, a recommendation not published) and 429 (the
client's rate limit, with ``Retry-After``); the State API also 401 (no credentials), 403 (a role
that may not, a session without its two-factor code) and, for edits, 409 (changed by someone
else since). ``/api/v1/me/`` answers 401, 403 and 429. A 400 of a form holds each field's
messages; the others a ``detail``.
"""

from __future__ import annotations

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF's validation errors: {"field": ["message", ...], "non_field_errors": [...]} or {"detail": "..."}.
INVALID = {"type": "object", "additionalProperties": True}

DESCRIPTIONS = {
    "400": "The request is not valid: each field's messages, or a detail.",
    "401": "No credentials, or credentials that are not valid.",
    "403": "Not allowed to this person (role, two-factor sign-in).",
    "404": "No such State, recommendation or page (or the State's portal is off).",
    "409": "The recommendation was changed by someone else since the updated_at sent.",
    "429": "Too many requests from this client; Retry-After says when to try again.",
}


def _statuses(path: str, method: str) -> list[str]:
    if path.startswith("/api/v1/public/"):
        return ["400", "404", "429"]
    if path.startswith("/api/v1/states/"):
        statuses = ["400", "401", "403", "404", "429"]
        if method in ("put", "patch"):
            statuses.append("409")
        return statuses
    if path.startswith("/api/v1/"):
        return ["401", "403", "429"]
    return []


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Detail", DETAIL)
    components.setdefault("Invalid", INVALID)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in _statuses(path, method):
                if status in responses:
                    continue
                name = "Invalid" if status == "400" else "Detail"
                response = {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
                }
                if status == "429":
                    response["headers"] = {
                        "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                    }
                responses[status] = response
    return result
