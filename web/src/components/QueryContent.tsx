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
  if (query.data === undefined) {
    return query.isError ? <QueryError error={query.error} what={what} /> : <SkeletonRows label={`Loading ${what}`} />;
  }
  if (empty !== undefined && query.data.length === 0) return <div className="empty">{empty}</div>;
  return children(query.data);
}

/** A plain table with one header row; the rows are the caller's, so each keeps its own test hooks. */
export function Table({ head, children }: { head: readonly string[]; children: ReactNode }): React.JSX.Element {
  return (
    <table className="table">
      <thead>
        <tr>
          {head.map((h, i) => (
            <th key={i}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
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
