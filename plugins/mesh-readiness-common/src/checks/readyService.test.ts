/*
 * Every manifest check together: a service written the way the playbooks
 * recommend passes all of them at once (or they do not apply), for each
 * mesh. This guards against rules that contradict each other.
 */
import fs from 'node:fs';
import path from 'node:path';
import { listAnalyzers, getAnalyzer } from './registry';
import { contextFor } from './testUtils';
import type { MeshFlavour } from '../types';

function fixture(name: string): string {
  return fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');
}

const entity = {
  metadata: {
    name: 'cart',
    annotations: {
      'mesh-readiness.io/manifests': 'k8s/*.yaml',
      'backstage.io/kubernetes-id': 'cart',
    },
  },
  spec: { owner: 'group:default/shop', type: 'service' },
};

describe.each<[MeshFlavour, string]>([
  ['istio', 'istio-ready.yaml'],
  ['linkerd', 'linkerd-ready.yaml'],
])('a %s-ready service', (mesh, file) => {
  const manifestChecks = listAnalyzers().filter(
    a =>
      a.mesh.includes(mesh) &&
      a.evidence.every(e => e === 'manifests' || e === 'catalog') &&
      a.id !== 'sec.mtls.callers',
  );

  it.each(manifestChecks.map(a => [a.id]))('passes %s', id => {
    // The catalog knows the service's caller, whose ServiceAccount the
    // Istio fixture's ALLOW rule names (a principal of another namespace).
    const context = contextFor(
      { [`k8s/${file}`]: fixture(file) },
      {
        mesh,
        entity,
        facts: {
          catalog: {
            ownerIsGroup: true,
            callers: [
              {
                entityRef: 'component:default/web',
                phase: 'enforce',
                meshed: true,
              },
            ],
          },
        },
      },
    );
    expect(context.manifests.problems).toEqual([]);
    const outcome = getAnalyzer(id)!.analyze(context);
    const gaps = outcome.findings.filter(
      f => f.level === 'fail' || f.level === 'warn',
    );
    expect({ id, status: outcome.status, gaps }).toEqual({
      id,
      status: expect.stringMatching(/^(pass|not-applicable)$/),
      gaps: [],
    });
  });
});
