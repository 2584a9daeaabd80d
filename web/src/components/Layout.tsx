import { NavLink, Outlet } from "react-router-dom";
import { useConnection } from "../views/data";
import { ConnectionStatus, ReconnectingBanner, StaleIndicator } from "./ConnectionStatus";

const NAV: { to: string; label: string; end?: boolean }[] = [
  { to: "/", label: "Dashboard", end: true },
  { to: "/projects", label: "Projects" },
  { to: "/tasks", label: "Tasks" },
  { to: "/sessions", label: "Sessions" },
  { to: "/agents", label: "Agents" },
  { to: "/mcp", label: "MCP" },
  { to: "/worktrees", label: "Worktrees" },
  { to: "/events", label: "Events" },
  { to: "/connection", label: "Connection" },
];

export function Layout(): React.JSX.Element {
  const c = useConnection();
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
      <ReconnectingBanner state={c.state} nextRetryAt={c.nextRetryAt} />
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}
