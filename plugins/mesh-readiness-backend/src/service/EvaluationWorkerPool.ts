import type { Config } from '@backstage/config';
import { CustomErrorBase } from '@backstage/errors';
import type {
  EntityFacts,
  Program,
  Scorecard,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  EVALUATION_WORKER_ROLE,
  type EvaluationReply,
  type EvaluationTask,
} from './evaluationWorker';

/**
 * The pool is busy: every worker runs a task and the queue is full. The
 * router answers 503 with `Retry-After`.
 */
export class EvaluationQueueFullError extends CustomErrorBase {
  name = 'ServiceUnavailableError' as const;
  readonly statusCode = 503;

  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
}

export interface EvaluationWorkerPoolOptions {
  /** Worker threads at most. */
  size: number;
  /** Tasks waiting for a worker at most; past it, evaluate() refuses. */
  maxQueue: number;
  /** A task running longer is stopped (its worker is replaced). */
  taskTimeoutMs: number;
}

/** min(2, cores - 1), at least 1: leaves a core to the HTTP thread. */
export function defaultWorkerPoolSize(): number {
  return Math.max(1, Math.min(2, os.availableParallelism() - 1));
}

interface PendingTask {
  task: EvaluationTask;
  resolve: (scorecard: Scorecard) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  running?: PendingTask & { startedAt: number; timer: NodeJS.Timeout };
}

/**
 * Where the worker entry is and how to start it in each runtime: next to
 * this file, as TypeScript in the repository (tests, `backstage-cli package
 * start`) or as `evaluationWorker.cjs.js` in the built package. TypeScript
 * needs Backstage's node transform in the worker, which `package start`
 * already preloads (and the worker inherits) and jest does not.
 */
function workerEntry(): { file: string; execArgv?: string[] } {
  const file = __filename.replace(
    /EvaluationWorkerPool(\.[^/\\]+)$/,
    'evaluationWorker$1',
  );
  if (!file.endsWith('.ts')) {
    return { file };
  }
  const preloaded = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some(
    arg => arg.includes('nodeTransform'),
  );
  return preloaded
    ? { file }
    : {
        file,
        execArgv: [
          ...process.execArgv,
          '--require',
          // Only reached when running from the TypeScript source, where the
          // CLI (a dev dependency) is installed.
          require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        ],
      };
}

/**
 * Runs stateless evaluations on worker threads with a bounded queue, so
 * that a flood of `POST /evaluate` neither blocks the event loop nor grows
 * memory without bound. Workers start on first use and are replaced when
 * they crash or overrun the task timeout.
 */
