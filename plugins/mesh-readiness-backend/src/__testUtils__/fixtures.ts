import type { Entity } from '@backstage/catalog-model';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A small program for the backend's tests, written against analyzers the
 * engine ships (so the tests do not depend on the shipped programs' size).
 */
export const TEST_PROGRAM_YAML = `apiVersion: mesh-readiness.io/v1alpha1
kind: Program
metadata:
  name: istio-adoption
  title: Istio adoption (test)
  version: '1.0.0'
spec:
  mesh: istio
  appliesTo:
    kinds: [Component]
    types: [service]
  phases:
    - id: pilot
      title: Pilot
    - id: expand
      title: Expand
    - id: enforce
      title: Enforce
    - id: sustain
      title: Sustain
  checks:
    - id: cat.owner
      title: The service has an owning group
      rationale: Someone must be accountable.
      phase: pilot
      severity: required
      evidence: [catalog]
      analyzer: cat.owner
      remediation: Set spec.owner.
    - id: cat.manifests
      title: The service says where its manifests are
      rationale: Static checks need the manifests.
      phase: pilot
      severity: required
      evidence: [catalog, manifests]
      analyzer: cat.manifests
      remediation: Add the mesh-readiness.io/manifests annotation.
    - id: k8s.svc.protocol
      title: Service ports declare their protocol
      rationale: An explicit protocol avoids protocol sniffing.
      phase: pilot
      severity: required
      evidence: [manifests]
      analyzer: k8s.svc.protocol
      remediation: Name each Service port or set appProtocol.
    - id: k8s.probes
      title: Readiness and liveness probes exist
      rationale: Rollouts rely on readiness.
      phase: expand
      severity: required
      evidence: [manifests]
      analyzer: k8s.probes
      remediation: Add readinessProbe and livenessProbe.
    - id: k8s.resources
      title: Resources are requested
      rationale: The proxy needs room.
      phase: expand
      severity: required
      evidence: [manifests]
      analyzer: k8s.resources
      remediation: Set requests and limits.
    - id: sec.mtls.observed
      title: Traffic is mTLS
      rationale: Enforcement needs proof.
      phase: enforce
      severity: required
      evidence: [metrics]
      analyzer: sec.mtls.observed
      remediation: Fix plaintext callers.
  checklist:
    - id: manual.on-call
      title: On-call rotation and owner
      description: The service has an on-call rotation.
      phase: pilot
      severity: required
      roles: [owner]
      expiresAfter: P180D
    - id: manual.dependency-map
      title: Dependency map reviewed
      description: The catalog dependencies were compared with observed traffic.
      phase: expand
      severity: required
      roles: [owner, platform]
      resetOn: [catalog]
    - id: manual.security-review
      title: Security posture review
      description: A threat model was reviewed.
      phase: enforce
      severity: required
      roles: [security]
  playbooks: []
  templates: []
  waves:
    - id: pilot-wave
      title: Pilot wave
      targetPhase: pilot
      dueDate: '2027-03-31'
      groups: [group:default/team-a]
`;

/** A Deployment + Service pair the Istio program can read. */
export function serviceManifests(name: string): Record<string, string> {
  return {
    'k8s/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
  labels:
    app: ${name}
    version: v1
spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
        version: v1
    spec:
      serviceAccountName: ${name}
      containers:
        - name: ${name}
          image: registry.example.com/${name}:1.0.0
          ports:
            - containerPort: 8080
              name: http
          readinessProbe:
            httpGet:
              path: /ready
              port: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
`,
    'k8s/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: shop
  labels:
    app: ${name}
spec:
  selector:
    app: ${name}
  ports:
    - name: http
      port: 80
      targetPort: 8080
      appProtocol: http
`,
  };
}

/** Writes files under a new temporary folder; returns its path. */
export function writeTree(
  files: Record<string, string>,
  root?: string,
): string {
  const dir = root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-readiness-'));
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(dir, rel);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
  return dir;
}

export function component(
  name: string,
  options: {
    owner: string;
    repoDir?: string;
    manifests?: string;
    type?: string;
    mesh?: string;
    dependencyOf?: string[];
  },
): Entity {
  const annotations: Record<string, string> = {};
  if (options.repoDir) {
    annotations['backstage.io/managed-by-location'] = `file:${path.join(
      options.repoDir,
      'catalog-info.yaml',
    )}`;
    annotations['backstage.io/source-location'] = 'dir:.';
  }
  if (options.manifests)
    annotations['mesh-readiness.io/manifests'] = options.manifests;
  if (options.mesh) annotations['mesh-readiness.io/mesh'] = options.mesh;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: options.type ?? 'service',
      lifecycle: 'production',
      owner: options.owner,
    },
    relations: [
      { type: 'ownedBy', targetRef: `group:default/${options.owner}` },
      ...(options.dependencyOf ?? []).map(targetRef => ({
        type: 'dependencyOf',
        targetRef,
      })),
    ],
  };
}

export function group(
  name: string,
  options: { parent?: string; children?: string[]; mentors?: string[] } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: {
      name,
      namespace: 'default',
      title: `Team ${name}`,
      annotations: options.mentors
        ? { 'mesh-readiness.io/mentor': options.mentors.join(', ') }
        : {},
    },
    spec: {
      type: 'team',
      children: options.children ?? [],
      ...(options.parent ? { parent: options.parent } : {}),
    },
    relations: [
      ...(options.children ?? []).map(child => ({
        type: 'parentOf',
        targetRef: `group:default/${child}`,
      })),
      ...(options.parent
        ? [{ type: 'childOf', targetRef: `group:default/${options.parent}` }]
        : []),
    ],
  };
}

export function user(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { memberOf: [] },
  };
}

/**
 * The small organisation the API tests run against: team-a (mentored by
 * user:default/mentor) with a child team-a-sub; svc-a with readable
 * manifests, svc-b whose manifests are missing, a library no program applies
 * to.
 */
export function sampleOrganisation() {
  const repoA = writeTree(serviceManifests('svc-a'));
  const repoB = writeTree({ 'README.md': 'no manifests here' });
  const entities: Entity[] = [
    group('team-a', {
      children: ['team-a-sub'],
      mentors: ['user:default/mentor'],
    }),
    group('team-a-sub', { parent: 'team-a' }),
    group('platform'),
    user('mentor'),
    user('alice'),
    component('svc-a', {
      owner: 'team-a',
      repoDir: repoA,
      manifests: 'k8s/*.yaml',
      mesh: 'istio',
      dependencyOf: ['component:default/svc-b'],
    }),
    component('svc-b', {
      owner: 'team-a-sub',
      repoDir: repoB,
      manifests: 'k8s/*.yaml',
      mesh: 'istio',
    }),
    component('lib-x', { owner: 'team-a', type: 'library' }),
  ];
  const programFile = path.join(
    writeTree({ 'istio-adoption.yaml': TEST_PROGRAM_YAML }),
    'istio-adoption.yaml',
  );
  return { entities, repoA, repoB, programFile };
}
