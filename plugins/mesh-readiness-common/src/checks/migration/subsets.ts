/** Check `migrate.subsets`: "Versions are Services, not DestinationRule subsets". */
import { ISTIO_NETWORKING_GROUP } from '../../manifests';
import { blockerAnalyzer } from './blockerAnalyzer';

/** migrate.subsets: version subsets become one Service per version. */
export const migrateSubsets = blockerAnalyzer({
  id: 'migrate.subsets',
  title: 'Versions are Services, not DestinationRule subsets',
  upstream: ['istio ambient migration: subsets to per-version Services'],
  blockers: manifests =>
    manifests
      .ofKind('DestinationRule', ISTIO_NETWORKING_GROUP)
      .filter(
        rule =>
          Array.isArray(rule.body.spec?.subsets) &&
          rule.body.spec.subsets.length > 0,
      )
      .map(rule => ({
        object: rule,
        message: `DestinationRule ${rule.name} defines subsets; HTTPRoute backends are Services, so each version needs its own Service`,
        field: ['spec', 'subsets'],
      })),
  remediation:
    'create one Service per version (selector app + version) and split traffic with HTTPRoute backendRefs weights',
  passSummary: 'no DestinationRule subsets',
  failNoun: 'DestinationRule with subsets',
});
