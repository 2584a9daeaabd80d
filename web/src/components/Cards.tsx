import type { ReactNode } from "react";
import { Link } from "react-router-dom";

interface StatProps {
  label: string;
  /** Makes the whole card a link to the view the number comes from. */
  to?: string;
  mono?: boolean;
  /** Test hook on the value itself, for numbers a test reads back. */
  valueTestId?: string;
  children: ReactNode;
}

/** One figure with its caption, as a card in a `.grid`. */
export function Stat({ label, to, mono = false, valueTestId, children }: StatProps): React.JSX.Element {
  const body = (
    <>
      <div className={mono ? "value mono" : "value"} data-testid={valueTestId}>
        {children}
      </div>
      <div className="label">{label}</div>
    </>
  );
  return to === undefined ? (
    <div className="card stat">{body}</div>
  ) : (
    <Link to={to} className="card stat">
      {body}
    </Link>
  );
}

interface ListCardProps<T> {
  items: readonly T[];
  empty: ReactNode;
  className?: string;
  testId?: string;
  /** Renders one `<li>` (with its key). */
  children: (item: T, index: number) => ReactNode;
}

/** A card holding a plain list, or a line saying why it is empty. */
export function ListCard<T>({ items, empty, className = "list", testId, children }: ListCardProps<T>): React.JSX.Element {
  return (
    <div className="card">
      {items.length === 0 ? (
        <div className="empty">{empty}</div>
      ) : (
        <ul className={className} data-testid={testId}>
          {items.map(children)}
        </ul>
      )}
    </div>
  );
}
