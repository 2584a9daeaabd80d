"""Token mode in a browser: a sign-in page (still 401) instead of JSON, and no token left in the URL."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from support import Daemon

TOKEN = "s3cret-Token"
HTML = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.fixture
def guarded(daemon_factory: Callable[..., Daemon]) -> Daemon:
    return daemon_factory("--token", TOKEN)


@pytest.mark.parametrize("path", ["/", "/tasks", "/sessions/abc", "/docs"])
def test_a_browser_without_token_gets_the_sign_in_page(guarded: Daemon, path: str) -> None:
    r = httpx.get(guarded.base_url + path, headers=HTML)
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("text/html")
    assert '<form method="get"' in r.text and 'name="token"' in r.text
    assert "tidewire ready:" in r.text  # says where the token is printed
    assert TOKEN not in r.text
    assert "not valid" not in r.text


def test_a_wrong_token_says_so(guarded: Daemon) -> None:
    r = httpx.get(guarded.base_url + "/?token=wrong", headers=HTML)
    assert r.status_code == 401
    assert "not valid" in r.text


def test_api_clients_keep_the_json_401(guarded: Daemon) -> None:
    for path, headers in (("/api/tasks", HTML), ("/", {"Accept": "application/json"}), ("/", {})):
        r = httpx.get(guarded.base_url + path, headers=headers)
        assert r.status_code == 401
        assert r.json()["error"]["code"] == "unauthorized"
    assert httpx.post(guarded.base_url + "/", headers=HTML).json()["error"]["code"] == "unauthorized"


def test_token_in_the_url_sets_the_cookie_and_redirects_without_it(guarded: Daemon) -> None:
    r = httpx.get(guarded.base_url + f"/tasks?view=open&token={TOKEN}", headers=HTML)
    assert r.status_code == 303
    assert r.headers["location"] == "/tasks?view=open"
    assert f"tidewire_token={TOKEN}" in r.headers["set-cookie"]
    with httpx.Client(base_url=guarded.base_url, headers=HTML) as browser:
        landed = browser.get(f"/?token={TOKEN}", follow_redirects=True)
        assert landed.status_code == 200
        assert str(landed.url) == guarded.base_url + "/"
        assert "tidewire_token" in browser.cookies


def test_api_clients_with_token_in_the_url_get_the_answer_not_a_redirect(guarded: Daemon) -> None:
    r = httpx.get(guarded.base_url + f"/api/health?token={TOKEN}", headers=HTML)
    assert r.status_code == 200
