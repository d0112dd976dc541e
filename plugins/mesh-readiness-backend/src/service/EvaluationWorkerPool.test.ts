import {
  evaluate,
  loadProgram,
  type EntityFacts,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { serviceManifests, TEST_PROGRAM_YAML } from '../__testUtils__/fixtures';
import {
  EvaluationQueueFullError,
  EvaluationWorkerPool,
} from './EvaluationWorkerPool';

jest.setTimeout(60_000);

function testProgram(): Program {
  const loaded = loadProgram(TEST_PROGRAM_YAML, 'program.yaml');
  if (!loaded.ok) throw new Error('the test program does not load');
  return loaded.program;
}

function factsOf(name: string): EntityFacts {
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: { 'mesh-readiness.io/mesh': 'istio' },
      },
      spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
    } as EntityFacts['entity'],
    manifests: Object.entries(serviceManifests(name)).map(
      ([path, content]) => ({ path, content }),
    ),
    sources: { catalog: { status: 'ok' }, manifests: { status: 'ok' } },
    attestations: [],
    waivers: [],
    now: '2026-11-01T00:00:00.000Z',
  };
}

describe('EvaluationWorkerPool', () => {
  const pools: EvaluationWorkerPool[] = [];
  const newPool = (options: { size: number; maxQueue: number }) => {
    const pool = new EvaluationWorkerPool({
      ...options,
      taskTimeoutMs: 30_000,
    });
    pools.push(pool);
    return pool;
  };

  afterEach(async () => {
    await Promise.all(pools.splice(0).map(pool => pool.close()));
  });

  it('security: evaluates on worker threads, with the same result as the engine on this thread', async () => {
    const pool = newPool({ size: 2, maxQueue: 4 });
    const program = testProgram();
    const names = ['svc-a', 'svc-b', 'svc-c'];
    const results = await Promise.all(
      names.map(name => pool.evaluate(program, factsOf(name))),
    );
    for (const [index, name] of names.entries()) {
      expect(results[index]).toEqual(evaluate(program, factsOf(name)));
      expect(results[index].entityRef).toBe(`component:default/${name}`);
    }
    expect(pool.stats()).toEqual({
      workers: 2,
      running: 0,
      queued: 0,
      completed: 3,
    });
  });

  it('security: refuses past the bounded queue with 503 and a Retry-After, and serves again afterwards', async () => {
    const pool = newPool({ size: 1, maxQueue: 1 });
    const program = testProgram();
    // Submitted in one turn of the event loop: one runs, one waits, the
    // third finds the queue full whatever the speed of the worker.
    const running = pool.evaluate(program, factsOf('svc-a'));
    const waiting = pool.evaluate(program, factsOf('svc-b'));
    const refused = pool.evaluate(program, factsOf('svc-c'));
    expect(pool.stats()).toMatchObject({ workers: 1, running: 1, queued: 1 });
    await expect(refused).rejects.toBeInstanceOf(EvaluationQueueFullError);
    const error: EvaluationQueueFullError = await refused.catch(e => e);
    expect(error.statusCode).toBe(503);
    expect(error.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(error.message).toMatch(/1 running and 1 waiting/);
    await expect(running).resolves.toMatchObject({
      entityRef: 'component:default/svc-a',
    });
    await expect(waiting).resolves.toMatchObject({
      entityRef: 'component:default/svc-b',
    });
    await expect(
      pool.evaluate(program, factsOf('svc-c')),
    ).resolves.toMatchObject({ entityRef: 'component:default/svc-c' });
  });

  it('security: keeps the HTTP thread free while a worker evaluates', async () => {
    const pool = newPool({ size: 1, maxQueue: 64 });
    const program = testProgram();
    // 64 evaluations queued on one worker take a while; timers on this
    // thread keep firing meanwhile.
    let ticks = 0;
    const timer = setInterval(() => {
      ticks += 1;
    }, 1);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        pool.evaluate(program, factsOf(`svc-${i}`)),
      ),
    );
    const tookMs = performance.now() - started;
    clearInterval(timer);
    expect(pool.stats().completed).toBe(64);
    // At least one tick per 10 ms of work on average.
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(tookMs / 10));
  });

  it('replaces a worker that overruns the task timeout and reports it', async () => {
    const pool = new EvaluationWorkerPool({
      size: 1,
      maxQueue: 1,
      taskTimeoutMs: 1,
    });
    pools.push(pool);
    const program = testProgram();
    // The first task also pays for starting the worker: it cannot finish in 1 ms.
    await expect(pool.evaluate(program, factsOf('svc-a'))).rejects.toThrow(
      /longer than 1 ms/,
    );
    expect(pool.stats()).toMatchObject({ workers: 0, running: 0 });
  });
});
