/*
 * Hi!
 *
 * Note that this is an EXAMPLE Backstage backend. Please check the README.
 *
 * Happy hacking!
 */

import { createBackend } from '@backstage/backend-defaults';
import { meshReadinessModuleSampleClusterEvidence } from './modules/sampleClusterEvidence';
import { authModuleSampleUserProvider } from './modules/sampleUserAuth';
import { permissionModuleSamplePortalPolicy } from './modules/samplePortalPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// The templates' fix step: places a policy fragment in the entity's
// repository and shows the pull request as a diff (dry runs included).
backend.add(
  import('@mesh-readiness/plugin-scaffolder-backend-module-mesh-readiness'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider
// Development only: sign in as one of the sample organisation's users
// (README, "Security"), so that both sides of the product can be tried.
backend.add(authModuleSampleUserProvider);

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// The sample portal's policy: everyone signed in reads, owners attest and
// request waivers on their own services, the platform group administers,
// mesh-readiness permissions not covered are denied (README, "Security").
backend.add(permissionModuleSamplePortalPolicy);

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// kubernetes plugin
backend.add(import('@backstage/plugin-kubernetes-backend'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// mesh readiness plugin
backend.add(import('@mesh-readiness/plugin-mesh-readiness-backend'));
// Traffic evidence from Prometheus (meshReadiness.evidence.prometheus); the
// sample configures no Prometheus, so the module adds nothing here and the
// sample's metrics come through the push path instead.
backend.add(
  import('@mesh-readiness/plugin-mesh-readiness-backend-module-prometheus'),
);
// Cluster evidence pulled from the clusters of kubernetes.clusterLocatorMethods;
// the sample configures none, so the module adds nothing here and the
// sample's recorded cluster state comes through the push path instead.
backend.add(
  import('@mesh-readiness/plugin-mesh-readiness-backend-module-kubernetes'),
);
// Sample portal only: pushes the recorded cluster state of examples/clusters
// (meshReadinessSample.clusterDumps) through the push endpoint, by the code
// a collector in a cluster runs (README, "Cluster evidence").
backend.add(meshReadinessModuleSampleClusterEvidence);

backend.start();
