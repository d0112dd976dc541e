import type { HumanDuration } from '@backstage/types';

export interface Config {
  meshReadiness?: {
    evidence?: {
      /**
       * Traffic evidence from Prometheus: the mesh's own metrics (Istio,
       * Linkerd), queried once per evaluation run with one query per metric
       * per endpoint.
       */
      prometheus?: {
        endpoints?: Array<{
          /**
           * Name of the endpoint, shown in reasons and on scorecards
           * ("traffic evidence from prod-eu: ..."). Unique.
           */
          name: string;
          /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus.istio-system:9090`. */
          url: string;
          /** The cluster this Prometheus watches, when it watches one. */
          cluster?: string;
          /**
           * Extra request headers, e.g. `X-Scope-OrgID` for a multi-tenant
           * store.
           * @visibility secret
           */
          headers?: { [name: string]: string };
          /** Credentials sent as the `Authorization` header: a bearer token, or a username and password. */
          auth?: {
            /** @visibility secret */
            bearerToken?: string;
            username?: string;
            /** @visibility secret */
            password?: string;
          };
          /**
           * Time limit of each query: a duration object (`{ seconds: 30 }`)
           * or a string such as `30s`. 30 seconds by default.
           */
          timeout?: HumanDuration | string;
          /**
           * The window the counts cover, as a PromQL duration (`7d`, `36h`).
           * 7 days by default.
           */
          window?: string;
          /**
           * Label matchers added to every query's selectors, e.g.
           * `cluster="prod-eu"` when one Prometheus holds several clusters.
           */
          matchers?: string;
        }>;
      };
    };
  };
}
