/** Failed autonomous loop iterations seen live since the page opened (`autonomous.iteration`). */
import { useState } from "react";
import { failedIteration, type FailedIteration } from "../lib/attention";
import { useEvents } from "./useEvents";

// The newest are kept; older failures are still in the loop's task history.
const KEEP = 50;
const PATTERNS = ["autonomous.iteration"];

export function useFailedIterations(): readonly FailedIteration[] {
  const [failed, setFailed] = useState<readonly FailedIteration[]>([]);
  useEvents(PATTERNS, (event) => {
    const f = failedIteration(event.data, event.ts);
    if (f === null) return;
    setFailed((prev) => [
      ...prev.filter((p) => p.loopId !== f.loopId || p.iteration !== f.iteration),
      f,
    ].slice(-KEEP));
  });
  return failed;
}
