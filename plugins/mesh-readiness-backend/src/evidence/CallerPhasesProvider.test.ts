import type { Entity } from '@backstage/catalog-model';
import type { Program } from '@mesh-readiness/plugin-mesh-readiness-common';
import { CallerPhasesProvider } from './CallerPhasesProvider';

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'team-a' },
  relations: [
    { type: 'dependencyOf', targetRef: 'component:default/web' },
    { type: 'dependencyOf', targetRef: 'component:default/gateway' },
    { type: 'dependencyOf', targetRef: 'component:default/batch' },
    // Listed twice by two locations: one caller.
    { type: 'dependencyOf', targetRef: 'component:default/gateway' },
    // What checkout calls is not a caller.
    { type: 'dependsOn', targetRef: 'component:default/payments' },
  ],
};

const options = {
  entityRef: 'component:default/checkout',
  program: {} as Program,
};

describe('CallerPhasesProvider', () => {
  const stored = new Map([
    ['component:default/gateway', 'not-started'],
    ['component:default/web', 'expand'],
  ]);
  const provider = new CallerPhasesProvider({
    phaseOf: async ref => stored.get(ref),
  });

  it('answers the callers with their stored phases outside a run', async () => {
    expect(await provider.collect(checkout, options)).toEqual({
      status: 'ok',
      facts: {
        catalog: {
          callers: [
            // Never evaluated: not started.
            {
              entityRef: 'component:default/batch',
              phase: 'not-started',
              meshed: false,
            },
            {
              entityRef: 'component:default/gateway',
              phase: 'not-started',
              meshed: false,
            },
            {
              entityRef: 'component:default/web',
              phase: 'expand',
              meshed: true,
            },
          ],
        },
      },
    });
  });

  it('prefers the phases this run computed to the stored ones', async () => {
    const result = await provider.collect(checkout, {
      ...options,
      phasesOfThisRun: new Map([['component:default/gateway', 'pilot']]),
    });
    expect(result.status === 'ok' && result.facts.catalog?.callers).toEqual([
      {
        entityRef: 'component:default/batch',
        phase: 'not-started',
        meshed: false,
      },
      { entityRef: 'component:default/gateway', phase: 'pilot', meshed: true },
      { entityRef: 'component:default/web', phase: 'expand', meshed: true },
    ]);
  });

  it('fails, rather than guess, when the stored phases cannot be read', async () => {
    const broken = new CallerPhasesProvider({
      phaseOf: async () => {
        throw new Error('database is locked');
      },
    });
    expect(await broken.collect(checkout, options)).toEqual({
      status: 'failed',
      reason: "cannot read the callers' phases: database is locked",
    });
  });
});
