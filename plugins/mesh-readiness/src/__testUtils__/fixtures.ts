import type { Entity } from '@backstage/catalog-model';
import type {
  GroupRollup,
  HistoryPage,
  OrgSummary,
  ProgramStatus,
  StoredScorecard,
  Waiver,
} from '../api/MeshReadinessApi';

/** Where the test discovery API places the plugin's backend. */
export const BASE_URL = 'http://example.com/api/mesh-readiness';

export const componentEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'mesh-readiness.io/manifests': 'deploy/*.yaml' },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
};

export const componentWithoutAnnotation: Entity = {
  ...componentEntity,
  metadata: { name: 'legacy', namespace: 'default' },
};

export const groupEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const phases = [
  { id: 'pilot', title: 'Pilot' },
  { id: 'expand', title: 'Expand' },
  { id: 'enforce', title: 'Enforce' },
  { id: 'sustain', title: 'Sustain' },
];

export function storedScorecard(
  overrides: Partial<StoredScorecard> = {},
): StoredScorecard {
  return {
    entityRef: 'component:default/payments',
    programId: 'istio-adoption',
    stale: false,
    checkedAt: '2026-11-20T10:00:00.000Z',
    scorecard: {
      entityRef: 'component:default/payments',
      programId: 'istio-adoption',
      programVersion: '1.2.0',
      mesh: 'istio',
      phase: 'pilot',
      nextPhase: 'expand',
      progress: { passed: 1, total: 3, ratio: 1 / 3 },
      phases: [
        {
          ...phases[0],
          complete: true,
          requiredTotal: 1,
          requiredPassed: 1,
          notEvaluated: 0,
        },
        {
          ...phases[1],
          complete: false,
          requiredTotal: 3,
          requiredPassed: 1,
          notEvaluated: 0,
        },
        {
          ...phases[2],
          complete: false,
          requiredTotal: 1,
          requiredPassed: 0,
          notEvaluated: 1,
        },
        {
          ...phases[3],
          complete: false,
          requiredTotal: 0,
          requiredPassed: 0,
          notEvaluated: 0,
        },
      ],
      checks: [
        {
          checkId: 'catalog.owner',
          title: 'Owner is a group',
          phase: 'pilot',
          severity: 'required',
          evidence: ['catalog'],
          status: 'pass',
          summary: 'Owned by group:default/team-a',
          findings: [],
          remediation: 'Set spec.owner to a Group.',
        },
        {
          checkId: 'k8s.svc.protocol',
          title: 'Service ports declare a protocol',
          phase: 'expand',
          severity: 'required',
          evidence: ['manifests'],
          status: 'fail',
          summary: '1 of 2 Service ports lack a protocol',
          findings: [
            {
              level: 'fail',
              message: 'Port 8080 has no name or appProtocol',
              resource: { kind: 'Service', name: 'payments', namespace: 'pay' },
              file: 'deploy/service.yaml',
              line: 12,
              url: 'https://git.example.com/pay/blob/main/deploy/service.yaml#L12',
              code: 'IST0118',
            },
            {
              level: 'warn',
              message: 'A finding with an unsafe link',
              file: 'deploy/other.yaml',
              line: 3,
              // A script URL, built from parts, that must never become a link.
              url: ['javascript', 'alert(1)'].join(':'),
            },
          ],
          remediation: 'Name ports with their protocol (http-, grpc-).',
          playbook: {
            id: 'k8s.svc.protocol',
            title: 'Declaring protocols',
            url: '/docs/default/component/mesh-readiness-playbooks/k8s-svc-protocol/',
          },
          template: {
            id: 'svc-protocol',
            title: 'Service port names',
            templateRef: 'template:default/svc-protocol',
          },
        },
        {
          checkId: 'istio.mtls.strict',
          title: 'Strict mTLS',
          phase: 'enforce',
          severity: 'required',
          evidence: ['cluster'],
          status: 'not-evaluated',
          summary: 'No cluster evidence provider is configured',
          findings: [],
          remediation: 'Apply a STRICT PeerAuthentication.',
        },
      ],
      checklist: [
        {
          itemId: 'security.review',
          title: 'Security posture review',
          description: 'The security team reviewed the mesh policies.',
          phase: 'expand',
          severity: 'required',
          roles: ['security', 'owner'],
          status: 'missing',
        },
        {
          itemId: 'observability.dashboards',
          title: 'Observability integration',
          description: 'Golden-signal dashboards exist.',
          phase: 'expand',
          severity: 'required',
          roles: ['owner'],
          status: 'attested',
          attestation: {
            id: 'att-1',
            attestedBy: 'user:default/alice',
            role: 'owner',
            attestedAt: '2026-11-01T09:00:00.000Z',
            expiresAt: '2027-01-30T09:00:00.000Z',
            evidenceUrl: 'https://grafana.example.com/d/payments',
            comment: 'Dashboards reviewed',
          },
        },
      ],
      nextSteps: [
        {
          kind: 'check',
          itemId: 'k8s.svc.protocol',
          title: 'Service ports declare a protocol',
          phase: 'expand',
          severity: 'required',
          status: 'fail',
          remediation: 'Name ports with their protocol (http-, grpc-).',
          playbook: {
            id: 'k8s.svc.protocol',
            title: 'Declaring protocols',
            url: '/docs/default/component/mesh-readiness-playbooks/k8s-svc-protocol/',
          },
          template: {
            id: 'svc-protocol',
            title: 'Service port names',
            templateRef: 'template:default/svc-protocol',
          },
        },
        {
          kind: 'checklist',
          itemId: 'security.review',
          title: 'Security posture review',
          phase: 'expand',
          severity: 'required',
          status: 'missing',
        },
      ],
      notConnected: ['cluster', 'metrics'],
      factsHash: 'abc123',
      factsTimestamp: '2026-11-20T09:59:00.000Z',
      evaluatedAt: '2026-11-20T10:00:00.000Z',
    },
    ...overrides,
  };
}

