"""/docs and /redoc load their scripts and styles from the service itself, not from a CDN (#12)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

_ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|(?:url|Url)\s*:\s*["']([^"']+)["']""")


def _asset_urls(html: str) -> list[str]:
    return [a or b for a, b in _ASSET.findall(html)]


@pytest.mark.parametrize(
    ("page", "needed"), [("/docs", {"swagger-ui-bundle.js", "swagger-ui.css"}), ("/redoc", {"redoc.standalone.js"})]
)
def test_docs_pages_use_local_assets_only(client: TestClient, page: str, needed: set[str]) -> None:
    response = client.get(page)
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"(?:src|href)\s*=\s*[\"']https?://", html), "an asset from another host"
    assert "cdn.jsdelivr.net" not in html and "fonts.googleapis.com" not in html
    urls = [u for u in _asset_urls(html) if not u.startswith("/openapi.json")]
    assert {u.rsplit("/", 1)[-1] for u in urls} >= needed
    for url in urls:
        if url.startswith("/docs/oauth2-redirect"):
            continue
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 100_000 or url.endswith(".png"), url  # the real bundle, not an error page
    assert client.get("/openapi.json").status_code == 200
