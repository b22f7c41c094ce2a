"""OpenAPI details drf-spectacular cannot infer: the OAuth2 scheme and the problem answers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

from .problems import PROBLEM_CONTENT_TYPE

TOKEN_URL = "/api/v1/oauth/token"  # noqa: S105 (a URL, not a secret)

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail", "instance", "invalidParams"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "invalidParams": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "code", "reason"],
                "properties": {"name": {"type": "string"}, "code": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}

READ_ERRORS = ("400", "401", "403", "404", "405", "406", "429")
WRITE_ERRORS = (*READ_ERRORS, "409", "415", "422")
DESCRIPTIONS = {
    "400": "Malformed request (invalidParams names the parameters).",
    "401": "No, an expired or a revoked token.",
    "403": "The client lacks the scope.",
    "404": "Not found, or not allocated to this client's organisation and municipality.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "The allocation's status does not allow this step.",
    "415": "Unsupported media type (send application/json).",
    "422": "Breaks a rule (invalidParams names the fields), or an Idempotency-Key reused with another body.",
    "429": "Too many requests for this client.",
}


class PartnerAutoSchema(AutoSchema):
    pass


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "partners.api.auth.PartnerTokenAuthentication"
    name = "partnerOAuth2"

    def get_security_definition(self, auto_schema: Any) -> dict:
        from partners.constants import Scope

        return {
            "type": "oauth2",
            "flows": {"clientCredentials": {"tokenUrl": TOKEN_URL, "scopes": {s.value: str(s.label) for s in Scope}}},
        }

    def get_security_requirement(self, auto_schema: Any) -> dict:
        return {self.name: list(getattr(auto_schema.view, "required_scopes", []))}


def add_problem_responses(result: dict, generator: Any, request: Any, public: bool) -> dict:
    """Every operation documents its error answers as problem+json (one shared component)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    ref = {"$ref": "#/components/schemas/Problem"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            codes = READ_ERRORS if method == "get" else WRITE_ERRORS
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": {PROBLEM_CONTENT_TYPE: {"schema": ref}}}
                )
            for response in operation["responses"].values():
                response.setdefault("headers", {})["API-Version"] = {
                    "schema": {"type": "string", "example": "1.0.0"},
                    "description": "The API's version (semantic versioning).",
                }
    return result
