import {
  coreServices,
  createBackendPlugin,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import type { Config } from '@backstage/config';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { meshReadinessPermissions } from '@mesh-readiness/plugin-mesh-readiness-common';
import {
  meshReadinessEvidenceExtensionPoint,
  type ClusterEvidenceSource,
  type EvidenceProvider,
  type TrafficEvidenceSource,
} from '@mesh-readiness/plugin-mesh-readiness-node';
import { registerMeshReadinessActions } from './actions/registerActions';
import { DatabaseStore } from './database/DatabaseStore';
import { TrafficCoverageStore } from './database/TrafficCoverageStore';
import { WaveCampaignStore } from './database/WaveCampaignStore';
import { MeshReadinessNotifier } from './notifications/MeshReadinessNotifier';
import { readNotificationSettings } from './notifications/NotificationSettings';
import { CallerPhasesProvider } from './evidence/CallerPhasesProvider';
import { CatalogEntityProvider } from './evidence/CatalogEntityProvider';
import { CatalogSnapshot } from './evidence/CatalogSnapshot';
import { readClusterEvidenceSettings } from './evidence/ClusterEvidenceConfig';
import { ClusterEvidenceProvider } from './evidence/ClusterEvidenceProvider';
import { ClusterObservationTimes } from './evidence/ClusterObservationTimes';
import { PushedEvidenceStore } from './evidence/PushedEvidenceStore';
import { reevaluateAfterPush } from './evidence/PushedEvidenceReevaluation';
import { MetricsEvidenceProvider } from './evidence/MetricsEvidenceProvider';
import { readMetricsEvidenceSettings } from './evidence/MetricsEvidenceProviderConfig';
import { clusterWorkloadsOf } from './evidence/MetricsEvidenceProviderWorkloads';
import {
  readManifestLimits,
  RepositoryManifestsProvider,
} from './evidence/RepositoryManifestsProvider';
import {
  meshReadinessEntityResourceRef,
  meshReadinessEntityRules,
} from './permissions/rules';
import { ProgramRegistry } from './programs/ProgramRegistry';
import { EvaluationService } from './service/EvaluationService';
import { readWorkerPool } from './service/EvaluationWorkerPool';
import { readRateLimits } from './service/RateLimiter';
import { normaliseRef } from './service/OrgModel';
import { CampaignQueries } from './service/CampaignQueries';
import { ReadinessQueries } from './service/ReadinessQueries';
import { ReadinessWorkflows } from './service/ReadinessWorkflows';
import { readAttestorRoleGroups } from './service/AttestorRoles';
import { AUDITED_WRITE_PATHS, createRouter } from './service/router';
import { PlaybookLibrary } from './playbooks/PlaybookLibrary';
import { loadSeed } from './service/SeedLoader';
import { TrafficCoverageRecorder } from './service/TrafficCoverageRecorder';
import { ScorecardSignals } from './signals/ScorecardSignals';

const DAY_MS = 24 * 60 * 60 * 1000;
const EVALUATION_TASK_ID = 'mesh-readiness-evaluate';

function schedule(
  config: Config | undefined,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  return config
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(config)
    : fallback;
}

/**
 * The Mesh Readiness backend plugin (id `mesh-readiness`).
 *
 * @public
 */
export const meshReadinessPlugin = createBackendPlugin({
  pluginId: 'mesh-readiness',
  register(env) {
    const addedProviders: EvidenceProvider[] = [];
    const addedClusterSources: ClusterEvidenceSource[] = [];
    const addedTrafficSources: TrafficEvidenceSource[] = [];
    env.registerExtensionPoint(meshReadinessEvidenceExtensionPoint, {
      addEvidenceProvider(...providers) {
        addedProviders.push(...providers);
      },
      addClusterEvidenceSource(...sources) {
        addedClusterSources.push(...sources);
      },
      addTrafficEvidenceSource(...sources) {
        addedTrafficSources.push(...sources);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        userInfo: coreServices.userInfo,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        urlReader,
        httpRouter,
        httpAuth,
        auth,
        userInfo,
        permissions,
        permissionsRegistry,
        auditor,
        lifecycle,
        catalog,
        actionsRegistry,
        notifications,
        signals,
      }) {
        const root = config.getOptionalConfig('meshReadiness');
        const notificationSettings = readNotificationSettings(root);
        const evaluationEnabled =
          root?.getOptionalBoolean('evaluation.enabled') !== false;
        const store = await DatabaseStore.create({ database });
        // The coverage table is migrated with the others, by DatabaseStore.
        const trafficCoverage = new TrafficCoverageStore(
          await database.getClient(),
        );
        const coverageRecorder = new TrafficCoverageRecorder({
          store: trafficCoverage,
          logger,
        });

        const programs = ProgramRegistry.fromConfig({
          config,
          urlReader,
          logger,
        });
        await programs.reload();

        const snapshot = new CatalogSnapshot(catalog, auth, store);
        // Cluster evidence: one provider over the modules' clusters and the
        // bundles collectors pushed (DESIGN §5a).
        const clusterSettings = readClusterEvidenceSettings(root);
        const evidenceBundles = new PushedEvidenceStore(store);
        const clusterEvidence = ClusterEvidenceProvider.isConnected(
          addedClusterSources,
          clusterSettings,
        )
          ? new ClusterEvidenceProvider({
              sources: addedClusterSources,
              bundles: evidenceBundles,
              store,
              settings: clusterSettings,
              logger,
            })
          : undefined;
        // Traffic evidence: one provider over the modules' Prometheus
        // endpoints and the traffic of the pushed bundles, connected when a
        // module added one or collectors may push (DESIGN §5a).
        const metricsEvidence =
          addedTrafficSources.length > 0 || clusterSettings.push.enabled
            ? new MetricsEvidenceProvider({
                sources: addedTrafficSources,
                pushed: evidenceBundles,
                catalog,
                auth,
                phases: snapshot,
                // The exact join where cluster evidence found the workloads.
                clusterWorkloads: clusterEvidence
                  ? clusterWorkloadsOf(clusterEvidence)
                  : undefined,
                settings: readMetricsEvidenceSettings(root),
                logger,
              })
            : undefined;
        const providers: EvidenceProvider[] = [
          new CatalogEntityProvider(snapshot),
          // The callers' phases: from this run where it evaluated them,
          // else the stored ones (the snapshot's).
          new CallerPhasesProvider(snapshot),
          new RepositoryManifestsProvider(
            urlReader,
            readManifestLimits(config),
            logger,
          ),
          ...(clusterEvidence ? [clusterEvidence] : []),
          ...(metricsEvidence ? [metricsEvidence] : []),
          ...addedProviders,
        ].map(provider => coverageRecorder.observe(provider));
        const statelessPool = readWorkerPool(root);
        if (statelessPool) {
          lifecycle.addShutdownHook(() => statelessPool.close());
        }
        const evaluation = new EvaluationService({
          store,
          programs,
          providers,
          catalog,
          auth,
          logger,
          pageSize: root?.getOptionalNumber('evaluation.pageSize'),
          concurrency: root?.getOptionalNumber('evaluation.concurrency'),
          maxAgeMs:
            (root?.getOptionalNumber('evaluation.maxAgeHours') ?? 24) *
            60 *
            60 *
            1000,
          // Each run reads the groups and the stored phases afresh.
          beforePass: () => snapshot.invalidate(),
          statelessPool,
        });
        // Open entity pages read their scorecard again when it is stored.
        evaluation.onScorecardsWritten(
          new ScorecardSignals(signals, logger).publish,
        );
        const queries = new ReadinessQueries(
          store,
          programs,
          snapshot,
          undefined,
          new ClusterObservationTimes(store),
        );
        const approverGroupRaw = root?.getOptionalString(
          'waivers.approverGroup',
        );
        const approverGroup = approverGroupRaw
          ? normaliseRef(approverGroupRaw, 'group')
          : undefined;
        // Regressions and the rest, each kind once across replicas (a
        // ledger table) and only when switched on.
        const notifier = new MeshReadinessNotifier({
          settings: notificationSettings,
          notifications,
          db: await database.getClient(),
          store,
          programs: () => programs.programs(),
          groups: () => snapshot.allGroups(),
          approverGroup,
          logger,
        });
        evaluation.onScorecardsWritten(notifier.onScorecardsWritten);
        const workflows = new ReadinessWorkflows(store, programs, evaluation, {
          maxWaiverDays:
            root?.getOptionalNumber('waivers.maxDurationDays') ?? 365,
          approverGroup,
          catalogEntity: async entityRef =>
            catalog.getEntityByRef(entityRef, {
              credentials: await auth.getOwnServiceCredentials(),
            }),
          groupMentors: async groupRef =>
            (await queries.group(groupRef))?.mentors,
          onWaiverEvent: notifier.onWaiverEvent,
          onRefreshError: (entityRef, error) =>
            logger.warn(
              `Mesh Readiness: re-evaluation of ${entityRef} failed: ${error.message}`,
            ),
        });
        lifecycle.addShutdownHook(() => workflows.shutdown());

        permissionsRegistry.addResourceType({
          resourceRef: meshReadinessEntityResourceRef,
          permissions: meshReadinessPermissions.filter(
            p => p.type === 'resource',
          ),
          rules: Object.values(meshReadinessEntityRules),
          getResources: async refs => {
            const { items } = await catalog.getEntitiesByRefs(
              { entityRefs: refs },
              { credentials: await auth.getOwnServiceCredentials() },
            );
            return items.map(item => item ?? undefined);
          },
        });
        permissionsRegistry.addPermissions(
          meshReadinessPermissions.filter(p => p.type === 'basic'),
        );

        const seedFile = root?.getOptionalString('seed.file');
        if (seedFile) {
          await loadSeed({ file: seedFile, store, logger });
        }

        // Writes authenticate inside the plugin, after their audit event is
        // created, so that refused writes (401) are audited too; the router
        // requires credentials on every route of these paths itself.
        for (const path of AUDITED_WRITE_PATHS) {
          httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }
        const rateLimits = readRateLimits(root);
        // The actions (MCP tools) answer as the REST routes do, on the same
        // services and the same per-caller limits.
        registerMeshReadinessActions({
          actionsRegistry,
          permissions,
          auditor,
          catalog,
          programs,
          evaluation,
          queries,
          workflows,
          rateLimits,
        });
        httpRouter.use(
          await createRouter({
            config,
            logger,
            httpAuth,
            auth,
            userInfo,
            permissions,
            auditor,
            catalog,
            programs,
            evaluation,
            queries,
            workflows,
            // The shipped playbooks, so that the shipped programs' links
            // work without a TechDocs site.
            playbooks: PlaybookLibrary.fromCommonPackage(),
            rateLimits,
            roleGroups: readAttestorRoleGroups(
              root?.getOptionalConfig('roles'),
            ),
            trafficCoverage,
            campaigns: new CampaignQueries(
              new WaveCampaignStore(await database.getClient()),
              programs,
              () => snapshot.allGroups(),
            ),
            clusterEvidence: {
              bundles: evidenceBundles,
              settings: clusterSettings,
              onPushed: reevaluateAfterPush({
                scheduler,
                logger,
                evaluationTaskId: evaluationEnabled
                  ? EVALUATION_TASK_ID
                  : undefined,
                prepareEvidence: () => evaluation.prepareEvidence(),
              }),
            },
          }),
        );

        await scheduler.scheduleTask({
          id: 'mesh-readiness-program-reload',
          // Every replica holds its own copy of the programs in memory.
          scope: 'local',
          ...schedule(root?.getOptionalConfig('programSchedule'), {
            frequency: { minutes: 5 },
            timeout: { minutes: 2 },
            initialDelay: { minutes: 5 },
          }),
          fn: async () => {
            await programs.reload();
          },
        });

        if (evaluationEnabled) {
          const retentionDays =
            root?.getOptionalNumber('history.retentionDays') ?? 365;
          await scheduler.scheduleTask({
            id: EVALUATION_TASK_ID,
            // One replica runs each interval (the scheduler locks in the database).
            scope: 'global',
            ...schedule(root?.getOptionalConfig('evaluation.schedule'), {
              frequency: { minutes: 30 },
              timeout: { minutes: 20 },
              initialDelay: { seconds: 15 },
            }),
            fn: async abortSignal => {
              coverageRecorder.startRun();
              await evaluation.evaluateAll({ signal: abortSignal });
              await coverageRecorder.finishRun();
              // A bundle pushed while the run was under way: once more.
              if (await clusterEvidence?.pushedSinceLastRun()) {
                await evaluation.evaluateAll({ signal: abortSignal });
              }
              const pruned = await store.pruneHistory(
                new Date(Date.now() - retentionDays * DAY_MS).toISOString(),
              );
              if (pruned > 0) {
                logger.info(
                  `Mesh Readiness: pruned ${pruned} history rows older than ${retentionDays} days`,
                );
              }
            },
          });
        }
        if (notifier.hasScheduledKinds()) {
          await scheduler.scheduleTask({
            id: 'mesh-readiness-notifications',
            // One replica sends each run; the ledger keeps repeats out.
            scope: 'global',
            ...notificationSettings.schedule,
            fn: async () => {
              await notifier.runScheduled();
            },
          });
        }
        if (notifier.retriesFailedSends()) {
          await scheduler.scheduleTask({
            id: 'mesh-readiness-notification-retries',
            scope: 'global',
            ...notificationSettings.retry.schedule,
            fn: async () => {
              await notifier.runRetries();
            },
          });
        }
        logger.info(
          `Mesh Readiness: ${
            programs.programs().length
          } programs in force; evidence sources ${evaluation
            .connectedSources()
            .join(', ')}; waivers approved by ${
            approverGroup ?? 'the permission policy'
          }`,
        );
      },
    });
  },
});
