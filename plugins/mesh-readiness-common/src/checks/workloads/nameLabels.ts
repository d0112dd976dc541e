/**
 * The labels that name an application (k8s.labels, k8s.identity).
 */

export const NAME_LABELS = ['app', 'app.kubernetes.io/name'];
