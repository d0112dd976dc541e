/*
 * The benchmarks' input, one generator for all of them (DESIGN.md section 7:
 * "realistic input"): the engine bench evaluates exactly what the backend
 * benches serve through their catalog and manifest servers.
 *
 * Per service: 11 Kubernetes and mesh objects in 5 files, 6-7 KB of YAML
 * (Namespace, ServiceAccount, Deployment, Service, PeerAuthentication,
 * AuthorizationPolicy, DestinationRule, VirtualService,
 * HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy), varied so
 * that checks pass and fail; two or three attestations of checklist items;
 * a waiver on one service in five; one to three callers (`dependencyOf`
 * relations to other services). Services belong to 40 groups; the first
 * 1,000 to `big-team` (the group-rollup bench reads it).
 *
 * Deterministic: the same index and variant give the same bytes.
 */
import type { EntityFacts, ManifestFile } from '../src';

export const BENCH_PROGRAM_ID = 'istio-adoption';
export const BENCH_GROUPS = 40;
export const BENCH_BIG_GROUP = 'big-team';
export const BENCH_BIG_GROUP_SERVICES = 1000;
/** Variants of a service's manifests; a "change" moves to the next one. */
export const BENCH_VARIANTS = 6;
/** Attestations and waivers are dated before this; the engine bench's clock. */
export const BENCH_NOW = '2027-01-15T12:00:00.000Z';
const DAY_MS = 24 * 60 * 60 * 1000;

const PILOT_ITEMS = ['manual.on-call', 'manual.rollback-plan'];
const EXPAND_ITEMS = ['manual.runbook', 'manual.dependency-map'];

export const benchServiceName = (index: number) =>
  `svc-${String(index).padStart(5, '0')}`;
export const benchServiceRef = (index: number) =>
  `component:default/${benchServiceName(index)}`;
export const benchGroupName = (group: number) =>
  group === 0 ? BENCH_BIG_GROUP : `team-${group}`;

/** The group (0..39) that owns service `index`. */
export function benchGroupOf(index: number): number {
  return index < BENCH_BIG_GROUP_SERVICES
    ? 0
    : 1 + ((index - BENCH_BIG_GROUP_SERVICES) % (BENCH_GROUPS - 1));
}

/** Small deterministic generator (xorshift32) seeded per service. */
function random(seed: number) {
  let state = Math.imul(seed + 1, 2654435761) >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  for (let i = 0; i < 8; i++) next();
  return next;
}

/**
 * The manifests of a service. `variant` (0..5) changes defects the checks
 * see: port naming, probes, resources, the PeerAuthentication mode, the
 * replica count.
 */
