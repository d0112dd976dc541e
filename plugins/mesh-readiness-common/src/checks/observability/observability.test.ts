import { metricsExposed } from './metricsExposed';
import { deploymentYaml, gaps, lineOf, run, yamlDocs } from '../testUtils';

const FILE = 'k8s/app.yaml';

describe('obs.metrics', () => {
  it('passes scrape annotations and ServiceMonitors', () => {
    const annotated = deploymentYaml({
      annotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '9090',
      },
    });
    expect(run(metricsExposed, { [FILE]: annotated }).status).toBe('pass');
    const monitored = yamlDocs(
      deploymentYaml({}),
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: cart\n  labels:\n    app: cart\nspec:\n  selector:\n    app: cart\n  ports:\n    - name: http-metrics\n      port: 9090',
      'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: cart\nspec:\n  selector:\n    matchLabels:\n      app: cart\n  endpoints:\n    - port: http-metrics',
    );
    expect(
      run(metricsExposed, { [FILE]: monitored }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
  });

  it('fails unscraped workloads, and annotations without Istio metrics merging', () => {
    const plain = deploymentYaml({});
    expect(gaps(run(metricsExposed, { [FILE]: plain }))).toEqual([
      {
        level: 'fail',
        kind: 'Deployment',
        name: 'cart',
        file: FILE,
        line: lineOf(plain, 'labels:', 'template:'), // the pod template's metadata
        code: undefined,
      },
    ]);
    const unmerged = deploymentYaml({
      annotations: {
        'prometheus.io/scrape': 'true',
        'prometheus.istio.io/merge-metrics': 'false',
      },
    });
    expect(run(metricsExposed, { [FILE]: unmerged }).status).toBe('fail');
    expect(
      run(metricsExposed, { [FILE]: unmerged }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
  });
});
