"""The OpenAPI document as the daemon really answers: every error it can send is listed, with
the error shape it really has (``{"error": {"code", "message"}}``, not FastAPI's default 422).

Per operation: 401 and 403 (token, Host, Origin: any request), 422 (bad parameters or body, a
body that is not JSON included), 400 and 413 where there is a body (bytes that cannot be
decoded; over the size limit), 404 where the path names a record, 507 on writes (storage
full); the routes add their own 404 and 409 where the service raises them. A route's own
description for a code is kept; only the body schema is filled in.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable, machine-readable; act on this."},
                "message": {"type": "string", "description": "For people; may change."},
            },
        }
    },
}

_DESCRIPTIONS = {
    "400": "The body cannot be decoded (bytes that are not UTF-8)",
    "401": "A valid token is required",
    "403": "Foreign Host or Origin",
    "404": "Unknown record",
    "409": "Conflicts with the record's state",
    "413": "The body is larger than the limit",
    "422": "Invalid parameters or body (a body that is not JSON included)",
    "507": "The disk is full; nothing was written",
}

_WRITES = {"post", "put", "patch", "delete"}

# OpenAPI links: the record a create returns names the path parameter of what acts on it
# (clients and stateful testers follow them). (create path, its status, parameter, body field,
# [(method, path)]).
_LINKS: list[tuple[str, str, str, str, list[tuple[str, str]]]] = [
    (
        "/api/tasks",
        "201",
        "task_id",
        "id",
        [
            ("get", "/api/tasks/{task_id}"),
            ("patch", "/api/tasks/{task_id}"),
            ("post", "/api/tasks/{task_id}/close"),
            ("post", "/api/tasks/{task_id}/expand"),
        ],
    ),
    (
        "/api/agents",
        "201",
        "agent_id",
        "id",
        [("get", "/api/agents/{agent_id}"), ("post", "/api/agents/{agent_id}/cancel")],
    ),
    (
        "/api/autonomous",
        "201",
        "loop_id",
        "id",
        [("get", "/api/autonomous/{loop_id}"), ("post", "/api/autonomous/{loop_id}/stop")],
    ),
    (
        "/api/mcp-servers",
        "201",
        "name",
        "name",
        [
            ("get", "/api/mcp-servers/{name}"),
            ("delete", "/api/mcp-servers/{name}"),
            ("post", "/api/mcp-servers/{name}/call"),
        ],
    ),
]


def _operation_id(schema: dict[str, Any], method: str, path: str) -> str | None:
    operation = schema.get("paths", {}).get(path, {}).get(method)
    return operation.get("operationId") if isinstance(operation, dict) else None


def add_links(schema: dict[str, Any]) -> dict[str, Any]:
    for create_path, status, param, field, targets in _LINKS:
        create = schema.get("paths", {}).get(create_path, {}).get("post")
        if not isinstance(create, dict) or status not in create.get("responses", {}):
            continue
        links = create["responses"][status].setdefault("links", {})
        for method, path in targets:
            operation_id = _operation_id(schema, method, path)
            if operation_id is not None:
                links[operation_id] = {
                    "operationId": operation_id,
                    "parameters": {param: f"$response.body#/{field}"},
                }
    return schema


def _codes(method: str, path: str, operation: dict[str, Any]) -> list[str]:
    codes = ["401", "403", "422"]
    if "requestBody" in operation:
        codes += ["400", "413"]
    if "{" in path:
        codes.append("404")
    if method in _WRITES:
        codes.append("507")
    return codes


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the error responses to every operation of a generated OpenAPI document (in place)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            for code in _codes(method, path, operation):
                responses.setdefault(code, {"description": _DESCRIPTIONS[code]})
            for code, response in responses.items():
                if code.startswith(("4", "5")):
                    if code == "422" and "Validation Error" in response.get("description", ""):
                        response["description"] = _DESCRIPTIONS["422"]
                    response["content"] = {"application/json": {"schema": ERROR_REF}}
    return schema


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_links(
                document_errors(
                    get_openapi(
                        title=app.title,
                        version=app.version,
                        description=app.description,
                        routes=app.routes,
                    )
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
