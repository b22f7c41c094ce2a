"""The API's conventions: versioned paths, API-Version header, problem+json errors, schema, docs."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_with_version_header(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["API-Version"] == "1.0.0"
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "Problem" in schema["components"]["schemas"]


def test_docs_page_uses_sidecar_assets_and_no_inline_script_or_style(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<style>" not in html
    assert "<script>" not in html  # the start-up script is a file (split view)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    script = client.get("/api/v1/docs?script=")
    assert script.status_code == 200


def test_unknown_path_is_problem_json_404(client):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response["API-Version"] == "1.0.0"
    body = response.json()
    assert body["status"] == 404 and body["invalidParams"] == []


def test_trailing_slash_is_not_a_route(client):
    assert client.get("/api/v1/openapi.json/").status_code == 404


def test_post_to_unknown_path_is_404_not_csrf_403(client):
    response = client.post("/api/v1/nothing", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