export const waivers: Waiver[] = [
  {
    id: 'w-1',
    entityRef: 'component:default/payments',
    programId: 'istio-adoption',
    itemId: 'k8s.svc.protocol',
    state: 'requested',
    justification: 'Legacy port until the Q1 migration',
    compensatingControl: 'Network policy limits callers',
    requestedBy: 'user:default/bob',
    requestedAt: '2026-11-10T08:00:00.000Z',
    expiresAt: '2027-03-31T23:59:59.000Z',
  },
];

export const history: HistoryPage = {
  items: [
    {
      id: 'h-2',
      entityRef: 'component:default/payments',
      programId: 'istio-adoption',
      programVersion: '1.2.0',
      at: '2026-11-15T10:00:00.000Z',
      phase: 'pilot',
      previousPhase: 'not-started',
      changes: [{ itemId: 'catalog.owner', from: 'fail', to: 'pass' }],
    },
    {
      id: 'h-1',
      entityRef: 'component:default/payments',
      programId: 'istio-adoption',
      programVersion: '1.2.0',
      at: '2026-11-01T10:00:00.000Z',
      phase: 'not-started',
      changes: [
        { itemId: 'catalog.owner', to: 'fail' },
        { itemId: 'k8s.svc.protocol', to: 'fail' },
        { itemId: 'istio.mtls.strict', to: 'not-evaluated' },
      ],
    },
  ],
  totalCount: 2,
  offset: 0,
  limit: 200,
};

export const groupRollup: GroupRollup = {
  groupRef: 'group:default/team-a',
  groups: ['group:default/team-a'],
  mentors: ['user:default/mia'],
  services: [
    {
      entityRef: 'component:default/payments',
      title: 'Payments',
      programId: 'istio-adoption',
      programVersion: '1.2.0',
      owner: 'group:default/team-a',
      phase: 'pilot',
      nextPhase: 'expand',
      progress: { passed: 1, total: 3, ratio: 1 / 3 },
      failingChecks: 1,
      stale: false,
      evaluatedAt: '2026-11-20T10:00:00.000Z',
      factsTimestamp: '2026-11-20T09:59:00.000Z',
    },
    {
      entityRef: 'component:default/ledger',
      programId: 'istio-adoption',
      programVersion: '1.2.0',
      owner: 'group:default/team-a',
      phase: 'expand',
      nextPhase: 'enforce',
      progress: { passed: 0, total: 1, ratio: 0 },
      failingChecks: 0,
      stale: true,
      staleReason: 'repository host timed out',
      evaluatedAt: '2026-11-19T10:00:00.000Z',
      factsTimestamp: '2026-11-19T09:59:00.000Z',
    },
  ],
  phaseDistribution: [
    { phase: 'not-started', count: 0 },
    { phase: 'pilot', count: 1 },
    { phase: 'expand', count: 1 },
  ],
  waves: [
    {
      id: 'wave-1',
      title: 'Wave 1',
      programId: 'istio-adoption',
      targetPhase: 'expand',
      dueDate: '2027-03-31',
      total: 2,
      atTarget: 1,
      ratio: 0.5,
    },
  ],
  blockers: [
    {
      checkId: 'k8s.svc.protocol',
      title: 'Service ports declare a protocol',
      phase: 'expand',
      entityRefs: ['component:default/payments'],
      failingSince: '2026-10-01T00:00:00.000Z',
    },
  ],
  regressions: [
    {
      entityRef: 'component:default/ledger',
      programId: 'istio-adoption',
      fromPhase: 'enforce',
      toPhase: 'expand',
      at: '2026-11-18T10:00:00.000Z',
    },
  ],
};

