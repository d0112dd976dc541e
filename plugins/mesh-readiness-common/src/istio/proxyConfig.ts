import { parse } from 'yaml';
import type { Workload } from '../manifests';
import { isPlainObject } from '../manifests';
import { ISTIO_PROXY_CONFIG_ANNOTATION } from './conventions';

/**
 * Parsed annotations by text, bounded in entries and text size so memory
 * stays flat whatever the manifests hold.
 */
const MAX_CACHED_CONFIGS = 1000;
const MAX_CACHED_TEXT = 4096;
const parsedConfigs = new Map<string, Record<string, unknown> | undefined>();

function parseProxyConfig(text: string): Record<string, unknown> | undefined {
  try {
    const value = parse(text, { maxAliasCount: 10 });
    if (value === null) return {};
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pod's `proxy.istio.io/config` annotation (a ProxyConfig in YAML or
 * JSON): `{}` when absent, `undefined` when it does not parse.
 */
export function istioProxyConfig(
  workload: Workload,
): Record<string, unknown> | undefined {
  const text = workload.podAnnotations[ISTIO_PROXY_CONFIG_ANNOTATION];
  if (text === undefined) return {};
  // Several checks read the same annotation; parse each text once.
  if (parsedConfigs.has(text)) return parsedConfigs.get(text);
  const config = parseProxyConfig(text);
  if (text.length <= MAX_CACHED_TEXT) {
    if (parsedConfigs.size >= MAX_CACHED_CONFIGS) parsedConfigs.clear();
    parsedConfigs.set(text, config);
  }
  return config;
}

const UNIT_SECONDS: Record<string, number> = {
  h: 3600,
  m: 60,
  s: 1,
  ms: 0.001,
};

/**
 * A protobuf duration as Istio writes it (`5s`, `1m30s`, `500ms`) in
 * seconds, or undefined when it is not one.
 */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const pattern = /(\d+(?:\.\d+)?)(h|ms|m|s)/g;
  let total = 0;
  let consumed = '';
  for (const match of value.matchAll(pattern)) {
    const amount = Number(match[1]);
    const unit = match[2];
    total += amount * UNIT_SECONDS[unit];
    consumed += match[0];
  }
  return consumed !== '' && consumed === value.trim() ? total : undefined;
}
