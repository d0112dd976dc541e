import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Mesh Readiness backend plugin (`@mesh-readiness/plugin-mesh-readiness-backend`). */
  meshReadiness?: {
    /**
     * Program locations: a file path (relative to the backend's working
     * directory, or `file:<path>`) or a URL read through the UrlReader
     * (`https://...` or `url:<url>`). When none is given, the programs shipped
     * with the common package (`istio-adoption`, `linkerd-adoption`) are used.
     * An invalid program is reported by `GET /programs` and the log; the last
     * good version of it stays in force.
     */
    programs?: Array<{
      location: string;
    }>;

    /** How often program locations are re-read. Default: every 5 minutes. */
    programSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;

    evaluation?: {
      /** Run the scheduled evaluation of the catalog. Default: true. */
      enabled?: boolean;
      /**
       * Schedule of the catalog-wide evaluation; runs on one replica per
       * interval. Default: every 30 minutes, 15 seconds after start-up,
       * timeout 20 minutes.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Entities read from the catalog and written per batch. Default: 200. */
      pageSize?: number;
      /** Entities whose evidence is collected concurrently. Default: 8. */
      concurrency?: number;
      /**
       * Re-evaluate an entity whose facts did not change after this many
       * hours anyway. Default: 24.
       */
      maxAgeHours?: number;
    };

    /**
     * Reading an entity's manifests (the `mesh-readiness.io/manifests`
     * annotation). URLs are read through the UrlReader, so
     * `backend.reading.allow` applies; relative paths never leave the
     * entity's source location.
     */
    manifests?: {
      /** Files per entity. Default: 200. */
      maxFiles?: number;
      /** Bytes per file. Default: 1048576 (1 MiB). */
      maxFileBytes?: number;
      /** Bytes of all files of an entity. Default: 8388608 (8 MiB). */
      maxTotalBytes?: number;
      /**
       * Files and folders a glob over local files may look at, matched or
       * not, before it is refused. Default: 10000.
       */
      maxVisitedEntries?: number;
      /** Time to read all manifests of one entity. Default: 30. */
      readTimeoutSeconds?: number;
      /**
       * Folders that local manifests (`file:` locations and `file:` or
       * `dir:` source locations) must lie in, after symbolic links are
       * resolved; relative to the backend's working directory. Only
       * entities the catalog read from a local file may name local files.
       * Default: the Backstage app's own folder (the nearest folder at or
       * above the working directory that holds `backstage.json`). An empty
       * list reads no local file.
       */
      fileRoots?: string[];
    };

    /**
     * Per-caller limits (a caller is the signed-in user, or the calling
     * service) of manual refreshes and stateless evaluations; past them the
     * API answers 429 with `Retry-After`. Token buckets held in each
     * replica's memory: with N replicas a caller may get up to N times the
     * limit.
     */
    rateLimit?: {
      /** Limit at all. Default: true. */
      enabled?: boolean;
      /** `POST /scorecards/{ref}/refresh` per minute. Default: 30. */
      refreshPerMinute?: number;
      /** `POST /evaluate` per minute. Default: 20. */
      evaluatePerMinute?: number;
    };

    /**
     * Worker threads that run `POST /evaluate` off the thread serving HTTP.
     */
    workerPool?: {
      /**
       * Threads at most; 0 runs evaluations on the HTTP thread. Default:
       * min(2, cores - 1), at least 1.
       */
      size?: number;
      /**
       * Requests waiting for a thread at most; past it the API answers 503
       * with `Retry-After`. Default: 16.
       */
      maxQueue?: number;
      /** An evaluation running longer is stopped (503). Default: 30. */
      taskTimeoutSeconds?: number;
    };

    /** Bounds of the REST API's requests. */
    api?: {
      /**
       * Largest JSON body of `POST /evaluate`: bytes, or a size such as
       * `"16mb"` (binary units). Default: 16 MiB, the spec's `x-body-limit`,
       * which fits 5,000 manifests of 8 MiB in all. Past it the API answers
       * 413. Other operations accept 64 KiB.
       */
      evaluateBodyLimit?: number | string;
    };

    /** Live evidence (DESIGN §5a). */
    evidence?: {
      /**
       * Cluster evidence: the clusters the modules pull (e.g.
       * `@mesh-readiness/plugin-mesh-readiness-backend-module-kubernetes`)
       * and the bundles collectors push (`mesh-readiness collect`).
       * Connected when a module adds a cluster source or pushing is enabled.
       */
      cluster?: {
        /**
         * Cluster evidence older than this makes its entities' cluster
         * checks `unknown` (the last good scorecard stays, marked stale): a
         * duration such as `2h`, `3 days`, ISO 8601, or `{ hours: 2 }`.
         * When given it applies to both modes. Default: 1 hour for pulled
         * clusters, 1 day for pushed bundles.
         */
        maxAge?: string | { [unit: string]: number };
        /** `POST /api/mesh-readiness/evidence/clusters/{cluster}`. */
        push?: {
          /**
           * Whether collectors may push bundles (service tokens only, e.g.
           * a `backend.auth.externalAccess` static token). Default: true.
           */
          enabled?: boolean;
          /**
           * Largest bundle, on the wire and after inflating gzip: bytes, or
           * a size such as `20mb`. Default: 20971520 (20 MiB).
           */
          maxBundleBytes?: number | string;
        };
      };
      /**
       * Traffic evidence: the Prometheus endpoints of the modules and the
       * traffic of the bundles collectors push. Connected when a module
       * adds a Prometheus or collectors may push.
       */
      metrics?: {
        /**
         * Traffic evidence older than this makes its checks `unknown` (the
         * last good scorecard stays, marked stale): a duration such as
         * `2h`, `3 days`, ISO 8601, or `{ hours: 2 }`. Default: 1 hour for
         * pulled readings, 1 day for pushed ones.
         */
        maxAge?: string | { [unit: string]: number };
      };
    };

    history?: {
      /** History rows older than this are deleted. Default: 365. */
      retentionDays?: number;
    };

    waivers?: {
      /**
       * Group whose members may approve, reject and revoke waivers, in
       * addition to the permission policy allowing
       * `mesh-readiness.waiver.approve`. When unset, the policy alone
       * decides.
       */
      approverGroup?: string;
      /** Longest allowed waiver, in days. Default: 365. */
      maxDurationDays?: number;
    };

    /**
     * Who holds the attestor roles of checklist items besides `owner` (a
     * member of the group that owns the entity). A role is derived from the
     * caller's sign-in identity (its ownership claims), never taken from
     * the request. A role with no groups is held by no one.
     */
    roles?: {
      security?: {
        /** Group refs, e.g. `group:default/security-team`. */
        groups?: string[];
      };
      platform?: {
        /**
         * Group refs, e.g. `group:default/platform-team`. Members may also
         * revoke attestations made by others.
         */
        groups?: string[];
      };
    };

    /**
     * Notifications through the portal's notifications backend, each kind
     * on by default and sent once per event across replicas.
     */
    notifications?: {
      /** `false` turns every kind off. Default: true. */
      enabled?: boolean;
      /**
       * A required check that passed fails now, or the phase dropped: to
       * the owning group, with the check, its evidence and its playbook.
       */
      regressions?: {
        /** Default: true. */
        enabled?: boolean;
        /** Findings quoted as evidence. Default: 3. */
        maxFindings?: number;
      };
      /**
       * An attestation or an approved waiver that stops counting within
       * `daysBefore` days: to the person who attested or requested it and
       * the owning group. Sent by the scheduled task.
       */
      expiries?: {
        /** Default: true. */
        enabled?: boolean;
        /** Default: 14. */
        daysBefore?: number;
      };
      /**
       * A wave due within one of `daysBefore` while services of a group in
       * it are below the wave's target phase: to that group and its
       * mentors, once per threshold. Sent by the scheduled task.
       */
      waveDeadlines?: {
        /** Default: true. */
        enabled?: boolean;
        /** Days before the due date. Default: [14, 3]. */
        daysBefore?: number[];
      };
      /**
       * A waiver requested: to `meshReadiness.waivers.approverGroup` (not
       * sent when no approver group is set); approved or rejected: to the
       * requester.
       */
      waivers?: {
        /** Default: true. */
        enabled?: boolean;
      };
      /**
       * A weekly digest per mentor: their teams' phases, moves and
       * regressions of the week, and required checks failing for longer
       * than `stuckAfterDays`. Sent by the first scheduled run of each ISO
       * week.
       */
      digest?: {
        /** Default: true. */
        enabled?: boolean;
        /** Default: 14. */
        stuckAfterDays?: number;
      };
      /**
       * A regression or waiver notification whose send fails (the
       * notifications backend down, a network error) is kept in the
       * database and retried by a task of its own, sent once across
       * replicas.
       */
      retry?: {
        /**
         * Attempts in all, the first send included; after the last one the
         * notification is given up and logged as an error. Default: 5.
         */
        maxAttempts?: number;
        /**
         * When the retry task runs (one replica per run). Default: every 10
         * minutes, first 1 minute after start.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
      /**
       * When the task of expiries, wave deadlines and digests runs (one
       * replica per run). Default: every 24 hours, first 5 minutes after
       * start.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };

    seed?: {
      /**
       * YAML file of attestations and waivers loaded at start-up when both
       * tables are empty (demos, the sample organisation). Off when unset.
       */
      file?: string;
    };
  };
}
