/**
 * What the cluster does where the manifests say nothing: Linkerd's default
 * inbound policy and the Istio mesh-wide PeerAuthentication mode, as program
 * parameters (sec.mtls.strict, sec.authz.deny).
 */
import type { AnalyzerParameter } from '../types';
import { param } from '../support/defineAnalyzer';
import { DEFAULT_INBOUND_POLICY_PARAMETER } from '../../linkerd/policy';

export function clusterDefaultPolicy(params: Record<string, unknown>): string {
  return param(
    params,
    DEFAULT_INBOUND_POLICY_PARAMETER,
    'defaultInboundPolicy',
  );
}

export const MESH_WIDE_MODE: AnalyzerParameter & { default: string } = {
  type: 'string',
  default: 'PERMISSIVE',
  values: ['STRICT', 'PERMISSIVE', 'DISABLE'],
  description:
    'mode of the mesh-wide PeerAuthentication in istio-system when it is not among the manifests',
};