export const orgSummary: OrgSummary = {
  programId: 'istio-adoption',
  totalEntities: 12,
  staleEntities: 1,
  funnel: [
    { phase: 'not-started', count: 3 },
    { phase: 'pilot', count: 5 },
    { phase: 'expand', count: 3 },
    { phase: 'enforce', count: 1 },
    { phase: 'sustain', count: 0 },
  ],
  trend: [
    {
      date: '2026-11-19',
      phases: [
        { phase: 'not-started', count: 4 },
        { phase: 'pilot', count: 5 },
      ],
    },
    {
      date: '2026-11-20',
      phases: [
        { phase: 'not-started', count: 3 },
        { phase: 'pilot', count: 5 },
      ],
    },
  ],
  topFailingChecks: [
    {
      checkId: 'k8s.svc.protocol',
      title: 'Service ports declare a protocol',
      phase: 'expand',
      count: 7,
    },
  ],
  waves: groupRollup.waves,
  waivers: { requested: 2, approved: 4, expiringWithin30Days: 1 },
};

export const programs: ProgramStatus[] = [
  {
    id: 'istio-adoption',
    location: 'programs/istio-adoption.yaml',
    status: 'invalid',
    title: 'Istio adoption',
    version: '1.2.0',
    mesh: 'istio',
    inForce: true,
    loadedAt: '2026-11-20T08:00:00.000Z',
    checkedAt: '2026-11-20T10:00:00.000Z',
    problems: [
      {
        file: 'programs/istio-adoption.yaml',
        line: 42,
        column: 7,
        path: 'spec.checks[3].phase',
        message: 'Unknown phase "enforced"',
      },
    ],
    program: {
      apiVersion: 'mesh-readiness.io/v1alpha1',
      kind: 'Program',
      metadata: {
        name: 'istio-adoption',
        title: 'Istio adoption',
        version: '1.2.0',
      },
      spec: {
        mesh: 'istio',
        appliesTo: { kinds: ['Component'] },
        phases,
        checks: [
          {
            id: 'k8s.svc.protocol',
            title: 'Service ports declare a protocol',
            rationale: 'Istio needs protocols',
            phase: 'expand',
            severity: 'required',
            evidence: ['manifests'],
            analyzer: 'k8s.svc.protocol',
            remediation: 'Name ports',
            playbook: 'k8s.svc.protocol',
            template: 'svc-protocol',
          },
          {
            id: 'catalog.owner',
            title: 'Owner is a group',
            rationale: 'Someone answers',
            phase: 'pilot',
            severity: 'required',
            evidence: ['catalog'],
            analyzer: 'catalog.owner',
            remediation: 'Set an owner',
          },
          {
            id: 'istio.sidecar.injection',
            title: 'Sidecar injection enabled',
            rationale: 'No mesh without it',
            phase: 'pilot',
            severity: 'required',
            evidence: ['manifests'],
            analyzer: 'istio.sidecar.injection',
            remediation: 'Label the namespace',
            playbook: 'missing-playbook',
            template: 'bad-link',
          },
        ],
        checklist: [],
        playbooks: [
          {
            id: 'k8s.svc.protocol',
            title: 'Declaring protocols',
            url: '/docs/default/component/mesh-readiness-playbooks/k8s-svc-protocol/',
          },
        ],
        templates: [
          {
            id: 'svc-protocol',
            title: 'Service port names',
            templateRef: 'template:default/svc-protocol',
          },
          { id: 'bad-link', title: 'Empty template' },
        ],
        waves: [
          {
            id: 'wave-1',
            title: 'Wave 1',
            targetPhase: 'expand',
            dueDate: '2027-03-31',
            groups: ['team-a'],
          },
        ],
      },
    },
  },
];
