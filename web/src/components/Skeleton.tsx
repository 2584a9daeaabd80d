/** Placeholder shapes shown while a view's first fetch is in flight. */
export function SkeletonRows({ rows = 6, label = "Loading" }: { rows?: number; label?: string }): React.JSX.Element {
  return (
    <div data-testid="skeleton" role="status" aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <span key={i} className="skeleton skeleton-row" style={{ width: `${70 + ((i * 37) % 30)}%` }} />
      ))}
    </div>
  );
}

export function SkeletonCards({ count = 4 }: { count?: number }): React.JSX.Element {
  return (
    <div className="grid" data-testid="skeleton" role="status" aria-busy="true" aria-label="Loading">
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="card">
          <span className="skeleton" style={{ height: 28, width: "40%" }} />
          <span className="skeleton" style={{ height: 12, width: "70%", marginTop: 8 }} />
        </div>
      ))}
    </div>
  );
}
