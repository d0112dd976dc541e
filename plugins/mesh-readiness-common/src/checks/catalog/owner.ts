/** Check `cat.owner`: "Entity is owned by a Group". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import type { Finding } from '../../types';
import { defineAnalyzer } from '../support/defineAnalyzer';
import { outcomeFrom, outcomeOf, plainFinding } from '../support/findings';

/**
 * cat.owner: the entity has an owner that resolves to a Group. The caller
 * resolves the owner in the catalog (`facts.catalog.ownerIsGroup`); without
 * that fact the reference itself is read: `group:` refs and bare names
 * (which Backstage resolves with the default kind Group) count as groups.
 */
export const catalogOwner = defineAnalyzer({
  id: 'cat.owner',
  title: 'Entity is owned by a Group',
  evidence: ['catalog'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  analyze({ entity, facts }) {
    const owner = entity.spec?.owner;
    const remediation = 'set `spec.owner` to the owning Group';
    if (typeof owner !== 'string' || owner.trim() === '') {
      return outcomeOf('fail', 'no owner', [
        plainFinding('fail', 'the entity has no `spec.owner`', { remediation }),
      ]);
    }
    const resolved = facts.catalog?.ownerIsGroup;
    const kind = owner.includes(':')
      ? owner.split(':')[0].toLowerCase()
      : 'group';
    const isGroup = resolved ?? kind === 'group';
    const how =
      resolved === undefined
        ? 'judged from the reference'
        : 'resolved in the catalog';
    const finding: Finding = isGroup
      ? plainFinding('pass', `owner ${owner} is a Group (${how})`)
      : plainFinding(
          'fail',
          resolved === false
            ? `owner ${owner} does not resolve to a Group in the catalog`
            : `owner ${owner} is a ${kind}, not a Group`,
          { remediation },
        );
    return outcomeFrom([finding], {
      pass: `owned by ${owner}`,
      fail: () => `owner ${owner} is not a Group`,
    });
  },
});
