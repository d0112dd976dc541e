import type { IstioAnalyzer } from '../analyzer';
import { proxyMetadata } from '../meshConfig';
import { mappings } from '../resources';

/**
 * A ServiceEntry for a TCP port (or a port without a protocol) needs
 * addresses: without them the sidecar cannot tell which external host a
 * connection is for (IST0134). Not needed when the proxies capture DNS and
 * Istio allocates addresses automatically, or when an address was already
 * allocated (status.addresses).
 */
export const serviceEntryAddressesAnalyzer: IstioAnalyzer = {
  name: 'serviceentry.ProtocolAddressesAnalyzer',
  title: 'TCP ServiceEntries declare addresses',
  inputs: ['ServiceEntry'],
  analyze(context) {
    const metadata = proxyMetadata(context.meshConfig);
    const autoAllocated =
      metadata.ISTIO_META_DNS_CAPTURE === 'true' &&
      (metadata.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' ||
        metadata.PILOT_ENABLE_IP_AUTOALLOCATE === 'true');
    if (autoAllocated) return;
    for (const entry of context.ofKind('ServiceEntry')) {
      const spec = entry.body.spec ?? {};
      const declared =
        Array.isArray(spec.addresses) && spec.addresses.length > 0;
      const allocated =
        Array.isArray(entry.body.status?.addresses) &&
        entry.body.status.addresses.length > 0;
      if (declared || allocated) continue;
      for (const [port, index] of mappings(spec.ports)) {
        const protocol = typeof port.protocol === 'string' ? port.protocol : '';
        if (protocol !== '' && protocol.toUpperCase() !== 'TCP') continue;
        context.report(
          'IST0134',
          entry,
          `ServiceEntry port ${port.number ?? '?'} is ${
            protocol ? 'TCP' : 'without a protocol (TCP)'
          } but the entry has no addresses, so the sidecar cannot tell its connections apart; add spec.addresses, declare the real protocol, or enable DNS capture with address auto-allocation.`,
          entry.lineOf(['spec', 'ports', index]),
        );
      }
    }
  },
};
