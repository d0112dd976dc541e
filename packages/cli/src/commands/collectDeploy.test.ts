import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { LISTED_KINDS } from '@mesh-readiness/plugin-mesh-readiness-node';

/*
 * The push-mode manifests in packages/cli/deploy: the ClusterRole grants
 * read access to exactly the kinds the collector lists (so they never
 * drift), and the CronJob runs `collect --post` as that service account
 * with the token from a Secret.
 */
const DEPLOY = resolve(__dirname, '../../deploy');

/** The fields of the manifests this test reads. */
interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  roleRef?: unknown;
  subjects?: unknown;
  spec?: {
    jobTemplate: {
      spec: {
        template: {
          spec: {
            serviceAccountName: string;
            restartPolicy: string;
            containers: Array<{
              command: string[];
              env: Array<{
                name: string;
                valueFrom?: { secretKeyRef?: unknown };
              }>;
            }>;
          };
        };
      };
    };
  };
}

function objectsOf(file: string): KubernetesObject[] {
  return parseAllDocuments(readFileSync(resolve(DEPLOY, file), 'utf8')).map(
    document => {
      expect(document.errors).toEqual([]);
      return document.toJS() as KubernetesObject;
    },
  );
}

function find(objects: KubernetesObject[], kind: string) {
  const found = objects.filter(object => object.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('push-mode manifests', () => {
  const rbac = objectsOf('collector-rbac.yaml');
  const [cronJob] = objectsOf('collector-cronjob.yaml');
  const serviceAccount = find(rbac, 'ServiceAccount');

  it('grants get and list on exactly the kinds the collector lists', () => {
    const role = find(rbac, 'ClusterRole');
    const rules = role.rules ?? [];
    for (const rule of rules) {
      expect(rule.verbs).toEqual(['get', 'list']);
      expect(rule.apiGroups).toHaveLength(1);
    }
    const granted = rules.flatMap(rule =>
      rule.resources.map(resource =>
        rule.apiGroups[0] ? `${resource}.${rule.apiGroups[0]}` : resource,
      ),
    );
    expect(granted.sort()).toEqual(LISTED_KINDS.map(kind => kind.id).sort());
    expect(new Set(granted).size).toBe(granted.length);
  });

  it('binds the role to the collector service account', () => {
    const binding = find(rbac, 'ClusterRoleBinding');
    expect(binding.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: find(rbac, 'ClusterRole').metadata.name,
    });
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: serviceAccount.metadata.name,
        namespace: serviceAccount.metadata.namespace,
      },
    ]);
  });

  it('runs collect --post as that service account, the token from a Secret', () => {
    expect(cronJob.kind).toBe('CronJob');
    expect(cronJob.metadata.namespace).toBe(serviceAccount.metadata.namespace);
    const pod = cronJob.spec!.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe(serviceAccount.metadata.name);
    expect(pod.restartPolicy).toBe('Never');
    const [container] = pod.containers;
    const command = container.command;
    expect(command.slice(command.indexOf('collect'))).toEqual([
      'collect',
      '--cluster',
      '$(CLUSTER_NAME)',
      '--post',
      '$(PORTAL_URL)',
    ]);
    const token = container.env.find(
      variable => variable.name === 'MESH_READINESS_TOKEN',
    );
    expect(token?.valueFrom?.secretKeyRef).toEqual({
      name: 'mesh-readiness-collector',
      key: 'token',
    });
    expect(JSON.stringify(command)).not.toMatch(/token/i);
  });
});
