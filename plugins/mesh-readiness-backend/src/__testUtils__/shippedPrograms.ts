import { UrlReaders } from '@backstage/backend-defaults/urlReader';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ProgramRegistry } from '../programs/ProgramRegistry';

/**
 * A program registry holding the shipped programs (istio-adoption and
 * linkerd-adoption), loaded as the plugin loads them when its config names
 * no program.
 */
export async function shippedProgramRegistry(): Promise<ProgramRegistry> {
  const registry = ProgramRegistry.fromConfig({
    config: mockServices.rootConfig(),
    urlReader: UrlReaders.default({
      config: new ConfigReader({}),
      logger: mockServices.logger.mock(),
    }),
    logger: mockServices.logger.mock(),
  });
  await registry.reload();
  return registry;
}
