"""`/docs` and `/redoc` need no network: every script and stylesheet they load is the daemon's own."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from support import Daemon


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(str(a["src"]))
        if tag == "link" and a.get("href"):
            self.urls.append(str(a["href"]))


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_assets_come_from_the_daemon(daemon: Daemon, page: str) -> None:
    r = daemon.get(page)
    assert r.status_code == 200
    parser = _Assets()
    parser.feed(r.text)
    assert any(u.endswith(".js") for u in parser.urls), parser.urls
    for ref in parser.urls:
        absolute = urljoin(daemon.base_url + page, ref)
        assert urlsplit(absolute).netloc == f"127.0.0.1:{daemon.port}", f"{ref} is not served by the daemon"
        asset = daemon.get(urlsplit(absolute).path)
        assert asset.status_code == 200, ref
        if ref.endswith(".js"):
            assert "javascript" in asset.headers["content-type"]
        if ref.endswith(".css"):
            assert asset.headers["content-type"].startswith("text/css")
    # Nothing else in the page names another host (fonts, inline loaders).
    assert "://" not in r.text
