/**
 * useAddressState(read, write): a value kept in the address's query string.
 *
 * The router changes the address in a transition (a navigation), so a control fed from the
 * address alone shows the old value for a moment after a click (a box unticks, a select snaps
 * back). The value returned is optimistic: a change shows at once and the address follows.
 * `{ replace: true }` (typing) replaces the history entry and stays a plain transition, so
 * filtering a long list never holds up a keystroke (the box typed in keeps its own text).
 */
import { startTransition, useCallback, useMemo, useOptimistic } from "react";
import { useSearchParams } from "react-router-dom";

export interface AddressChange {
  readonly replace?: boolean;
}

export function useAddressState<T>(
  read: (params: URLSearchParams) => T,
  write: (prev: URLSearchParams, next: T) => URLSearchParams,
): [T, (next: T, change?: AddressChange) => void] {
  const [params, setParams] = useSearchParams();
  const [shown, setShown] = useOptimistic(useMemo(() => read(params), [read, params]));
  const set = useCallback(
    (next: T, { replace = false }: AddressChange = {}) => {
      if (replace) {
        setParams((prev) => write(prev, next), { replace });
        return;
      }
      startTransition(() => {
        setShown(next);
        setParams((prev) => write(prev, next));
      });
    },
    [setParams, setShown, write],
  );
  return [shown, set];
}
