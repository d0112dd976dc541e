import { parse } from 'yaml';
import {
  ManifestObject,
  matchesEqualitySelector,
  stringMap,
} from '../../manifests';
import type { IstioAnalyzer } from '../analyzer';
import { containersOf, IstioAnalysisContext } from '../context';
import {
  INJECTOR_CONFIGMAP,
  injectorConfigMapName,
  injectorValues,
} from '../injectorConfig';
import { PROXY_CONTAINER } from '../inMesh';

const PROXY_IMAGE_ANNOTATION = 'sidecar.istio.io/proxyImage';
const PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';

/**
 * After a control-plane upgrade, pods keep the proxy they were injected
 * with until they restart. Pods of an injected namespace whose proxy image
 * is not the one the namespace's injector would inject today are listed
 * once per namespace (IST0158).
 */
export const proxyImageAnalyzer: IstioAnalyzer = {
  name: 'injection.ImageAnalyzer',
  title: 'Injected proxies run the image the injector currently injects',
  inputs: ['Namespace', 'Pod', 'ConfigMap', 'ProxyConfig'],
  analyze(context) {
    const injectors = context
      .ofKind('ConfigMap')
      .filter(cm => cm.name.startsWith(INJECTOR_CONFIGMAP));
    if (injectors.length === 0) return;

    for (const namespace of context.ofKind('Namespace')) {
      const labels = namespace.labels;
      let configMapName: string | undefined;
      if (labels['istio-injection'] === 'enabled') {
        configMapName = injectorConfigMapName(undefined);
      } else if ('istio.io/rev' in labels) {
        configMapName = injectorConfigMapName(labels['istio.io/rev']);
      }
      if (!configMapName) continue;
      const injector = injectors.find(cm => cm.name === configMapName);
      const expected = injector && expectedProxyImage(injector);
      if (!expected) continue;

      const stale: string[] = [];
      for (const pod of context.ofKind('Pod')) {
        if (pod.namespace !== namespace.name) continue;
        if (PROXY_IMAGE_ANNOTATION in pod.annotations) continue;
        const proxy = containersOf(pod.body.spec ?? {}, true).find(
          c => c.name === PROXY_CONTAINER,
        );
        if (!proxy) continue;
        const imageType = resolveImageType(context, pod);
        const accepted = [expected];
        if (imageType) accepted.push(`${expected}-${imageType}`);
        if (!accepted.includes(proxy.image)) stale.push(pod.name);
      }
      if (stale.length === 0) continue;
      context.report(
        'IST0158',
        namespace,
        `Pods ${stale.join(', ')} in namespace "${
          namespace.name
        }" run a proxy image other than ${expected}, the one the injector (${configMapName}) injects now; restart them (e.g. kubectl rollout restart) to pick up the current proxy.`,
        namespace.lineOf(['metadata', 'name']),
      );
    }
  },
};

/**
 * The image the injector injects: `global.proxy.image` as is when it is a
 * full reference, else `<global.hub>/<global.proxy.image>:<global.tag>`.
 */
function expectedProxyImage(configMap: ManifestObject): string | undefined {
  const global = injectorValues(configMap)?.global;
  const image = global?.proxy?.image;
  if (typeof image !== 'string' || image === '') return undefined;
  if (image.includes('/')) return image;
  return `${global.hub}/${image}:${global.tag}`;
}

/**
 * The proxy image type (e.g. `distroless`) for a pod, from the most
 * specific source that sets it: the pod's proxy.istio.io/config
 * annotation, a ProxyConfig selecting the pod, the namespace's
 * ProxyConfig, the root namespace's ProxyConfig, the mesh default.
 * `default` means no suffix.
 */
function resolveImageType(
  context: IstioAnalysisContext,
  pod: ManifestObject,
): string | undefined {
  let imageType = context.meshConfig.defaultConfig?.image?.imageType;
  const proxyConfigs = context.ofKind('ProxyConfig');
  const typeOf = (config: ManifestObject) =>
    config.body.spec?.image?.imageType as string | undefined;
  const selectorOf = (config: ManifestObject) =>
    stringMap(config.body.spec?.selector?.matchLabels);
  const root = context.meshConfig.rootNamespace;
  for (const config of proxyConfigs) {
    if (
      config.namespace === root &&
      Object.keys(selectorOf(config)).length === 0
    ) {
      imageType = typeOf(config) ?? imageType;
    }
  }
  for (const config of proxyConfigs) {
    if (
      config.namespace === pod.namespace &&
      config.namespace !== root &&
      Object.keys(selectorOf(config)).length === 0
    ) {
      imageType = typeOf(config) ?? imageType;
    }
  }
  for (const config of proxyConfigs) {
    const selector = selectorOf(config);
    if (
      config.namespace === pod.namespace &&
      Object.keys(selector).length > 0 &&
      matchesEqualitySelector(selector, pod.labels)
    ) {
      imageType = typeOf(config) ?? imageType;
    }
  }
  const annotation = pod.annotations[PROXY_CONFIG_ANNOTATION];
  if (annotation) {
    try {
      const config = parse(annotation, { maxAliasCount: 10 });
      imageType = config?.image?.imageType ?? imageType;
    } catch {
      // An unreadable annotation is rejected by the injector itself; the
      // other sources still decide.
    }
  }
  return imageType && imageType !== 'default' ? imageType : undefined;
}