export class EvaluationWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: PendingTask[] = [];
  private nextId = 1;
  private closed = false;
  /** Moving average of task time, for Retry-After. */
  private averageTaskMs = 50;
  private completed = 0;

  constructor(private readonly options: EvaluationWorkerPoolOptions) {
    if (!(options.size >= 1) || !(options.maxQueue >= 0)) {
      throw new Error(
        `EvaluationWorkerPool: size must be at least 1 and maxQueue at least 0 (got ${options.size}, ${options.maxQueue})`,
      );
    }
  }

  /** Evaluates on a worker; refuses with EvaluationQueueFullError when full. */
  evaluate(program: Program, facts: EntityFacts): Promise<Scorecard> {
    if (this.closed) {
      return Promise.reject(
        new EvaluationQueueFullError('the evaluation pool is shutting down', 5),
      );
    }
    const idle = this.idleSlot();
    if (!idle && this.queue.length >= this.options.maxQueue) {
      const waitMs =
        (this.averageTaskMs * (this.queue.length + this.slots.length)) /
        this.slots.length;
      return Promise.reject(
        new EvaluationQueueFullError(
          `stateless evaluation is busy: ${this.slots.length} running and ${this.queue.length} waiting (meshReadiness.workerPool); try again later`,
          Math.max(1, Math.ceil(waitMs / 1000)),
        ),
      );
    }
    return new Promise<Scorecard>((resolve, reject) => {
      const pending: PendingTask = {
        task: { id: this.nextId++, program, facts },
        resolve,
        reject,
      };
      if (idle) {
        this.dispatch(idle, pending);
      } else {
        this.queue.push(pending);
      }
    });
  }

  /** Counters for tests and logs. */
  stats(): {
    workers: number;
    running: number;
    queued: number;
    completed: number;
  } {
    return {
      workers: this.slots.length,
      running: this.slots.filter(s => s.running).length,
      queued: this.queue.length,
      completed: this.completed,
    };
  }

  /** Refuses new tasks, fails queued ones and stops the workers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) {
      pending.reject(
        new EvaluationQueueFullError('the evaluation pool is shutting down', 5),
      );
    }
    await Promise.all(
      this.slots.splice(0).map(async slot => {
        if (slot.running) {
          clearTimeout(slot.running.timer);
          slot.running.reject(
            new EvaluationQueueFullError(
              'the evaluation pool is shutting down',
              5,
            ),
          );
          slot.running = undefined;
        }
        await slot.worker.terminate();
      }),
    );
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find(s => !s.running);
    if (idle) return idle;
    if (this.slots.length < this.options.size) return this.startWorker();
    return undefined;
  }

  private startWorker(): Slot {
    const { file, execArgv } = workerEntry();
    const worker = new Worker(file, {
      workerData: { role: EVALUATION_WORKER_ROLE },
      ...(execArgv ? { execArgv } : {}),
    });
    // An idle worker does not keep the process alive.
    worker.unref();
    const slot: Slot = { worker };
    worker.on('message', (reply: EvaluationReply) => this.finish(slot, reply));
    worker.on('error', error => this.lose(slot, error as Error));
    worker.on('exit', code => {
      if (this.slots.includes(slot)) {
        this.lose(
          slot,
          new Error(`evaluation worker exited with code ${code}`),
        );
      }
    });
    this.slots.push(slot);
    return slot;
  }

  private dispatch(slot: Slot, pending: PendingTask) {
    const timer = setTimeout(() => {
      this.lose(
        slot,
        new EvaluationQueueFullError(
          `the evaluation took longer than ${this.options.taskTimeoutMs} ms and was stopped`,
          1,
        ),
      );
    }, this.options.taskTimeoutMs);
    slot.running = { ...pending, startedAt: performance.now(), timer };
    slot.worker.ref();
    slot.worker.postMessage(pending.task);
  }

  private finish(slot: Slot, reply: EvaluationReply) {
    const running = slot.running;
    if (!running || running.task.id !== reply.id) return;
    clearTimeout(running.timer);
    slot.running = undefined;
    slot.worker.unref();
    const tookMs = performance.now() - running.startedAt;
    this.averageTaskMs = this.averageTaskMs * 0.8 + tookMs * 0.2;
    this.completed += 1;
    if ('error' in reply) {
      const error = new Error(reply.error.message);
      error.name = reply.error.name;
      running.reject(error);
    } else {
      running.resolve(reply.scorecard);
    }
    this.next(slot);
  }

  /** A worker crashed or overran: fail its task, replace it, go on. */
  private lose(slot: Slot, error: Error) {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    if (slot.running) {
      clearTimeout(slot.running.timer);
      slot.running.reject(error);
      slot.running = undefined;
    }
    slot.worker.terminate().catch(() => undefined);
    if (!this.closed && this.queue.length > 0) {
      this.next(this.startWorker());
    }
  }

  private next(slot: Slot) {
    const pending = this.queue.shift();
    if (pending) this.dispatch(slot, pending);
  }
}

/**
 * The pool configured under `meshReadiness.workerPool` (see config.d.ts);
 * none when `size` is 0 (stateless evaluations then run on the HTTP thread).
 */
export function readWorkerPool(
  config: Config | undefined,
): EvaluationWorkerPool | undefined {
  const pool = config?.getOptionalConfig('workerPool');
  const size = pool?.getOptionalNumber('size') ?? defaultWorkerPoolSize();
  if (size === 0) {
    return undefined;
  }
  return new EvaluationWorkerPool({
    size,
    maxQueue: pool?.getOptionalNumber('maxQueue') ?? 16,
    taskTimeoutMs: (pool?.getOptionalNumber('taskTimeoutSeconds') ?? 30) * 1000,
  });
}
