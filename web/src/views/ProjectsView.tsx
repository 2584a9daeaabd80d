import { useState } from "react";
import { Link } from "react-router-dom";
import { QueryContent, Table } from "../components/QueryContent";
import { RelativeTime } from "../components/RelativeTime";
import { rememberProject } from "../lib/lastProject";
import { isTempId } from "../lib/optimistic";
import { PROJECT_PARAM } from "../lib/projectFilter";
import { useProjectActions, useProjectsData, type Project, type ProjectActions } from "./data";

/**
 * Register a repository by path. What was typed stays until the daemon has registered it,
 * so a refused path (missing, not a repository, already registered) is there to correct.
 */
function RegisterProjectForm({ onRegister }: { onRegister: ProjectActions["register"] }): React.JSX.Element {
  const [path, setPath] = useState("");
  const [name, setName] = useState("");
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trimmed = path.trim();
  return (
    <form
      className="card form"
      aria-label="Register a repository"
      onSubmit={(e) => {
        e.preventDefault();
        if (!trimmed || sending) return;
        const sent = { path, name };
        setSending(true);
        setError(null);
        onRegister(name.trim() ? { path: trimmed, name: name.trim() } : { path: trimmed }, {
          onSuccess: () => {
            setSending(false);
            // Cleared only if untouched meanwhile: a path typed since is the user's next one.
            setPath((current) => (current === sent.path ? "" : current));
            setName((current) => (current === sent.name ? "" : current));
          },
          onError: (err) => {
            setSending(false);
            setError(err.message);
          },
        });
      }}
    >
      <input
        aria-label="Repository path"
        placeholder="/absolute/path/to/a/git/repository"
        className="mono"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? "register-error" : undefined}
      />
      <input aria-label="Project name" placeholder="Name (default: the directory's)" value={name} onChange={(e) => setName(e.target.value)} />
      <button className="primary" type="submit" disabled={!trimmed || sending}>
        {sending ? "Registering…" : "Register"}
      </button>
      {error !== null ? (
        <div id="register-error" className="error-text" role="alert" style={{ flexBasis: "100%" }}>
          {error}
        </div>
      ) : null}
    </form>
  );
}

interface Editing {
  readonly id: string;
  readonly draft: string;
}

function listLinks(project: Project): React.JSX.Element {
  const q = `?${PROJECT_PARAM}=${encodeURIComponent(project.id)}`;
  return (
    <span className="row-actions muted">
      <Link to={`/tasks${q}`} onClick={() => rememberProject(project.id)} aria-label={`Tasks of ${project.name}`}>
        Tasks
      </Link>
      <Link to={`/worktrees${q}`} aria-label={`Worktrees of ${project.name}`}>
        Worktrees
      </Link>
      <Link to={`/sessions${q}`} aria-label={`Sessions of ${project.name}`}>
        Sessions
      </Link>
      <Link to={`/agents${q}`} aria-label={`Runs of ${project.name}`}>
        Runs
      </Link>
    </span>
  );
}

export function ProjectsView(): React.JSX.Element {
  const projects = useProjectsData();
  const actions = useProjectActions();
  const [editing, setEditing] = useState<Editing | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);

  const saveRename = (project: Project, draft: string): void => {
    const name = draft.trim();
    setEditing(null);
    if (!name || name === project.name) return;
    // The row shows the new name at once; if the daemon refuses, it goes back and the editor
    // opens again with what was typed.
    actions.rename(project, name, { onError: () => setEditing({ id: project.id, draft }) });
  };

  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">Projects</h1>
      <RegisterProjectForm onRegister={actions.register} />
      <div className="card" style={{ marginTop: 14 }}>
        <QueryContent
          query={projects}
          what="projects"
          empty="No project yet. Register a git repository by its path above."
        >
          {(list) => (
            <Table label="Projects table" head={["Name", "Path", "Lists", "Registered", ""]}>
              {list.map((p) => {
                const pending = isTempId(p.id);
                const edit = editing?.id === p.id ? editing : null;
                return (
                  <tr
                    key={p.id}
                    data-testid="project-row"
                    data-project-id={p.id}
                    data-pending={pending ? "true" : "false"}
                    aria-busy={pending}
                  >
                    <td>
                      {edit !== null ? (
                        <form
                          className="row-actions"
                          aria-label={`Rename ${p.name}`}
                          onSubmit={(e) => {
                            e.preventDefault();
                            saveRename(p, edit.draft);
                          }}
                        >
                          <input
                            autoFocus
                            aria-label={`New name for ${p.name}`}
                            value={edit.draft}
                            onChange={(e) => setEditing({ id: p.id, draft: e.target.value })}
                            onKeyDown={(e) => {
                              if (e.key === "Escape") setEditing(null);
                            }}
                          />
                          <button type="submit" className="primary" disabled={!edit.draft.trim()}>
                            Save
                          </button>
                          <button type="button" onClick={() => setEditing(null)}>
                            Cancel
                          </button>
                        </form>
                      ) : (
                        <span data-testid="project-name">{p.name}</span>
                      )}
                    </td>
                    <td className="mono muted wrap">{p.path}</td>
                    <td>{pending ? <span className="muted">registering…</span> : listLinks(p)}</td>
                    <td>
                      <RelativeTime iso={p.created_at} />
                    </td>
                    <td>
                      {pending ? null : confirming === p.id ? (
                        <span className="row-actions" role="group" aria-label={`Confirm removing ${p.name}`}>
                          <span>Remove “{p.name}”? The repository stays on disk.</span>
                          <button
                            className="danger"
                            onClick={() => {
                              setConfirming(null);
                              actions.remove(p);
                            }}
                          >
                            Yes, remove
                          </button>
                          <button onClick={() => setConfirming(null)}>Keep</button>
                        </span>
                      ) : (
                        <span className="row-actions">
                          <button
                            onClick={() => setEditing({ id: p.id, draft: p.name })}
                            disabled={edit !== null}
                            aria-label={`Rename ${p.name}`}
                          >
                            Rename
                          </button>
                          <button className="danger" onClick={() => setConfirming(p.id)} aria-label={`Remove ${p.name}`}>
                            Remove
                          </button>
                        </span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </Table>
          )}
        </QueryContent>
      </div>
    </section>
  );
}
