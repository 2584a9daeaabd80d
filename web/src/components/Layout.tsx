import { useEffect } from "react";
import { matchPath, NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";
import { titleText } from "../lib/attention";
import { useAttention, useConnection, useDesktopNotifications, useNotifySetting } from "../views/data";
import { AttentionStrip } from "./AttentionStrip";
import { ConnectionStatus, ReconnectingBanner, StaleIndicator } from "./ConnectionStatus";

const NAV: { to: string; label: string; end?: boolean }[] = [
  { to: "/", label: "Dashboard", end: true },
  { to: "/projects", label: "Projects" },
  { to: "/tasks", label: "Tasks" },
  { to: "/sessions", label: "Sessions" },
  { to: "/agents", label: "Agents" },
  { to: "/loops", label: "Loops" },
  { to: "/mcp", label: "MCP" },
  { to: "/worktrees", label: "Worktrees" },
  { to: "/events", label: "Events" },
  { to: "/connection", label: "Connection" },
];

/** The page's name for the tab title: the section of the app the path is in. */
function pageName(pathname: string): string | null {
  const n = NAV.find((n) => matchPath({ path: n.to, end: n.end ?? false }, pathname));
  return n?.label ?? null;
}

export function Layout(): React.JSX.Element {
  const c = useConnection();
  const attention = useAttention();
  const notify = useNotifySetting();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  useDesktopNotifications(attention, notify.state, navigate);
  const count = attention.items.length;
  const page = pageName(pathname);
  useEffect(() => {
    document.title = titleText(count, page);
  }, [count, page]);
  return (
    <div className="app">
      <header className="header">
        <NavLink to="/" className="brand" aria-label="Tidewire home">
          <img src="/favicon.svg" alt="" />
          Tidewire
        </NavLink>
        <nav className="nav" aria-label="Main">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} end={n.end}>
              {n.label}
            </NavLink>
          ))}
        </nav>
        <div className="header-status">
          <StaleIndicator stale={c.stale} since={c.lastLiveAt} />
          {/* The visible words lead the link's name (speech users say what they see); the hidden
              words say where it goes. */}
          <NavLink to="/connection" style={{ color: "inherit" }}>
            <ConnectionStatus state={c.state} quality={c.quality} latencyMs={c.latencyMs} />
            <span className="visually-hidden"> (connection details)</span>
          </NavLink>
        </div>
      </header>
      {/* One grid row for every notice, whichever of them show. */}
      <div className="notices">
        <ReconnectingBanner state={c.state} nextRetryAt={c.nextRetryAt} />
        <AttentionStrip items={attention.items} dismiss={attention.dismiss} notify={notify} />
      </div>
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}
