"""What a browser sees in token mode: a sign-in page instead of a JSON 401, and a clean address bar.

- ``wants_page``: a navigation (GET or HEAD asking for HTML) outside ``/api/`` gets the page;
  API clients, which do not ask for HTML, keep the JSON error body.
- ``sign_in_page``: a small form that sends the token as ``?token=`` (the one way the middleware
  already accepts it), with where to find it.
- ``without_token``: where to redirect once ``?token=`` set the cookie, so the token does not stay
  in the address bar, the history or a copied link.
"""

from __future__ import annotations

import html
from urllib.parse import parse_qsl, urlencode

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tidewire: token required</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 34rem; margin: 4rem auto; padding: 0 1rem;
  color: #e6e6e6; background: #15171c; }}
input, button {{ font: inherit; padding: .4rem .6rem; }}
input {{ width: 100%; box-sizing: border-box; margin: .3rem 0 .8rem; }}
code {{ background: #262a33; padding: 0 .25rem; }}
.error {{ color: #ff8a80; }}
</style></head>
<body><main>
<h1>This Tidewire daemon needs its token</h1>
{error}<form method="get" action="{action}">
<label for="token">Token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Open the dashboard</button>
</form>
<p>Where to find it: when the daemon starts it prints one line,
<code>tidewire ready: http://HOST:PORT/?token=&hellip;</code>, on its standard error; open that
URL, or paste the part after <code>token=</code> here. It is the value the daemon was started with
(<code>--token</code>, the <code>TIDEWIRE_TOKEN</code> environment variable, or <code>token</code>
in the <code>[server]</code> table of its config file).</p>
<p>The browser keeps it in a cookie for this site; the address bar will not show it.</p>
</main></body></html>
"""


def wants_page(method: str, path: str, accept: str) -> bool:
    if method not in ("GET", "HEAD") or path.startswith("/api/") or path == "/api":
        return False
    return "text/html" in accept


def sign_in_page(path: str, tried: bool) -> bytes:
    error = '<p class="error" role="alert">That token is not valid. Try again.</p>\n' if tried else ""
    return PAGE.format(error=error, action=html.escape(path or "/", quote=True)).encode()


def without_token(path: str, query_string: bytes) -> str:
    kept = [
        (k, v) for k, v in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True) if k != "token"
    ]
    return path + (f"?{urlencode(kept)}" if kept else "")
