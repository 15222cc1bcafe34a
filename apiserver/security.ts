/**
 * Authentication and authorization assembled from the flags. Standalone (no garden cluster): the
 * generated CA, `--client-ca-file`, `--token-auth-file` and `--authorization-policy-file`. Aggregated
 * (a garden cluster through `--authentication-kubeconfig` / `--authorization-kubeconfig` or in-cluster
 * config): front-proxy request headers, TokenReview and SubjectAccessReview as well.
 */
import { buildAuthentication, type AuthenticationOptions, type AuthenticationStack } from './authn/delegating.js';
import type { GraphLookups } from './authz/seed.js';
import type { ProjectSource } from './authz/projects.js';
import { buildAuthorization, type AuthorizationOptions, type AuthorizationStack } from './authz/delegating.js';
import type { Logger } from './log.js';
import type { ServerOptions } from './options.js';

/** The assembled security stacks. */
export interface Security {
  authn: AuthenticationStack;
  authz: AuthorizationStack;
  stop(): void;
}

/** True when the server delegates to a garden cluster (flags or in-cluster configuration). */
export function isAggregated(options: ServerOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return options.authenticationKubeconfig !== undefined || options.authorizationKubeconfig !== undefined || env.KUBERNETES_SERVICE_HOST !== undefined;
}

/** Drops undefined values, so optional flags map onto optional properties. */
function defined<T extends object>(o: { [K in keyof T]?: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Builds both stacks; `graph` feeds the SeedAuthorizer and the shoot authorizer, `projects` the standalone project roles. */
export async function buildSecurity(options: ServerOptions, generatedCA: string, graph: GraphLookups, projects: ProjectSource, log: Logger): Promise<Security> {
  const aggregated = isAggregated(options);
  const env = aggregated ? process.env : {};
  const authn = await buildAuthentication(
    defined<AuthenticationOptions>({
      standaloneClientCA: aggregated ? undefined : generatedCA,
      clientCAFile: options.clientCAFile,
      requestHeaderClientCAFile: options.requestheaderClientCAFile,
      requestHeaderAllowedNames: options.requestheaderAllowedNames,
      requestHeaderUsernameHeaders: options.requestheaderUsernameHeaders,
      requestHeaderGroupHeaders: options.requestheaderGroupHeaders,
      requestHeaderExtraHeadersPrefix: options.requestheaderExtraHeadersPrefix,
      requestHeaderUIDHeaders: options.requestheaderUIDHeaders,
      authenticationKubeconfig: options.authenticationKubeconfig,
      authenticationSkipLookup: options.authenticationSkipLookup || !aggregated,
      authenticationTolerateLookupFailure: options.authenticationTolerateLookupFailure,
      tokenAuthFile: options.tokenAuthFile,
      tokenWebhookCacheTTLms: options.authenticationTokenWebhookCacheTTL,
      env,
    }),
    log,
  );
  const authz = buildAuthorization(
    defined<AuthorizationOptions>({
      alwaysAllowPaths: options.authorizationAlwaysAllowPaths,
      policyFile: options.authorizationPolicyFile,
      policyFileReloadMs: 10_000,
      authorizationKubeconfig: options.authorizationKubeconfig,
      skipDelegatedAuthorization: !aggregated,
      standaloneProjects: aggregated ? undefined : projects,
      webhookCacheAuthorizedTTLms: options.authorizationWebhookCacheAuthorizedTTL,
      webhookCacheUnauthorizedTTLms: options.authorizationWebhookCacheUnauthorizedTTL,
      graph,
      env,
    }),
    log,
  );
  return {
    authn,
    authz,
    stop() {
      authn.stop();
      authz.stop();
    },
  };
}
