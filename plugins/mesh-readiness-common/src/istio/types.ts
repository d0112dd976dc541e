import type { ManifestObject } from '../manifests';

/** Severity levels of Istio's message catalogue. */
export type IstioMessageLevel = 'Error' | 'Warning' | 'Info';

/**
 * One finding of an Istio analyzer, in Istio's vocabulary: the message code
 * (`IST0118`), its level, the resource it is about, and where to look.
 */
export interface IstioMessage {
  /** Istio message code, e.g. `IST0118`. */
  code: string;
  /** Istio message name, e.g. `PortNameIsNotUnderNamingConvention`. */
  name: string;
  level: IstioMessageLevel;
  /** Upstream analyzer (table name, e.g. `service.PortNameAnalyzer`) that produced it. */
  analyzer: string;
  resource: ManifestObject;
  /** Our wording, parameters filled in, ending with what to do about it. */
  message: string;
  /** Manifest file of the resource. */
  file: string;
  /** 1-based line of the offending field (or of the resource when no field applies). */
  line: number;
}

/**
 * Istio MeshConfig as plain data. Only the fields the analyzers read are
 * typed; everything else of a mesh config file is kept as given.
 */
export interface MeshConfig {
  rootNamespace: string;
  ingressControllerMode: string;
  defaultConfig: {
    proxyMetadata: Record<string, string>;
    image?: { imageType?: string };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A partial mesh config, laid over the defaults. */
export type MeshConfigOverrides = Record<string, unknown>;
