"""The API's documentation page renders under the site's Content-Security-Policy."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_api_docs_render_with_no_csp_violation(page, live_server_url, committed, tmp_path):
    """The page fixture fails the test on any console error (a CSP violation is one) or any
    file that does not load; here the operations must also be drawn from the schema."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    response = page.goto(f"{live_server_url}/api/docs/")
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "unsafe-inline" not in policy and "style-src 'self'" in policy
    page.wait_for_selector(".opblock-summary", timeout=20_000)
    assert page.locator(".opblock-summary").count() >= 5
    assert page.locator("style").count() == 0 or all(
        # Styles Swagger UI adds from its own script are allowed; none comes with the page.
        "box-sizing" not in (page.locator("style").nth(i).text_content() or "")
        for i in range(page.locator("style").count())
    )
    assert violations == []
    page.screenshot(path=str(tmp_path / "api-docs.png"))
