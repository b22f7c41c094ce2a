"""The partner API's Swagger UI (/api/v1/docs) renders under the project's CSP, CDN-free."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_the_schema_without_csp_violations(page: Page, live_server, console_log):  # type: ignore[no-untyped-def]
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("partner-API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert console_log.csp_violations() == []
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requested), requested
