/** Check `sec.mtls.callers`: "Every caller is meshed". */
import { EVERY_DATA_PLANE } from '../../dataplane';
import { defineAnalyzer } from '../support/defineAnalyzer';
import {
  compareText,
  count,
  outcomeFrom,
  outcomeOf,
  plainFinding,
  unknownOutcome,
} from '../support/findings';
import { refToResource } from './callerRefs';

/**
 * sec.mtls.callers: every caller of the service (catalog dependents,
 * resolved by the caller of the engine into `facts.catalog.callers`) is
 * itself meshed, so switching to STRICT breaks nobody.
 */
export const mtlsCallers = defineAnalyzer({
  id: 'sec.mtls.callers',
  title: 'Every caller is meshed',
  evidence: ['catalog'],
  mesh: ['istio', 'linkerd'],
  dataPlanes: EVERY_DATA_PLANE,
  analyze({ facts }) {
    const callers = facts.catalog?.callers;
    if (!callers)
      return unknownOutcome(
        'the callers of the entity were not resolved from the catalog',
      );
    if (callers.length === 0) {
      return outcomeOf('pass', 'no known callers', [
        plainFinding('pass', 'the catalog lists no callers of this service'),
      ]);
    }
    const findings = [...callers]
      .sort((a, b) => compareText(a.entityRef, b.entityRef))
      .map(caller =>
        caller.meshed
          ? plainFinding(
              'pass',
              `caller ${caller.entityRef} is meshed (phase ${caller.phase})`,
              { resource: refToResource(caller.entityRef) },
            )
          : plainFinding(
              'fail',
              `caller ${caller.entityRef} is not meshed (phase ${caller.phase}); STRICT mTLS would reject its requests`,
              {
                resource: refToResource(caller.entityRef),
                remediation: 'onboard the caller first',
              },
            ),
      );
    return outcomeFrom(findings, {
      pass: `all ${count(callers.length, 'caller')} meshed`,
      fail: n => `${n} of ${callers.length} callers not meshed`,
    });
  },
});
