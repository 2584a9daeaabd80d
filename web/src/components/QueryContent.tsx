import type { ReactNode } from "react";
import type { QueryView } from "../views/data";
import { QueryError } from "./QueryError";
import { SkeletonRows } from "./Skeleton";

interface QueryContentProps<T> {
  query: QueryView<T[]>;
  /** Names the data in the skeleton's label and the error ("Could not load {what}"). */
  what: string;
  /** Shown instead of `children` for an empty list; without it `children` gets the empty list. */
  empty?: ReactNode;
  children: (items: T[]) => ReactNode;
}

/**
 * Every list view has the same three states before its content: a skeleton until the first
 * load, the error if that load failed, and an empty-state line. Cached data wins over an
 * error, so a failed refetch while the daemon is down keeps showing what was there.
 */
export function QueryContent<T>({ query, what, empty, children }: QueryContentProps<T>): ReactNode {
  if (query.isPending || query.data === undefined) {
    return query.isError ? <QueryError error={query.error} what={what} /> : <SkeletonRows label={`Loading ${what}`} />;
  }
  if (empty !== undefined && query.data.length === 0) return <div className="empty">{empty}</div>;
  return children(query.data);
}

interface TableProps {
  head: readonly string[];
  /** Names the scroll region for assistive technology, e.g. "Worktrees". */
  label: string;
  children: ReactNode;
}

/**
 * A plain table with one header row; the rows are the caller's, so each keeps its own test
 * hooks. It sits in its own scroll region: on a narrow screen it scrolls sideways, and a
 * keyboard user can only scroll what can take focus, hence the tabIndex and the region name.
 */
export function Table({ head, label, children }: TableProps): React.JSX.Element {
  return (
    <div className="table-scroll" role="region" aria-label={label} tabIndex={0} data-testid="table-region">
      <table className="table">
        <thead>
          <tr>
            {head.map((h, i) => (
              <th key={i}>{h === "" ? <span className="visually-hidden">Actions</span> : h}</th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Latest first by an ISO-8601 timestamp (which sorts as text). */
export function newestFirst<T>(items: readonly T[], at: (item: T) => string): T[] {
  return [...items].sort((a, b) => {
    const x = at(a);
    const y = at(b);
    return x < y ? 1 : x > y ? -1 : 0;
  });
}
