import type { CheckAnalyzer } from '../types';
import { podHostNetwork } from './hostNetwork';
import { podProxyUid } from './proxyUid';
import { podForeignSidecar } from './foreignSidecar';
import { podServiceAccountToken } from './serviceAccountToken';
import { podUdpPorts } from './udpPorts';
import { podProxyPorts } from './proxyPorts';
import { podNetAdmin } from './netAdmin';

/** The pod spec checks (`k8s.pod.*`). */
export const podAnalyzers: CheckAnalyzer[] = [
  podHostNetwork,
  podProxyUid,
  podForeignSidecar,
  podServiceAccountToken,
  podUdpPorts,
  podProxyPorts,
  podNetAdmin,
];
