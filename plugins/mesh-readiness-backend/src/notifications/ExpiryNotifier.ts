import {
  attestationExpiry,
  attestationInForce,
  waiverInForce,
  type Program,
} from '@mesh-readiness/plugin-mesh-readiness-common';
import type { Store } from '../database/Store';
import { entityCheckLink } from './notificationLinks';
import type { NotificationEvent, OnceOnlySender } from './OnceOnlySender';

/** Topic of expiry notifications. */
export const EXPIRY_TOPIC = 'mesh-readiness:expiry';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Something that stops counting soon, and who is told. */
interface Expiring {
  what: 'attestation' | 'waiver';
  id: string;
  entityRef: string;
  programId: string;
  itemId: string;
  /** The person who attested or requested. */
  person: string;
  expiresAt: number;
}

/**
 * Attestations and approved waivers that stop counting within the
 * threshold (`meshReadiness.notifications.expiries.daysBefore`): the person
 * who attested or requested, and the owning group, are told once per
 * attestation or waiver and threshold (ledger key), from the scheduled
 * task. An attestation superseded by a later one of the same item is left
 * out: the later one counts.
 */
export class ExpiryNotifier {
  constructor(
    private readonly options: {
      sender: OnceOnlySender;
      store: Store;
      programs: () => Program[];
      daysBefore: number;
      clock: () => Date;
    },
  ) {}

  /** Sends what is due; returns how many were sent now. */
  async run(): Promise<number> {
    const now = this.options.clock().getTime();
    const until = now + this.options.daysBefore * DAY_MS;
    const expiring: Expiring[] = [];
    for (const program of this.options.programs()) {
      const programId = program.metadata.name;
      const items = new Map(program.spec.checklist.map(i => [i.id, i]));
      // Newest first: the first of an entity's item is the one that counts.
      const seen = new Set<string>();
      for (const attestation of await this.options.store.listAttestations({
        programId,
      })) {
        const key = `${attestation.entityRef}\u0000${attestation.itemId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const item = items.get(attestation.itemId);
        if (!item || !attestationInForce(attestation, now, item)) continue;
        const expiresAt = attestationExpiry(attestation, item);
        if (expiresAt === undefined || expiresAt > until) continue;
        expiring.push({
          what: 'attestation',
          id: attestation.id,
          entityRef: attestation.entityRef,
          programId,
          itemId: attestation.itemId,
          person: attestation.attestedBy,
          expiresAt,
        });
      }
      for (const waiver of await this.options.store.listWaivers({
        programId,
        states: ['approved'],
      })) {
        const expiresAt = Date.parse(waiver.expiresAt);
        if (!waiverInForce(waiver, now) || expiresAt > until) continue;
        expiring.push({
          what: 'waiver',
          id: waiver.id,
          entityRef: waiver.entityRef,
          programId,
          itemId: waiver.itemId,
          person: waiver.requestedBy,
          expiresAt,
        });
      }
    }
    if (expiring.length === 0) return 0;
    const owners = new Map(
      (
        await this.options.store.getScorecards([
          ...new Set(expiring.map(e => e.entityRef)),
        ])
      ).map(r => [`${r.entityRef}\u0000${r.programId}`, r.owner]),
    );
    let sent = 0;
    for (const item of expiring) {
      const owner = owners.get(`${item.entityRef}\u0000${item.programId}`);
      const outcome = await this.options.sender.send(
        this.eventOf(item, owner, now),
      );
      if (outcome === 'sent') sent += 1;
    }
    return sent;
  }

  private eventOf(
    item: Expiring,
    owner: string | undefined,
    now: number,
  ): NotificationEvent {
    const days = Math.max(0, Math.ceil((item.expiresAt - now) / DAY_MS));
    const when = new Date(item.expiresAt).toISOString();
    const name = item.entityRef.slice(item.entityRef.indexOf('/') + 1);
    return {
      kind: 'expiry',
      eventKey: ['expiry', item.what, item.id, this.options.daysBefore].join(
        '|',
      ),
      recipients: {
        type: 'entity',
        entityRef: owner ? [item.person, owner] : item.person,
      },
      payload: {
        title: `The ${item.what} of ${
          item.itemId
        } on ${name} expires in ${days} ${days === 1 ? 'day' : 'days'}`,
        description:
          item.what === 'attestation'
            ? `${item.person} attested ${item.itemId} on ${item.entityRef} (${item.programId}); it stops counting at ${when}. Attest it again to keep the phase.`
            : `The waiver of ${item.itemId} on ${item.entityRef} (${item.programId}), requested by ${item.person}, ends at ${when}. Fix the check or request a new waiver to keep the phase.`,
        link: entityCheckLink(item.entityRef, item.itemId),
        severity: days <= 3 ? 'high' : 'normal',
        topic: EXPIRY_TOPIC,
        scope: `mesh-readiness:expiry:${item.what}:${item.id}`,
      },
    };
  }
}
