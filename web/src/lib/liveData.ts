/**
 * The shape every live query stores: the payload plus the log position (seq)
 * and epoch it reflects, so events already contained in it can be ignored and
 * an older response can never replace a newer one.
 */
import { replaceEqualDeep } from "@tanstack/react-query";

export interface LiveData {
  readonly seq: number;
  readonly epoch: string | null;
}

export interface LiveList<T> extends LiveData {
  readonly items: T[];
}

export function isLiveData(value: unknown): value is LiveData {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { seq?: unknown }).seq === "number" &&
    "epoch" in value
  );
}

/**
 * `structuralSharing` for every query: a response reflecting an older seq of the
 * same epoch than what the cache holds is discarded (a fetch that started before
 * an event landed cannot overwrite what the event brought in).
 */
export function keepNewest(oldData: unknown, newData: unknown): unknown {
  if (
    isLiveData(oldData) &&
    isLiveData(newData) &&
    oldData.epoch !== null &&
    oldData.epoch === newData.epoch &&
    oldData.seq > newData.seq
  ) {
    return oldData;
  }
  return replaceEqualDeep(oldData, newData);
}
