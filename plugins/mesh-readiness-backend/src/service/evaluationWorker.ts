import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  evaluate,
  type EntityFacts,
  type Program,
  type Scorecard,
} from '@mesh-readiness/plugin-mesh-readiness-common';

/**
 * The entry of the worker threads that run stateless evaluations for
 * `POST /evaluate` (see EvaluationWorkerPool): the engine is synchronous
 * and CPU heavy, so it runs here and not on the thread that serves HTTP.
 */

/** `workerData.role` of an evaluation worker. */
export const EVALUATION_WORKER_ROLE = 'mesh-readiness-evaluation';

export interface EvaluationTask {
  id: number;
  program: Program;
  facts: EntityFacts;
}

export type EvaluationReply =
  | { id: number; scorecard: Scorecard }
  | { id: number; error: { name: string; message: string } };

export function runEvaluationTask(task: EvaluationTask): EvaluationReply {
  try {
    return { id: task.id, scorecard: evaluate(task.program, task.facts) };
  } catch (error) {
    const { name, message } = error as Error;
    return {
      id: task.id,
      error: { name: name ?? 'Error', message: String(message) },
    };
  }
}

// The pool imports this module for its types and role name, which also makes
// the production build emit it next to the pool; only a thread started as an
// evaluation worker listens for tasks.
if (!isMainThread && workerData?.role === EVALUATION_WORKER_ROLE) {
  parentPort!.on('message', (task: EvaluationTask) => {
    parentPort!.postMessage(runEvaluationTask(task));
  });
}
