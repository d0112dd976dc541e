import type { ManifestObject } from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import { EXPORT_TO_ALL, exportScopes } from '../hosts';
import { fullName, mappings, stringList } from '../resources';

interface Declaration {
  protocol: string;
  entry: ManifestObject;
}

/**
 * Two ServiceEntries visible in the same namespace that give one host and
 * port different protocols: the proxy picks one of them (IST0177).
 */
export const serviceEntryProtocolConflictsAnalyzer: IstioAnalyzer = {
  name: 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
  title: 'ServiceEntries agree on the protocol of each host and port',
  inputs: ['ServiceEntry'],
  analyze(context) {
    // scope \u0000 host \u0000 port -> declarations
    const index = new Map<string, Declaration[]>();
    const keyOf = (scope: string, host: string, port: number) =>
      `${scope}\u0000${host}\u0000${port}`;
    for (const entry of context.ofKind('ServiceEntry')) {
      const spec = entry.body.spec ?? {};
      for (const scope of exportScopes(
        stringList(spec.exportTo),
        entry.namespace,
      )) {
        for (const host of stringList(spec.hosts)) {
          for (const [port] of mappings(spec.ports)) {
            const key = keyOf(scope, host, Number(port.number));
            const list = index.get(key) ?? [];
            list.push({
              protocol: typeof port.protocol === 'string' ? port.protocol : '',
              entry,
            });
            index.set(key, list);
          }
        }
      }
    }
    const reported = new Set<ManifestObject>();
    for (const [key, own] of index) {
      const [scope, host, port] = key.split('\u0000');
      const declarations =
        scope === EXPORT_TO_ALL
          ? own
          : [
              ...own,
              ...(index.get(keyOf(EXPORT_TO_ALL, host, Number(port))) ?? []),
            ];
      const protocols = [
        ...new Set(declarations.map(d => d.protocol.toUpperCase())),
      ].sort();
      if (protocols.length < 2) continue;
      const names = [
        ...new Set(declarations.map(d => fullName(d.entry))),
      ].sort();
      for (const { entry } of declarations) {
        if (reported.has(entry)) continue;
        reported.add(entry);
        context.report(
          'IST0177',
          entry,
          `ServiceEntries ${names.join(
            ', ',
          )} give host "${host}" port ${port} different protocols (${protocols.join(
            ', ',
          )}); use one protocol for a host and port, or narrow exportTo so they do not meet.`,
          entry.lineOf(['metadata', 'name']),
        );
      }
    }
  },
};
