/**
 * The commands' services of one release: the integration clients (built from configuration,
 * src/integrations/index.ts) and the process's StateBox service, each built on first use.
 */
import { integrationFactories } from '../integrations/index.ts';
import { LazyServices, type ServicesDeps } from './services.ts';

export function createServices(deps: ServicesDeps): LazyServices {
  const { statebox } = deps;
  return new LazyServices({ ...integrationFactories(deps), ...(statebox ? { statebox: () => statebox } : {}) });
}
