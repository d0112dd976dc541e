/*
 * Conformance with Istio's own analyzer tests. `conformance/istio-analyzers`
 * holds a subset of the test table of `istioctl analyze` (see its
 * SOURCE.md). Every entry whose analyzer we claim is run here the way
 * upstream's harness runs it, and compared the way upstream compares: the
 * multiset of (message code, "Kind namespace/name"), order ignored.
 */
import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import {
  friendlyName,
  ManifestObject,
  ManifestSet,
  parseManifests,
} from '../manifests';
import { analyzeIstio, renderIstioMessage } from './analyzeIstio';
import {
  CLAIMED_ISTIO_ANALYZERS,
  UNCLAIMED_CONFORMANCE_ENTRIES,
} from './claims';
import { ISTIO_ANALYSIS_KINDS, SYSTEM_NAMESPACES } from './kinds';
import type { IstioAnalyzer } from './analyzer';

interface CorpusEntry {
  name: string;
  inputFiles: string[];
  meshConfigFile: string | null;
  analyzer: string;
  expected: Array<{ code: string; name: string; resource: string }>;
}

const CORPUS_DIR = path.resolve(__dirname, '../../conformance/istio-analyzers');
const corpus: CorpusEntry[] = JSON.parse(
  fs.readFileSync(path.join(CORPUS_DIR, 'expected.json'), 'utf8'),
);

/** The analyzers the issue requires us to claim, at the least. */
const REQUIRED_CLAIMS = [
  'service.PortNameAnalyzer',
  'deployment.ServiceAssociationAnalyzer',
  'deployment.ApplicationUIDAnalyzer',
  'injection.Analyzer',
  'sidecar.SelectorAnalyzer',
  'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  'virtualservice.DestinationHostAnalyzer',
  'virtualservice.DestinationRuleAnalyzer',
  'authz.AuthorizationPoliciesAnalyzer',
  'destinationrule.CaCertificateAnalyzer',
  'serviceentry.ProtocolAddressesAnalyzer',
  'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
];

/**
 * What upstream's harness adds because the default ingress controller mode
 * is STRICT: a gateway Pod and its Service in istio-system.
 */
const SYNTHETIC_INGRESS_GATEWAY = `apiVersion: v1
kind: Pod
metadata:
  name: istio-ingressgateway-dummypod
  namespace: istio-system
  labels:
    istio: ingressgateway
spec:
  containers:
  - name: istio-proxy
---
apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
spec:
  selector:
    istio: ingressgateway
  ports:
  - name: http2
    port: 80
  - name: https
    port: 443
  - name: tcp
    port: 31400
  - name: tls
    port: 15443
`;

function readCorpusFile(relative: string): string {
  return fs.readFileSync(path.join(CORPUS_DIR, relative), 'utf8');
}

/** Builds the analyzer's input exactly as upstream's test harness does. */
function buildInput(entry: CorpusEntry, analyzer: IstioAnalyzer): ManifestSet {
  const parsed = parseManifests(
    entry.inputFiles.map(file => ({
      path: file,
      content: readCorpusFile(file),
    })),
  );
  if (parsed.problems.length > 0) {
    throw new Error(
      `fixture did not parse: ${JSON.stringify(parsed.problems, null, 2)}`,
    );
  }
  const takes = (object: ManifestObject) =>
    analyzer.inputs.some(
      kind =>
        kind === object.kind && ISTIO_ANALYSIS_KINDS[kind] === object.group,
    );
  const objects = parsed.objects.filter(
    object => takes(object) && !SYSTEM_NAMESPACES.has(object.namespace),
  );
  const synthetic = parseManifests([
    { path: '(ingress gateway)', content: SYNTHETIC_INGRESS_GATEWAY },
  ]);
  objects.push(...synthetic.objects.filter(takes));
  return new ManifestSet(objects, []);
}

function meshConfigOf(entry: CorpusEntry): Record<string, unknown> {
  return entry.meshConfigFile
    ? parse(readCorpusFile(entry.meshConfigFile)) ?? {}
    : {};
}

/** `code Kind namespace/name`, sorted, as a comparable multiset. */
function multiset(items: Array<{ code: string; resource: string }>): string[] {
  return items.map(item => `${item.code} ${item.resource}`).sort();
}

const claimedByName = new Map(CLAIMED_ISTIO_ANALYZERS.map(a => [a.name, a]));
const claimedEntries = corpus.filter(
  entry =>
    claimedByName.has(entry.analyzer) &&
    !(entry.name in UNCLAIMED_CONFORMANCE_ENTRIES),
);
const passed = new Set<string>();

describe("conformance with Istio's analyzer tests", () => {
  afterAll(() => {
    // The score, printed for the README and for CI logs.
    // eslint-disable-next-line no-console
    console.log(
      `Istio analyzer conformance: ${passed.size} passed / ${claimedEntries.length} claimed / ${corpus.length} total entries ` +
        `(${claimedByName.size} analyzers claimed)`,
    );
  });

  it('claims at least the required analyzers', () => {
    const missing = REQUIRED_CLAIMS.filter(name => !claimedByName.has(name));
    expect(missing).toEqual([]);
  });

  it('claims only analyzers the corpus knows, and unclaims only real entries', () => {
    const inCorpus = new Set(corpus.map(entry => entry.analyzer));
    expect([...claimedByName.keys()].filter(n => !inCorpus.has(n))).toEqual([]);
    const names = new Set(corpus.map(entry => entry.name));
    expect(
      Object.keys(UNCLAIMED_CONFORMANCE_ENTRIES).filter(n => !names.has(n)),
    ).toEqual([]);
  });

  it.each(claimedEntries.map(entry => [entry.name, entry] as const))(
    '%s',
    (_name, entry) => {
      const analyzer = claimedByName.get(entry.analyzer)!;
      const input = buildInput(entry, analyzer);
      const messages = analyzeIstio(input, {
        analyzers: [analyzer.name],
        meshConfig: meshConfigOf(entry),
        workloadsAsPods: false,
      });
      // Upstream sorts and de-duplicates the rendered messages before
      // reducing them to (code, resource).
      const unique = new Map(messages.map(m => [renderIstioMessage(m), m]));
      const actual = multiset(
        [...unique.values()].map(m => ({
          code: m.code,
          resource: friendlyName(m.resource),
        })),
      );
      expect(actual).toEqual(multiset(entry.expected));
      passed.add(entry.name);
    },
  );
});
