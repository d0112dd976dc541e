import Typography from '@material-ui/core/Typography';
import { CodeSnippet } from '@backstage/core-components';
import { MANIFESTS_ANNOTATION } from '@mesh-readiness/plugin-mesh-readiness-common';

const EXAMPLE = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: my-service
  annotations:
    # A path, glob or URL of the Kubernetes / mesh manifests; relative paths
    # are resolved against backstage.io/source-location. Comma-separate several.
    ${MANIFESTS_ANNOTATION}: deploy/k8s/*.yaml
    # Optional: the mesh this service adopts (istio or linkerd).
    mesh-readiness.io/mesh: istio
spec:
  type: service
  lifecycle: production
  owner: group:default/my-team
`;

/** Tells the owner how to opt a service in, with YAML to copy. */
export function ManifestsAnnotationHelp() {
  return (
    <>
      <Typography variant="body2" paragraph>
        Add the <code>{MANIFESTS_ANNOTATION}</code> annotation to this
        component's <code>catalog-info.yaml</code> so that its manifests can be
        checked for mesh readiness:
      </Typography>
      <CodeSnippet text={EXAMPLE} language="yaml" showCopyCodeButton />
    </>
  );
}
