/**
 * Assembles the authorizer union from the server's flags: always-allowed paths, always-allowed groups
 * (`system:masters`), the SeedAuthorizer, in standalone mode Kubernetes' bootstrap roles, the RBAC
 * policy file, in standalone mode the roles Project members get, and the delegated
 * SubjectAccessReview to the garden cluster. The first allow or deny decides; no opinion at the end is
 * a 403.
 */
import { loadGardenKubeConfig } from '../authn/kubeclient.js';
import type { Logger } from '../log.js';
import { accessChecker, type AccessChecker } from './access.js';
import { bootstrapAuthorizer } from './bootstrap.js';
import { projectAuthorizer, type ProjectSource } from './projects.js';
import { policyFileAuthorizer } from './rbac.js';
import { subjectAccessReviewAuthorizer } from './sar.js';
import { seedAuthorizer, type GraphLookups } from './seed.js';
import { shootAuthorizer } from './shoot.js';
import { authorizerUnion, groupAuthorizer, pathAuthorizer, type Authorizer } from './types.js';

/** Authorization flags (names as on the command line). */
export interface AuthorizationOptions {
  /** `--authorization-always-allow-paths` (default `/healthz,/readyz,/livez`). */
  alwaysAllowPaths: readonly string[];
  /** Groups allowed everything without asking anyone (default `system:masters`). */
  alwaysAllowGroups?: readonly string[];
  /** `--authorization-policy-file`: RBAC objects evaluated locally. */
  policyFile?: string;
  /** Re-read the policy file when it changes, checked this often (0/undefined: never). */
  policyFileReloadMs?: number;
  /** `--authorization-kubeconfig`; without it the in-cluster config is used when in a pod. */
  authorizationKubeconfig?: string;
  /** `--authorization-skip-lookup`-like switch: never send SubjectAccessReviews (standalone). */
  skipDelegatedAuthorization?: boolean;
  /** `--authorization-webhook-cache-authorized-ttl` / `-unauthorized-ttl` in ms (10 s each). */
  webhookCacheAuthorizedTTLms?: number;
  webhookCacheUnauthorizedTTLms?: number;
  /** Timeout of SubjectAccessReview calls (default 10 s). */
  timeoutMs?: number;
  /** Lookups in the server's stores; when given, the SeedAuthorizer and the shoot authorizer scope gardenlets. */
  graph?: GraphLookups;
  /**
   * Standalone mode: the Projects whose members get Gardener's project roles, next to Kubernetes'
   * bootstrap roles (discovery and self-reviews for every authenticated user).
   */
  standaloneProjects?: ProjectSource;
  /** Process environment (in-cluster detection); defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** The assembled union and the question-answering helper for server-side checks. */
export interface AuthorizationStack {
  authorizer: Authorizer;
  /**
   * Answers "may this user …" questions of admission plugins: the always-allowed groups, then the
   * policy file, then the SubjectAccessReview (cached like the request authorizer's).
   */
  checkAccess: AccessChecker;
  /**
   * The same questions with a SubjectAccessReview sent every time, never cached: the kubeconfig
   * subresources' certificate group, which gardener-apiserver decides with a review of its own per
   * request (a user whose rights were revoked gets no admin group from a cached answer, on no replica).
   */
  checkAccessNow: AccessChecker;
  /** Whether a SubjectAccessReview authorizer is part of the union. */
  delegated: boolean;
  stop(): void;
}

function sarAuthorizer(o: AuthorizationOptions, cached: boolean, log?: Logger): Authorizer | undefined {
  if (o.skipDelegatedAuthorization === true) return undefined;
  const kc = loadGardenKubeConfig(o.authorizationKubeconfig, o.env);
  if (kc === undefined) return undefined;
  return subjectAccessReviewAuthorizer({
    kubeConfig: kc,
    allowTTLms: cached ? (o.webhookCacheAuthorizedTTLms ?? 10_000) : 0,
    denyTTLms: cached ? (o.webhookCacheUnauthorizedTTLms ?? 10_000) : 0,
    ...(o.timeoutMs !== undefined && { timeoutMs: o.timeoutMs }),
    onError: (message) => log?.error('subject access review', { err: message }),
  });
}

/** Builds the union. Throws when the policy file cannot be read or parsed. */
export function buildAuthorization(o: AuthorizationOptions, log?: Logger): AuthorizationStack {
  const groups = groupAuthorizer(o.alwaysAllowGroups ?? ['system:masters']);
  const rbac =
    o.policyFile !== undefined && o.policyFile !== ''
      ? policyFileAuthorizer(o.policyFile, { ...(o.policyFileReloadMs !== undefined && { reloadIntervalMs: o.policyFileReloadMs }), ...(log !== undefined && { log }) })
      : undefined;
  const sar = sarAuthorizer(o, true, log);
  const sarNow = sarAuthorizer(o, false, log);
  const seed = o.graph !== undefined ? seedAuthorizer(o.graph) : undefined;
  const selfHostedShoot = o.graph !== undefined ? shootAuthorizer(o.graph) : undefined;
  const bootstrap = o.standaloneProjects !== undefined ? bootstrapAuthorizer() : undefined;
  const projects = o.standaloneProjects !== undefined ? projectAuthorizer(o.standaloneProjects) : undefined;
  const present = (a: Authorizer | undefined): a is Authorizer => a !== undefined;
  const union = authorizerUnion([pathAuthorizer(o.alwaysAllowPaths), groups, seed, selfHostedShoot, bootstrap, rbac, projects, sar].filter(present));
  return {
    authorizer: union,
    checkAccess: accessChecker(authorizerUnion([groups, rbac, projects, sar].filter(present))),
    checkAccessNow: accessChecker(authorizerUnion([groups, rbac, projects, sarNow].filter(present))),
    delegated: sar !== undefined,
    stop: () => rbac?.stop(),
  };
}
