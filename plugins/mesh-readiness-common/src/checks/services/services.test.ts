import { serviceHeadless } from './headless';
import { serviceMulti } from './overlappingServices';
import { serviceProtocol } from './protocol';
import { serviceServerFirst } from './serverFirst';
import { serviceTargetPort } from './targetPort';
import { deploymentYaml, gaps, lineOf, run, yamlDocs } from '../testUtils';

const FILE = 'k8s/app.yaml';

function serviceYaml(
  name: string,
  ports: string,
  extra = '',
  annotations = '',
): string {
  return [
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    annotations ? `  annotations:\n${annotations.replace(/^/gm, '    ')}` : '',
    'spec:',
    extra ? extra.replace(/^/gm, '  ') : '',
    '  selector:',
    '    app: cart',
    '  ports:',
    ports.replace(/^/gm, '    '),
  ]
    .filter(l => l !== '')
    .join('\n');
}

const cart = deploymentYaml({
  container:
    'ports:\n  - containerPort: 8080\n    name: web\n  - containerPort: 6379',
});

describe('k8s.svc.protocol', () => {
  it("reports IST0118 through Istio's port-name analyzer at the port line", () => {
    const yaml = yamlDocs(
      cart,
      serviceYaml(
        'cart',
        '- port: 80\n  targetPort: 8080\n- name: http-web\n  port: 8080',
      ),
    );
    const outcome = run(serviceProtocol, { [FILE]: yaml });
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'Service',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, '- port: 80'),
        code: 'IST0118',
      },
    ]);
  });

  it('accepts appProtocol and the well-known TCP ports', () => {
    const yaml = yamlDocs(
      serviceYaml('cart', '- port: 80\n  appProtocol: http\n- port: 3306'),
    );
    expect(run(serviceProtocol, { [FILE]: yaml }).status).toBe('pass');
  });

  it('only warns for Linkerd, which detects protocols', () => {
    const yaml = serviceYaml('cart', '- port: 80');
    const outcome = run(serviceProtocol, { [FILE]: yaml }, { mesh: 'linkerd' });
    expect(outcome.status).toBe('warn');
    expect(gaps(outcome)[0]).toMatchObject({
      line: lineOf(yaml, '- port: 80'),
      code: undefined,
    });
  });
});

describe('k8s.svc.server-first', () => {
  it('fails an unnamed Redis port for Istio and passes it for Linkerd (default opaque port)', () => {
    const yaml = yamlDocs(cart, serviceYaml('cache', '- port: 6379'));
    const istio = run(serviceServerFirst, { [FILE]: yaml });
    expect(istio.status).toBe('fail');
    expect(gaps(istio)).toEqual([
      {
        level: 'fail',
        kind: 'Service',
        name: 'cache',
        file: FILE,
        line: lineOf(yaml, '- port: 6379'),
        code: undefined,
      },
    ]);
    expect(
      run(serviceServerFirst, { [FILE]: yaml }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
  });

  it('passes MySQL on 3306 for Istio (TCP by default) and tcp-named ports', () => {
    const yaml = serviceYaml(
      'db',
      '- port: 3306\n- name: tcp-pg\n  port: 5432',
    );
    const outcome = run(serviceServerFirst, { [FILE]: yaml });
    expect(outcome.status).toBe('pass');
    expect(outcome.findings[0].message).toContain(
      'treats port 3306 as TCP by default',
    );
  });

  it('needs opaque-ports for NATS and MongoDB on Linkerd', () => {
    const yaml = serviceYaml(
      'bus',
      '- name: nats\n  port: 4222\n- port: 27017',
    );
    const outcome = run(
      serviceServerFirst,
      { [FILE]: yaml },
      { mesh: 'linkerd' },
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('2 of 2 server-first ports undeclared');
    const declared = serviceYaml(
      'bus',
      '- name: nats\n  port: 4222\n- port: 27017',
      '',
      'config.linkerd.io/opaque-ports: "4222,27000-28000"',
    );
    expect(
      run(serviceServerFirst, { [FILE]: declared }, { mesh: 'linkerd' }).status,
    ).toBe('pass');
  });

  it('is not applicable without server-first ports', () => {
    expect(
      run(serviceServerFirst, {
        [FILE]: serviceYaml('web', '- name: http\n  port: 80'),
      }).status,
    ).toBe('not-applicable');
  });
});

describe('k8s.svc.multi', () => {
  it('reports IST0116 when two Services give one port different protocols, even before onboarding', () => {
    const yaml = yamlDocs(
      cart,
      serviceYaml('cart-a', '- name: http\n  port: 8080\n  protocol: TCP'),
      serviceYaml('cart-b', '- name: http\n  port: 8080\n  protocol: UDP'),
    );
    const outcome = run(serviceMulti, { [FILE]: yaml });
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'Deployment',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, 'name: cart'),
        code: 'IST0116',
      },
    ]);
    const linkerd = run(serviceMulti, { [FILE]: yaml }, { mesh: 'linkerd' });
    expect(gaps(linkerd).map(g => g.code)).toEqual([undefined]);
  });

  it('passes consistent Services and is not applicable with a single Service', () => {
    const yaml = yamlDocs(
      cart,
      serviceYaml('cart-a', '- name: http\n  port: 8080'),
      serviceYaml('cart-b', '- name: http\n  port: 8080'),
    );
    expect(run(serviceMulti, { [FILE]: yaml }).status).toBe('pass');
    expect(
      run(serviceMulti, {
        [FILE]: yamlDocs(cart, serviceYaml('cart', '- port: 80')),
      }).status,
    ).toBe('not-applicable');
  });
});

describe('k8s.svc.target', () => {
  it('fails a targetPort the pods do not declare, at the targetPort line', () => {
    const yaml = yamlDocs(
      cart,
      serviceYaml(
        'cart',
        '- name: http\n  port: 80\n  targetPort: 9090\n- name: http-web\n  port: 81\n  targetPort: web',
      ),
    );
    const outcome = run(serviceTargetPort, { [FILE]: yaml });
    expect(outcome.status).toBe('fail');
    expect(gaps(outcome)).toEqual([
      {
        level: 'fail',
        kind: 'Service',
        name: 'cart',
        file: FILE,
        line: lineOf(yaml, 'targetPort: 9090'),
        code: undefined,
      },
    ]);
  });

  it('warns when the selector matches nothing in the manifests', () => {
    expect(
      run(serviceTargetPort, { [FILE]: serviceYaml('cart', '- port: 80') })
        .status,
    ).toBe('warn');
  });
});

describe('k8s.svc.headless', () => {
  it('warns on clusterIP: None', () => {
    const yaml = serviceYaml(
      'cart',
      '- name: http\n  port: 80',
      'clusterIP: None',
    );
    const outcome = run(serviceHeadless, { [FILE]: yaml });
    expect(outcome.status).toBe('warn');
    expect(gaps(outcome)[0].line).toBe(lineOf(yaml, 'clusterIP'));
    expect(
      run(serviceHeadless, { [FILE]: serviceYaml('cart', '- port: 80') })
        .status,
    ).toBe('pass');
  });
});
