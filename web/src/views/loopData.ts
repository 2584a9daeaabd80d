// The loop views' hooks (re-exported by data.ts, the views' one window onto the data layer).
import { useMemo } from "react";
import { useIterationsOfLoops, useLoopIterationsLive, useLoopLive, useLoopsLive } from "../hooks/useLoopsLive";
import { useIsStale } from "../hooks/useLiveQuery";
import { useStartLoop, useStopLoop } from "../hooks/useLoopMutations";
import { withKey } from "../hooks/useTaskMutations";
import type { StartLoopVars } from "../lib/loopMutations";
import type { ApiResult } from "../lib/api";
import { newTempId } from "../lib/optimistic";
import { queryKeys } from "../lib/queryKeys";
import type { AutonomousLoop, LoopIteration } from "../lib/ws/generated";

export type { AutonomousLoop, LoopIteration };

interface View<T> {
  data: T | undefined;
  isPending: boolean;
  isError: boolean;
  error: Error | null;
}

function view<T>(q: { data: unknown; isPending: boolean; isError: boolean; error: Error | null }, value: T): View<T> {
  return { data: q.data === undefined ? undefined : value, isPending: q.isPending, isError: q.isError, error: q.error };
}

export function useLoopsData(): View<AutonomousLoop[]> {
  const q = useLoopsLive();
  return view(q, q.loops);
}

export function useLoopData(id: string): View<AutonomousLoop> & { stale: boolean } {
  const q = useLoopLive(id);
  const stale = useIsStale(queryKeys.loops.detail(id));
  return { ...view(q, q.loop as AutonomousLoop), stale };
}

export function useLoopIterationsData(id: string): View<LoopIteration[]> {
  const q = useLoopIterationsLive(id);
  return view(q, q.iterations);
}

/** The finished iterations of the loops named, by loop id (for labelling their runs). */
export const useIterationsByLoop = useIterationsOfLoops;

export interface LoopOutcome {
  onSuccess?: (loop: AutonomousLoop) => void;
  onError?: (error: Error) => void;
}

export interface StartLoopFields {
  projectId: string;
  projectName?: string;
  maxIterations: number | null;
  maxFailures: number | null;
}

export interface LoopActions {
  start: (fields: StartLoopFields, outcome?: LoopOutcome) => void;
  stop: (loop: AutonomousLoop) => void;
}

export function useLoopActions(): LoopActions {
  const { mutateAsync: start } = useStartLoop();
  const { mutate: stop } = useStopLoop();
  return useMemo(
    () => ({
      start: ({ projectId, projectName, maxIterations, maxFailures }, outcome) => {
        const input = {
          project_id: projectId,
          ...(maxIterations !== null ? { max_iterations: maxIterations } : {}),
          ...(maxFailures !== null ? { max_failures: maxFailures } : {}),
        };
        // Through the change's own promise, like data.ts's report(): every start hears its outcome.
        start(withKey<StartLoopVars>({ input, tempId: newTempId(), projectName })).then(
          (result: ApiResult<AutonomousLoop>) => outcome?.onSuccess?.(result.data),
          (error: unknown) => outcome?.onError?.(error instanceof Error ? error : new Error(String(error))),
        );
      },
      stop: (loop) => stop({ id: loop.id }),
    }),
    [start, stop],
  );
}
