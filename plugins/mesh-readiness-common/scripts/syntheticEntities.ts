/*
 * Synthetic entities for the engine benchmark and the golden check: a
 * deterministic generator, so every run evaluates the same input.
 *
 * Each entity has realistic manifests: a Namespace, five workloads (four
 * Deployments and a StatefulSet), three Services and a DestinationRule or a
 * PodDisruptionBudget, about ten objects in all, varied so that checks pass
 * and fail.
 */
import type { EntityFacts } from '../src';

export const SYNTHETIC_NOW = '2027-01-15T12:00:00.000Z';

/** Small deterministic generator so every run measures the same input. */
function random(seed: number) {
  // Spread small seeds over 32 bits and skip the first outputs, which
  // xorshift keeps small for small seeds.
  let state = Math.imul(seed, 2654435761) >>> 0 || 1;
  const step = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
  };
  for (let i = 0; i < 8; i++) step();
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

const PILOT_ITEMS = ['manual.on-call', 'manual.rollback-plan'];
const EXPAND_ITEMS = ['manual.runbook', 'manual.load-test'];

/** Whether this entity has a given defect (probability scaled by its tier). */
type Defect = (probability: number) => boolean;

function workloadYaml(
  kind: 'Deployment' | 'StatefulSet',
  name: string,
  namespace: string,
  defect: Defect,
): string {
  const named = !defect(0.2);
  const probes = !defect(0.3);
  const resources = !defect(0.3);
  const uid = defect(0.05) ? 1337 : 1000;
  const hostNetwork = defect(0.03);
  const replicas = defect(0.6) ? 1 : 3;
  const serviceAccount = defect(0.3)
    ? ''
    : `serviceAccountName: ${name}\n      `;
  return `apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app: ${name}
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
${defect(0.25) ? '' : '        version: v1\n'}      annotations:
        proxy.istio.io/config: |
          holdApplicationUntilProxyStarts: true
    spec:
      ${serviceAccount}hostNetwork: ${hostNetwork}
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsUser: ${uid}
      containers:
        - name: app
          image: registry.example/${name}:1.4.2
          ports:
            - ${named ? 'name: http\n              ' : ''}containerPort: 8080
            - name: metrics
              containerPort: 9090
${
  probes
    ? `          readinessProbe:
            httpGet:
              path: /ready
              port: 8080
          livenessProbe:
            httpGet:
              path: /health
              port: 8080
`
    : ''
}${
    resources
      ? `          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 500m
              memory: 256Mi
`
      : ''
  }`;
}

function serviceYaml(name: string, namespace: string, defect: Defect): string {
  const portName = defect(0.25) ? 'web' : 'http-web';
  const target = defect(0.1) ? 8081 : 8080;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  selector:
    app: ${name}
  ports:
    - name: ${portName}
      port: 80
      targetPort: ${target}
`;
}

export function entityFacts(index: number): EntityFacts {
  const next = random(index + 1);
  const namespace = `team-${index % 50}`;
  const base = `svc-${index}`;
  const docs: string[] = [];
  // A third of the services are clean, a third have a few defects and the
  // rest many, so that scorecards land in different phases.
  const tier = next();
  let scale = 2;
  if (tier < 0.35) scale = 0;
  else if (tier < 0.7) scale = 0.5;
  const defect: Defect = probability => next() < probability * scale;
  const injected = !defect(0.2);
  docs.push(`apiVersion: v1
kind: Namespace
metadata:
  name: ${namespace}
  labels:
${injected ? '    istio-injection: enabled\n' : '    team: unlabelled\n'}`);
  const workloads: string[] = [];
  for (let w = 0; w < 5; w++) {
    const name = `${base}-w${w}`;
    workloads.push(name);
    docs.push(
      workloadYaml(
        w === 4 ? 'StatefulSet' : 'Deployment',
        name,
        namespace,
        defect,
      ),
    );
  }
  for (let s = 0; s < 3; s++) {
    docs.push(serviceYaml(workloads[s], namespace, defect));
  }
  if (next() > 0.5) {
    docs.push(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${workloads[0]}
  namespace: ${namespace}
spec:
  host: ${workloads[0]}
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 30s
`);
  } else {
    docs.push(`apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${workloads[0]}
  namespace: ${namespace}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: ${workloads[0]}
`);
  }
  const owned = !defect(0.1);
  return {
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: base,
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': base,
          'mesh-readiness.io/manifests': 'deploy/',
        },
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: owned ? 'group:default/payments-team' : 'user:default/jane',
      },
      relations: owned
        ? [{ type: 'ownedBy', targetRef: 'group:default/payments-team' }]
        : [],
    },
    catalog: { ownerIsGroup: owned, callers: [] },
    manifests: [
      { path: 'deploy/namespace.yaml', content: docs[0] },
      {
        path: 'deploy/workloads.yaml',
        content: docs.slice(1, 6).join('---\n'),
      },
      { path: 'deploy/services.yaml', content: docs.slice(6).join('---\n') },
    ],
    sources: {
      catalog: { status: 'ok', fetchedAt: '2027-01-15T11:00:00.000Z' },
      manifests: { status: 'ok', fetchedAt: '2027-01-15T11:05:00.000Z' },
    },
    // Most teams attested the pilot checklist; clean ones the expand one too.
    attestations: [
      ...(defect(0.3) ? [] : PILOT_ITEMS),
      ...(scale === 0 ? EXPAND_ITEMS : []),
    ].map(itemId => ({
      id: `${base}-${itemId}`,
      entityRef: `component:default/${base}`,
      programId: 'istio-adoption',
      itemId,
      attestedBy: 'user:default/jane',
      role: 'owner' as const,
      attestedAt: '2027-01-05T09:00:00.000Z',
    })),
    waivers: [],
    now: SYNTHETIC_NOW,
  };
}
