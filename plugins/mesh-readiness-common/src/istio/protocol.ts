/**
 * Protocol selection for Kubernetes Service ports, the way Istio does it:
 * UDP wins; otherwise `appProtocol`, else the port name, up to its first
 * `-`, names the protocol; a few well-known ports default to TCP.
 */
const PROTOCOLS: Record<string, string> = {
  tcp: 'TCP',
  udp: 'UDP',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  http: 'HTTP',
  http_proxy: 'HTTP_PROXY',
  http2: 'HTTP2',
  https: 'HTTPS',
  tls: 'TLS',
  mongo: 'Mongo',
  redis: 'Redis',
  mysql: 'MySQL',
};

/** SMTP, DNS, MySQL and MongoDB: Istio never sniffs these. */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

export const UNSUPPORTED_PROTOCOL = 'UnsupportedProtocol';

/** Parses a protocol name, ignoring case; unknown names are unsupported. */
export function parseProtocol(name: string): string {
  return PROTOCOLS[name.toLowerCase()] ?? UNSUPPORTED_PROTOCOL;
}

export function servicePortProtocol(port: {
  port?: unknown;
  name?: unknown;
  protocol?: unknown;
  appProtocol?: unknown;
}): string {
  if (port.protocol === 'UDP') return 'UDP';
  // appProtocol, when set, takes precedence over the port name.
  let name = '';
  if (typeof port.appProtocol === 'string') name = port.appProtocol;
  else if (typeof port.name === 'string') name = port.name;
  if (name.toLowerCase().startsWith('grpc-web')) return 'GRPC-Web';
  const dash = name.indexOf('-');
  if (dash >= 0) name = name.slice(0, dash);
  const protocol = parseProtocol(name);
  if (
    protocol === UNSUPPORTED_PROTOCOL &&
    WELL_KNOWN_TCP_PORTS.has(Number(port.port))
  ) {
    return 'TCP';
  }
  return protocol;
}
