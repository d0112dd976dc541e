import type { HumanDuration } from '@backstage/types';

export interface Config {
  meshReadiness?: {
    evidence?: {
      /**
       * Cluster evidence pulled from the clusters of
       * `kubernetes.clusterLocatorMethods` (type `config`), the configuration
       * Backstage's Kubernetes plugin reads.
       */
      kubernetes?: {
        /**
         * Time limit of one cluster's collection (all its lists): a duration
         * object (`{ seconds: 60 }`) or a string such as `60s`. 60 seconds by
         * default. A cluster past it answers `failed` and only its entities'
         * cluster checks become `unknown`.
         */
        timeout?: HumanDuration | string;
        /** Objects per list request (`limit`), 1 to 10,000; 500 by default. */
        pageSize?: number;
        /** Clusters read at the same time, 1 to 64; 4 by default. */
        concurrency?: number;
      };
    };
  };
}
