import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { Program } from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Knex } from 'knex';
import type { ScorecardWrite, Store } from '../database/Store';
import type { WaiverEvent } from '../service/ReadinessWorkflows';
import { ExpiryNotifier } from './ExpiryNotifier';
import { MentorDigest } from './MentorDigest';
import {
  NotificationLedger,
  type NotificationKind,
} from './NotificationLedger';
import { NotificationRetrier, type RetryOutcome } from './NotificationRetrier';
import type { NotificationSettings } from './NotificationSettings';
import { OnceOnlySender } from './OnceOnlySender';
import { RegressionNotifier } from './RegressionNotifier';
import { WaiverNotifier } from './WaiverNotifier';
import { WaveDeadlineNotifier } from './WaveDeadlineNotifier';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Ledger rows are kept past the longest span an event key can recur in. */
const LEDGER_RETENTION_DAYS = 400;

/** What each scheduled kind sent in one run. */
export interface ScheduledRunOutcome {
  expiries: number;
  waveDeadlines: number;
  digests: number;
}

/**
 * The notifications of the Mesh Readiness plugin, each kind on or off as
 * configured: what the plugin wires to the evaluation's writes, the
 * waiver workflow and its scheduled tasks.
 */
export class MeshReadinessNotifier {
  private readonly regressions?: RegressionNotifier;
  private readonly waivers?: WaiverNotifier;
  private readonly expiries?: ExpiryNotifier;
  private readonly waveDeadlines?: WaveDeadlineNotifier;
  private readonly digest?: MentorDigest;
  private readonly retrier?: NotificationRetrier;
  private readonly ledger: NotificationLedger;
  private readonly logger: LoggerService;
  private readonly clock: () => Date;

  constructor(options: {
    settings: NotificationSettings;
    notifications: NotificationService;
    db: Knex;
    store: Store;
    programs: () => Program[];
    /** The catalog's groups by ref (the plugin's catalog snapshot). */
    groups: () => Promise<Map<string, Entity>>;
    /** `meshReadiness.waivers.approverGroup`, normalised. */
    approverGroup?: string;
    logger: LoggerService;
    clock?: () => Date;
  }) {
    const { settings, logger, store } = options;
    const clock = options.clock ?? (() => new Date());
    this.clock = clock;
    this.logger = logger;
    this.ledger = new NotificationLedger(options.db, clock);
    const sender = new OnceOnlySender(
      options.notifications,
      this.ledger,
      logger,
      settings.retry.maxAttempts,
    );
    const program = (programId: string) =>
      options.programs().find(p => p.metadata.name === programId);
    if (settings.regressions.enabled) {
      this.regressions = new RegressionNotifier({
        sender,
        program,
        maxFindings: settings.regressions.maxFindings,
        logger,
      });
    }
    if (settings.waivers.enabled) {
      if (!options.approverGroup) {
        logger.info(
          'Mesh Readiness: waiver requests are not notified, as no approver group is configured (meshReadiness.waivers.approverGroup); decisions are',
        );
      }
      this.waivers = new WaiverNotifier({
        sender,
        approverGroup: options.approverGroup,
        logger,
      });
    }
    if (settings.expiries.enabled) {
      this.expiries = new ExpiryNotifier({
        sender,
        store,
        programs: options.programs,
        daysBefore: settings.expiries.daysBefore,
        clock,
      });
    }
    if (settings.waveDeadlines.enabled) {
      this.waveDeadlines = new WaveDeadlineNotifier({
        sender,
        store,
        programs: options.programs,
        groups: options.groups,
        daysBefore: settings.waveDeadlines.daysBefore,
        clock,
      });
    }
    if (settings.digest.enabled) {
      this.digest = new MentorDigest({
        sender,
        store,
        programs: options.programs,
        groups: options.groups,
        stuckAfterDays: settings.digest.stuckAfterDays,
        clock,
      });
    }
    const retriedKinds: NotificationKind[] = [
      ...(this.regressions ? (['regression'] as const) : []),
      ...(this.waivers ? (['waiver'] as const) : []),
    ];
    if (retriedKinds.length > 0) {
      this.retrier = new NotificationRetrier({
        notifications: options.notifications,
        ledger: this.ledger,
        logger,
        kinds: retriedKinds,
        maxAttempts: settings.retry.maxAttempts,
        clock,
      });
    }
  }

  /** The listener of stored scorecards: regressions. */
  readonly onScorecardsWritten = async (
    writes: ScorecardWrite[],
  ): Promise<void> => {
    await this.regressions?.onScorecardsWritten(writes);
  };

  /** The listener of the waiver workflow. */
  readonly onWaiverEvent = async (event: WaiverEvent): Promise<void> => {
    await this.waivers?.onWaiverEvent(event);
  };

  /** Whether a scheduled kind (expiries, deadlines, digest) is on. */
  hasScheduledKinds(): boolean {
    return Boolean(this.expiries || this.waveDeadlines || this.digest);
  }

  /** Whether a kind whose failed sends are retried (regressions, waivers) is on. */
  retriesFailedSends(): boolean {
    return this.retrier !== undefined;
  }

  /**
   * One run of the retry task: the failed sends of regressions and waiver
   * events, sent again. Its own task, more often than the daily one, so a
   * regression sent while the notifications backend was down arrives
   * minutes after it is back, not a day later.
   */
  async runRetries(): Promise<RetryOutcome> {
    const outcome = this.retrier
      ? await this.retrier.run()
      : { sent: 0, pending: 0, gaveUp: 0 };
    // Also here: with only regressions and waivers on, this is the one
    // task that runs.
    await this.pruneLedger();
    return outcome;
  }

  /**
   * One run of the scheduled kinds. A kind that fails is logged and the
   * others still run; unsent events stay unclaimed for the next run.
   */
  async runScheduled(): Promise<ScheduledRunOutcome> {
    const outcome: ScheduledRunOutcome = {
      expiries: 0,
      waveDeadlines: 0,
      digests: 0,
    };
    const kinds: Array<
      [keyof ScheduledRunOutcome, { run(): Promise<number> } | undefined]
    > = [
      ['expiries', this.expiries],
      ['waveDeadlines', this.waveDeadlines],
      ['digests', this.digest],
    ];
    for (const [name, kind] of kinds) {
      if (!kind) continue;
      try {
        outcome[name] = await kind.run();
      } catch (error) {
        this.logger.warn(
          `Mesh Readiness: the ${name} notifications failed: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
    }
    await this.pruneLedger();
    return outcome;
  }

  /**
   * Forgets the ledger rows older than the retention; rows still to retry
   * are kept whatever their age (see `prune`). One indexed delete.
   */
  private async pruneLedger(): Promise<void> {
    await this.ledger.prune(
      new Date(
        this.clock().getTime() - LEDGER_RETENTION_DAYS * DAY_MS,
      ).toISOString(),
    );
  }
}
