/**
 * The daemon's access token, when it requires one: taken from the page URL
 * (`?token=...`) the first time and remembered for the tab, because client-side
 * navigation drops the query string.
 */
const STORAGE_KEY = "tidewire.token";

let cached: string | null | undefined;

export function getToken(): string | null {
  if (cached !== undefined) return cached;
  let token: string | null = null;
  try {
    token = new URLSearchParams(globalThis.location?.search ?? "").get("token");
    if (token) {
      globalThis.sessionStorage?.setItem(STORAGE_KEY, token);
    } else {
      token = globalThis.sessionStorage?.getItem(STORAGE_KEY) ?? null;
    }
  } catch {
    // Storage can be disabled (privacy mode); the token from the URL still works for this page.
  }
  cached = token || null;
  return cached;
}

/** For tests and for a page that learns a new token. */
export function setToken(token: string | null): void {
  cached = token;
  try {
    if (token) globalThis.sessionStorage?.setItem(STORAGE_KEY, token);
    else globalThis.sessionStorage?.removeItem(STORAGE_KEY);
  } catch {
    // See getToken.
  }
}

/** ws(s)://<this host>/ws, with the token when there is one. */
export function socketUrl(loc: Pick<Location, "protocol" | "host"> = globalThis.location): string {
  const scheme = loc.protocol === "https:" ? "wss:" : "ws:";
  const token = getToken();
  const query = token ? `?token=${encodeURIComponent(token)}` : "";
  return `${scheme}//${loc.host}/ws${query}`;
}