export function benchManifests(index: number, variant: number): ManifestFile[] {
  const name = benchServiceName(index);
  const ns = `${benchGroupName(benchGroupOf(index))}-${name}`;
  const rand = random(index * BENCH_VARIANTS + variant);
  const defect = (p: number) => rand() < p;
  const portName = defect(0.25) ? 'web' : 'http-web';
  const probes = !defect(0.3);
  const resources = !defect(0.25);
  const replicas = defect(0.3) ? 1 : 2 + (variant % 3);
  const mtls = defect(0.4) ? 'PERMISSIVE' : 'STRICT';
  const labels = `
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: ${benchGroupName(benchGroupOf(index))}
    app.kubernetes.io/managed-by: argocd
    app: ${name}
    version: v${1 + (variant % 3)}`;
  const env = Array.from(
    { length: 8 },
    (_, i) => `
            - name: FEATURE_FLAG_${i}
              value: "${(index + i + variant) % 2 === 0 ? 'on' : 'off'}"`,
  ).join('');
  const namespace = `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels:
    istio-injection: ${defect(0.15) ? 'disabled' : 'enabled'}
    team: ${benchGroupName(benchGroupOf(index))}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  namespace: ${ns}
  labels:${labels}
`;
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${ns}
  labels:${labels}
  annotations:
    deployment.kubernetes.io/revision: "${3 + variant}"
spec:
  replicas: ${replicas}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:${labels.replace(/\n {4}/g, '\n        ')}
      annotations:
        proxy.istio.io/config: |
          holdApplicationUntilProxyStarts: true
        prometheus.io/scrape: "true"
        prometheus.io/port: "9090"
    spec:
      serviceAccountName: ${name}
      terminationGracePeriodSeconds: 30
      securityContext:
        runAsUser: 1000
        runAsNonRoot: true
        fsGroup: 2000
      containers:
        - name: app
          image: registry.example/${benchGroupName(
            benchGroupOf(index),
          )}/${name}:1.${variant}.${index % 10}
          imagePullPolicy: IfNotPresent
          ports:
            - name: ${portName}
              containerPort: 8080
            - name: http-metrics
              containerPort: 9090
          env:${env}
            - name: POD_NAME
              valueFrom:
                fieldRef:
                  fieldPath: metadata.name
          volumeMounts:
            - name: config
              mountPath: /etc/${name}
              readOnly: true
${
  probes
    ? `          readinessProbe:
            httpGet:
              path: /ready
              port: 8080
            periodSeconds: 5
          livenessProbe:
            httpGet:
              path: /health
              port: 8080
            periodSeconds: 10
          startupProbe:
            httpGet:
              path: /health
              port: 8080
            failureThreshold: 30
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
  }          lifecycle:
            preStop:
              exec:
                command: ["sleep", "5"]
      volumes:
        - name: config
          configMap:
            name: ${name}-config
`;
  const service = `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${ns}
  labels:${labels}
spec:
  selector:
    app: ${name}
  ports:
    - name: ${portName}
      port: 80
      targetPort: ${defect(0.1) ? 8081 : 8080}
    - name: http-metrics
      port: 9090
      targetPort: 9090
`;
  const caller = benchServiceName(index === 0 ? 1 : index - 1);
  const mesh = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  mtls:
    mode: ${mtls}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels:
      app: ${name}
  action: ALLOW
  rules:
    - from:
        - source:
            principals:
              - cluster.local/ns/${ns}/sa/${caller}
              - cluster.local/ns/istio-system/sa/istio-ingressgateway
      to:
        - operation:
            methods: ["GET", "POST"]
            paths: ["/api/*"]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  host: ${name}.${ns}.svc.cluster.local
  trafficPolicy:
    connectionPool:
      tcp:
        maxConnections: 100
      http:
        http1MaxPendingRequests: 50
    outlierDetection:
      consecutive5xxErrors: 5
      interval: 30s
      baseEjectionTime: 60s
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hosts:
    - ${name}.${ns}.svc.cluster.local
  http:
    - route:
        - destination:
            host: ${name}.${ns}.svc.cluster.local
            port:
              number: 80
${
  defect(0.3)
    ? ''
    : `      timeout: 5s
      retries:
        attempts: 2
        perTryTimeout: 2s
        retryOn: 5xx,reset,connect-failure
`
}`;
  const operations = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: ${replicas}
  maxReplicas: ${replicas * 4}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: ${name}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector:
    matchLabels:
      app: ${name}
  policyTypes: ["Ingress"]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              team: ${benchGroupName(benchGroupOf(index))}
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: istio-system
      ports:
        - port: 8080
        - port: 15090
`;
  return [
    { path: 'deploy/namespace.yaml', content: namespace },
    { path: 'deploy/deployment.yaml', content: deployment },
    { path: 'deploy/service.yaml', content: service },
    { path: 'deploy/mesh.yaml', content: mesh },
    { path: 'deploy/operations.yaml', content: operations },
  ];
}

/** The services that call service `index` (its `dependencyOf` relations). */
export function benchCallers(index: number, services: number): number[] {
  const count = 1 + (index % 3);
  const callers = new Set<number>();
  for (let c = 1; c <= count && services > 1; c++) {
    const caller = (index + c * 7919) % services;
    if (caller !== index) callers.add(caller);
  }
  return [...callers].sort((a, b) => a - b);
}

export interface BenchAttestationInput {
  entityRef: string;
  programId: string;
  itemId: string;
  attestedBy: string;
  role: 'owner';
  attestedAt: string;
}

export interface BenchWaiverInput {
  entityRef: string;
  programId: string;
  itemId: string;
  justification: string;
  requestedBy: string;
  approvedBy: string;
  requestedAt: string;
  approvedAt: string;
  expiresAt: string;
}

/** Attestations of service `index`: the pilot checklist, on most the expand one's first half. */
export function benchAttestations(
  index: number,
  now: string = BENCH_NOW,
): BenchAttestationInput[] {
  const items = [...PILOT_ITEMS, ...(index % 3 === 0 ? [] : EXPAND_ITEMS)];
  return items.map((itemId, i) => ({
    entityRef: benchServiceRef(index),
    programId: BENCH_PROGRAM_ID,
    itemId,
    attestedBy: `user:default/owner-${benchGroupOf(index)}`,
    role: 'owner',
    attestedAt: new Date(Date.parse(now) - (10 + i) * DAY_MS).toISOString(),
  }));
}

/** One service in five has an approved waiver on the strict-mTLS check. */
export function benchWaivers(
  index: number,
  now: string = BENCH_NOW,
): BenchWaiverInput[] {
  const at = (days: number) =>
    new Date(Date.parse(now) + days * DAY_MS).toISOString();
  if (index % 5 !== 0) return [];
  return [
    {
      entityRef: benchServiceRef(index),
      programId: BENCH_PROGRAM_ID,
      itemId: 'sec.mtls.strict',
      justification: 'legacy clients without sidecars until the Q3 migration',
      requestedBy: `user:default/owner-${benchGroupOf(index)}`,
      approvedBy: 'user:default/platform-lead',
      requestedAt: at(-14),
      approvedAt: at(-13),
      expiresAt: at(200),
    },
  ];
}

/** A service as the catalog holds it; `manifests` is its annotation value. */
export function benchServiceEntity(
  index: number,
  services: number,
  manifests = 'deploy/',
): EntityFacts['entity'] {
  const name = benchServiceName(index);
  const group = benchGroupName(benchGroupOf(index));
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      title: `Service ${index}`,
      description: `Synthetic service ${index} of the Mesh Readiness benchmarks`,
      tags: ['java', 'grpc'],
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/managed-by-location': `url:https://git.example/${group}/${name}/catalog-info.yaml`,
        'backstage.io/source-location': `url:https://git.example/${group}/${name}/`,
        'mesh-readiness.io/mesh': 'istio',
        'mesh-readiness.io/manifests': manifests,
      },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: `group:default/${group}`,
      system: `${group}-system`,
    },
    relations: [
      { type: 'ownedBy', targetRef: `group:default/${group}` },
      { type: 'partOf', targetRef: `system:default/${group}-system` },
      ...benchCallers(index, services).map(caller => ({
        type: 'dependencyOf',
        targetRef: benchServiceRef(caller),
      })),
    ],
  };
}

