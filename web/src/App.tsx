import { BrowserRouter, Route, Routes } from "react-router-dom";
import { Toaster } from "sonner";
import { TidewireProvider } from "./hooks/TidewireProvider";
import { ActivityProvider } from "./components/ActivityProvider";
import { EventToasts } from "./components/EventToasts";
import { Layout } from "./components/Layout";
import { AgentRunView } from "./views/AgentRunView";
import { AgentsView } from "./views/AgentsView";
import { ConnectionView } from "./views/ConnectionView";
import { DashboardView } from "./views/DashboardView";
import { EventsView } from "./views/EventsView";
import { LoopDetailView } from "./views/LoopDetailView";
import { LoopsView } from "./views/LoopsView";
import { McpView } from "./views/McpView";
import { NotFoundView } from "./views/NotFoundView";
import { ProjectsView } from "./views/ProjectsView";
import { SessionDetailView } from "./views/SessionDetailView";
import { SessionsView } from "./views/SessionsView";
import { TasksView } from "./views/TasksView";
import { WorktreesView } from "./views/WorktreesView";

export function AppRoutes(): React.JSX.Element {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<DashboardView />} />
        <Route path="projects" element={<ProjectsView />} />
        {/* One route for the list and a task's detail, so opening a task keeps the list as it is. */}
        <Route path="tasks/:taskId?" element={<TasksView />} />
        <Route path="sessions" element={<SessionsView />} />
        <Route path="sessions/:id" element={<SessionDetailView />} />
        <Route path="agents" element={<AgentsView />} />
        <Route path="agents/:id" element={<AgentRunView />} />
        <Route path="loops" element={<LoopsView />} />
        <Route path="loops/:id" element={<LoopDetailView />} />
        <Route path="mcp" element={<McpView />} />
        <Route path="worktrees" element={<WorktreesView />} />
        <Route path="events" element={<EventsView />} />
        <Route path="connection" element={<ConnectionView />} />
        <Route path="*" element={<NotFoundView />} />
      </Route>
    </Routes>
  );
}

/** Toasts: newest on top, at most a few visible, each closable and auto-expiring. */
export function AppToaster(): React.JSX.Element {
  return <Toaster position="bottom-right" theme="system" closeButton richColors visibleToasts={4} duration={5000} />;
}

export function App(): React.JSX.Element {
  return (
    <TidewireProvider>
      <BrowserRouter>
        <ActivityProvider>
          <EventToasts />
          <AppRoutes />
          <AppToaster />
        </ActivityProvider>
      </BrowserRouter>
    </TidewireProvider>
  );
}
