export function QueryError({ error, what }: { error: Error | null; what: string }): React.JSX.Element {
  return (
    <div className="card error-text" role="alert">
      Could not load {what}: {error?.message ?? "unknown error"}. It will load when the daemon is reachable again.
    </div>
  );
}