export function benchGroupEntity(group: number): EntityFacts['entity'] {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name: benchGroupName(group),
      namespace: 'default',
      annotations: {
        'mesh-readiness.io/mentor': `user:default/mentor-${group % 5}`,
      },
    },
    spec: { type: 'team', children: [] },
    relations: [],
  };
}

/**
 * What the engine gets for service `index` after the backend gathered it:
 * the same entity, manifests, attestations and waivers the backend benches
 * serve, callers at the phase `callerPhase` gives (the backend reads them
 * from its last run).
 */
export function benchEntityFacts(
  index: number,
  services: number,
  variant = index % BENCH_VARIANTS,
  callerPhase: (index: number) => string = () => 'pilot',
): EntityFacts {
  const entityRef = benchServiceRef(index);
  return {
    entity: benchServiceEntity(index, services),
    catalog: {
      ownerIsGroup: true,
      callers: benchCallers(index, services).map(caller => {
        const phase = callerPhase(caller);
        return {
          entityRef: benchServiceRef(caller),
          phase,
          meshed: phase !== 'not-started',
        };
      }),
    },
    manifests: benchManifests(index, variant),
    sources: {
      catalog: { status: 'ok', fetchedAt: BENCH_NOW },
      manifests: { status: 'ok', fetchedAt: BENCH_NOW },
    },
    attestations: benchAttestations(index).map((a, i) => ({
      id: `${entityRef}-attestation-${i}`,
      ...a,
    })),
    waivers: benchWaivers(index).map((w, i) => ({
      id: `${entityRef}-waiver-${i}`,
      entityRef: w.entityRef,
      programId: w.programId,
      itemId: w.itemId,
      state: 'approved' as const,
      justification: w.justification,
      requestedBy: w.requestedBy,
      requestedAt: w.requestedAt,
      decidedBy: w.approvedBy,
      decidedAt: w.approvedAt,
      expiresAt: w.expiresAt,
    })),
    now: BENCH_NOW,
  };
}

/** What the input is, for the first line of every bench's output. */
export function describeBenchInput(services: number): string {
  const sample = Math.min(services, 200);
  let bytes = 0;
  let objects = 0;
  let files = 0;
  let attestations = 0;
  let waivers = 0;
  let callers = 0;
  for (let i = 0; i < sample; i++) {
    const manifests = benchManifests(i, i % BENCH_VARIANTS);
    files += manifests.length;
    for (const file of manifests) {
      bytes += Buffer.byteLength(file.content);
      objects += file.content.split(/^kind: /m).length - 1;
    }
    attestations += benchAttestations(i).length;
    waivers += benchWaivers(i).length;
    callers += benchCallers(i, services).length;
  }
  const per = (n: number, digits = 1) => (n / sample).toFixed(digits);
  return `${services} services in ${BENCH_GROUPS} groups; per service ${per(
    objects,
  )} objects in ${per(files, 0)} files, ${(bytes / sample / 1024).toFixed(
    1,
  )} KB of manifests, ${per(attestations)} attestations, ${per(
    waivers,
    2,
  )} waivers, ${per(callers)} callers`;
}
