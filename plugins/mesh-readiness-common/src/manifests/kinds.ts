/**
 * Kinds that are cluster-scoped: they never carry a namespace, and a
 * default namespace is not applied to them.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'IngressClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'APIService',
  'GatewayClass',
]);

/** Workload kinds and where their pod template lives in the object body. */
export const WORKLOAD_POD_TEMPLATE_PATHS: Readonly<
  Record<string, ReadonlyArray<string>>
> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  // A Pod is its own template: metadata and spec at the top level.
  Pod: [],
};

export const ISTIO_NETWORKING_GROUP = 'networking.istio.io';
export const ISTIO_SECURITY_GROUP = 'security.istio.io';
export const LINKERD_POLICY_GROUP = 'policy.linkerd.io';
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
