import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type {
  EvidenceBundle,
  TrafficSnapshot,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import { EXIT_OK, InputError } from '../errors';
import { CLI_VERSION } from '../version';
import type { CommandIo } from './io';
import { parseOptions } from './parseOptions';

export const COLLECT_USAGE = `Usage: mesh-readiness collect --cluster NAME [options]

Collects the cluster evidence the portal's checks read (pods and their
proxies, namespaces, workloads, services, Istio, Linkerd and Gateway API
policies and routes) into a versioned evidence bundle, and writes it to a
file or posts it to the portal: push mode, for clusters the portal may not
reach. Run it in the cluster as a CronJob (packages/cli/deploy/).

Options:
      --cluster NAME       the cluster's name as the portal knows it (required)
      --kubeconfig FILE    kubeconfig to use (default: the pod's service account
                           when running in a pod, else KUBECONFIG or ~/.kube/config)
      --context NAME       kubeconfig context (default: its current context)
      --from-dir DIR       read 'kubectl get <kind> -A -o json' outputs from DIR
                           instead of a cluster, one file per kind (pods.json,
                           deployments.apps.json, ...), and recorded Prometheus
                           answers from DIR/prometheus/ when it exists
      --prometheus URL     also query the Prometheus at URL (its base URL) for the
                           traffic evidence (mTLS, callers, golden signals,
                           dry-run denials): one query per metric
      --prometheus-name N  the Prometheus' name in the bundle (default: its host)
      --prometheus-header 'NAME: VALUE'
                           extra header for Prometheus, e.g. 'X-Scope-OrgID: eu';
                           may be repeated
      --window DURATION    traffic window, e.g. 7d, 36h (default 7d)
  -o, --out FILE           write the bundle to FILE (gzip-compressed JSON, .json.gz)
      --post URL           post the bundle to the portal at URL (its backend base
                           URL); the token is read from MESH_READINESS_TOKEN
  -h, --help               show this help

At least one of --out and --post is required.

Tokens are read from the environment, never from options (options show in
the process list): MESH_READINESS_TOKEN for --post, one of the portal's
backend.auth.externalAccess tokens; MESH_READINESS_PROMETHEUS_TOKEN for
--prometheus, when it needs a bearer token.

Exit codes: 0 bundle written / posted, 1 the cluster or the portal failed
(listing failed, portal unreachable or refused the bundle), 2 bad input or
usage.
`;

/** Time limit of the cluster's lists, all kinds together. */
const COLLECTION_TIMEOUT_MS = 5 * 60_000;

/** Exit code when the cluster or the portal failed, not the input. */
export const EXIT_COLLECT_FAILED = 1;

const OPTIONS = {
  cluster: { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  'from-dir': { type: 'string' },
  out: { type: 'string', short: 'o' },
  post: { type: 'string' },
  prometheus: { type: 'string' },
  'prometheus-name': { type: 'string' },
  'prometheus-header': { type: 'string', multiple: true },
  window: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The environment variable holding the bearer token for `--prometheus`. */
export const PROMETHEUS_TOKEN_VARIABLE = 'MESH_READINESS_PROMETHEUS_TOKEN';

/** The environment variable holding the token for `--post`. */
export const TOKEN_VARIABLE = 'MESH_READINESS_TOKEN';

/** Where the collection of one run comes from and goes to. */
interface CollectPlan {
  cluster: string;
  source:
    | { type: 'dump'; dir: string }
    | { type: 'cluster'; kubeconfig?: string; context?: string };
  out?: string;
  post?: { baseUrl: string; token: string };
  /** The Prometheus queried live for the traffic evidence. */
  prometheus?: {
    url: string;
    name: string;
    headers: Record<string, string>;
    token?: string;
  };
  /** PromQL duration of the traffic window. */
  window: string;
}

export async function runCollect(
  args: string[],
  io: CommandIo,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const { values, positionals } = parseOptions('collect', args, OPTIONS);
  if (values.help) {
    io.out(COLLECT_USAGE);
    return EXIT_OK;
  }
  const plan = planOf(values, positionals, io.cwd, env);
  // The Kubernetes client's dependencies use Node APIs that Node now
  // deprecates (url.parse); a warning about them on every CronJob run says
  // nothing the person running the collector can act on.
  process.noDeprecation = true;
  // Loaded on demand: the Kubernetes client is a large part of the bundle
  // that check, validate and explain never need.
  const collect = await import(
    '@mesh-readiness/plugin-mesh-readiness-node/collect'
  );

  let bundle: EvidenceBundle;
  try {
    const snapshot =
      plan.source.type === 'dump'
        ? await collect.readKubectlDump(plan.source.dir, {
            cluster: plan.cluster,
          })
        : await collect.collectFromKubeconfig({
            cluster: plan.cluster,
            kubeconfig: plan.source.kubeconfig,
            context: plan.source.context,
            env,
            // A cluster that stops answering fails the run (exit 1) well
            // before a CronJob's deadline, instead of hanging it.
            signal: AbortSignal.timeout(COLLECTION_TIMEOUT_MS),
          });
    const traffic = await collectTraffic(collect, plan);
    bundle = collect.buildEvidenceBundle({
      cluster: plan.cluster,
      collector: { name: '@mesh-readiness/cli', version: CLI_VERSION },
      snapshot,
      ...(traffic.length > 0 ? { traffic } : {}),
    });
  } catch (error) {
    if (
      error instanceof collect.KubectlDumpError ||
      error instanceof collect.KubeconfigError ||
      error instanceof collect.RecordedPrometheusError
    ) {
      throw new InputError(error.message);
    }
    if (error instanceof collect.PrometheusQueryError) {
      io.err(
        `mesh-readiness: Prometheus ${plan.prometheus?.name}: ${error.message}\n`,
      );
      return EXIT_COLLECT_FAILED;
    }
    if (error instanceof collect.ClusterCollectionError) {
      io.err(`mesh-readiness: ${error.message}\n`);
      return EXIT_COLLECT_FAILED;
    }
    throw error;
  }
  const { snapshot } = bundle;
  if (snapshot) {
    io.out(`${collect.describeSnapshot(snapshot)}\n`);
  }
  for (const traffic of bundle.traffic ?? []) {
    io.out(`${describeTraffic(traffic)}\n`);
  }

  if (plan.out) {
    const bytes = await collect.writeEvidenceBundle(plan.out, bundle);
    io.out(`wrote ${plan.out} (${bytes} bytes)\n`);
  }
  if (plan.post) {
    try {
      const result = await collect.postEvidenceBundle(
        plan.post.baseUrl,
        plan.cluster,
        bundle,
        { token: plan.post.token, signal: AbortSignal.timeout(120_000) },
      );
      io.out(
        `posted to ${result.url} (${result.bytes} bytes): ${result.status}\n`,
      );
    } catch (error) {
      if (error instanceof collect.EvidencePostError) {
        io.err(`mesh-readiness: ${error.message}\n`);
        return EXIT_COLLECT_FAILED;
      }
      throw error;
    }
  }
  return EXIT_OK;
}

type CollectModule =
  typeof import('@mesh-readiness/plugin-mesh-readiness-node/collect');

/**
 * The traffic snapshots of the run: the recorded Prometheus answers of a
 * dump folder (its `prometheus/`), replayed through the same client and
 * snapshot builder, and the live Prometheus of `--prometheus`.
 */
async function collectTraffic(
  collect: CollectModule,
  plan: CollectPlan,
): Promise<TrafficSnapshot[]> {
  const snapshots: TrafficSnapshot[] = [];
  if (plan.source.type === 'dump') {
    snapshots.push(
      ...(await collect.readRecordedTraffic(plan.source.dir, {
        cluster: plan.cluster,
      })),
    );
  }
  if (plan.prometheus) {
    const { url, name, headers, token } = plan.prometheus;
    let client;
    try {
      collect.windowSeconds(plan.window);
      client = new collect.PrometheusClient({
        url,
        headers,
        ...(token ? { auth: { bearerToken: token } } : {}),
      });
    } catch (error) {
      throw new InputError(
        `${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const { snapshot } = await collect.collectTrafficSnapshot(client, {
      source: name,
      cluster: plan.cluster,
      window: plan.window,
      signal: AbortSignal.timeout(300_000),
    });
    snapshots.push(snapshot);
  }
  return snapshots;
}

/** "traffic from prom-eu (window 7d): 42 traffic rows, 5 latency, 1 dry-run". */
function describeTraffic(traffic: TrafficSnapshot): string {
  const days = traffic.windowSeconds / 86_400;
  const window = Number.isInteger(days)
    ? `${days}d`
    : `${traffic.windowSeconds}s`;
  return `traffic from ${traffic.source} (window ${window}): ${
    traffic.traffic.length
  } traffic rows, ${traffic.latency.length} latency rows, ${
    traffic.dryRun.length
  } dry-run rows${traffic.truncated ? ' (truncated)' : ''}`;
}

/** `--prometheus-header 'NAME: VALUE'` values as headers. */
function prometheusHeaders(values: string[] = []): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const name = colon > 0 ? value.slice(0, colon).trim() : '';
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new InputError(
        `--prometheus-header '${value}': expected 'NAME: VALUE'`,
      );
    }
    if (name.toLowerCase() === 'authorization') {
      throw new InputError(
        `--prometheus-header: give the token in ${PROMETHEUS_TOKEN_VARIABLE}, not on the command line`,
      );
    }
    headers[name] = value.slice(colon + 1).trim();
  }
  return headers;
}

/** The Prometheus' default name: its host, never its credentials or path. */
function prometheusNameOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    throw new InputError(`--prometheus ${url}: not a URL`);
  }
}

function planOf(
  values: {
    cluster?: string;
    kubeconfig?: string;
    context?: string;
    'from-dir'?: string;
    out?: string;
    post?: string;
    prometheus?: string;
    'prometheus-name'?: string;
    'prometheus-header'?: string[];
    window?: string;
  },
  positionals: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): CollectPlan {
  if (positionals.length > 0) {
    throw new InputError(
      `unexpected argument '${positionals[0]}'; see 'mesh-readiness collect --help'`,
    );
  }
  if (!values.cluster) {
    throw new InputError(
      "--cluster is required: the cluster's name as the portal knows it",
    );
  }
  if (!values.out && !values.post) {
    throw new InputError(
      'nowhere to deliver the bundle: give --out FILE, --post URL or both',
    );
  }
  if (values['from-dir'] && (values.kubeconfig || values.context)) {
    throw new InputError(
      '--from-dir reads recorded objects: --kubeconfig and --context do not apply',
    );
  }
  let post: CollectPlan['post'];
  if (values.post) {
    const token = env[TOKEN_VARIABLE];
    if (!token) {
      throw new InputError(
        `--post needs a token in the environment variable ${TOKEN_VARIABLE} (one of the portal's backend.auth.externalAccess tokens)`,
      );
    }
    post = { baseUrl: values.post, token };
  }
  let source: CollectPlan['source'];
  if (values['from-dir']) {
    const dir = resolve(cwd, values['from-dir']);
    if (!existsSync(dir)) {
      throw new InputError(`--from-dir ${values['from-dir']}: no such folder`);
    }
    source = { type: 'dump', dir };
  } else {
    source = {
      type: 'cluster',
      kubeconfig: values.kubeconfig && resolve(cwd, values.kubeconfig),
      context: values.context,
    };
  }
  if (
    !values.prometheus &&
    (values['prometheus-name'] || values['prometheus-header'])
  ) {
    throw new InputError(
      '--prometheus-name and --prometheus-header need --prometheus URL',
    );
  }
  const prometheus: CollectPlan['prometheus'] = values.prometheus
    ? {
        url: values.prometheus,
        name: values['prometheus-name'] ?? prometheusNameOf(values.prometheus),
        headers: prometheusHeaders(values['prometheus-header']),
        token: env[PROMETHEUS_TOKEN_VARIABLE] || undefined,
      }
    : undefined;
  return {
    cluster: values.cluster,
    source,
    out: values.out && resolve(cwd, values.out),
    post,
    prometheus,
    window: values.window ?? '7d',
  };
}
