/**
 * The audit policy (`--audit-policy-file`): an `audit.k8s.io/v1` Policy in YAML or JSON, validated the
 * way k8s.io/apiserver validates it (unknown fields are rejected), and evaluated with its semantics:
 * the first rule that matches a request decides the level and the stages to omit; no match is None.
 *
 * On top of the policy sits a cap no policy can lift: InternalSecrets and the kubeconfig subresources
 * (`shoots/adminkubeconfig`, `shoots/viewerkubeconfig`) are recorded at Metadata at most, so their
 * bodies (CA keys, issued client keys and kubeconfigs) never reach the audit log.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { isPlainObject } from '../../apimachinery/types.js';
import type { UserInfo } from '../../registry/types.js';
import type { RequestInfo } from '../requestinfo.js';
import { LEVELS, STAGES, minLevel, type Level, type Stage } from './types.js';

/** A group and the resources in it a rule applies to (`audit.k8s.io/v1` GroupResources). */
export interface GroupResources {
  /** API group; `""` is the core group. */
  group: string;
  /** `resource`, `resource/subresource`, `*`, `*` + `/subresource` or `resource/` + `*`; empty matches all. */
  resources: string[];
  /** Object names; empty matches all. Needs `resources`. */
  resourceNames: string[];
}

/** One rule of a policy (`audit.k8s.io/v1` PolicyRule). Empty lists match everything. */
export interface PolicyRule {
  level: Level;
  users: string[];
  userGroups: string[];
  verbs: string[];
  resources: GroupResources[];
  /** `""` matches cluster-scoped resources. */
  namespaces: string[];
  /** Exact paths, `prefix*` or `*`. Not combinable with resources or namespaces. */
  nonResourceURLs: string[];
  omitStages: Stage[];
  omitManagedFields?: boolean;
}

/** What a policy answers for one request. */
export interface RequestAuditConfig {
  /** The level after the cap. */
  level: Level;
  /** Stages not written (the policy's and the matching rule's, united). */
  omitStages: ReadonlySet<Stage>;
  /** Drop `metadata.managedFields` from recorded bodies. */
  omitManagedFields: boolean;
  /** True when the request is about secret material and was capped at Metadata. */
  sensitive: boolean;
}

/** The request as the policy sees it: the user (absent when authentication failed) and the request info. */
export interface AuditAttributes {
  user?: UserInfo | undefined;
  info: Pick<RequestInfo, 'isResourceRequest' | 'path' | 'verb' | 'apiGroup' | 'namespace' | 'resource' | 'subresource' | 'name'>;
}

/** Thrown for a policy file that cannot be read, parsed or validated; the message lists every problem. */
export class AuditPolicyError extends Error {
  override name = 'AuditPolicyError';
}

/** The most a sensitive request is ever recorded at. */
export const SENSITIVE_LEVEL_CAP: Level = 'Metadata';

const SENSITIVE_SUBRESOURCES = new Set(['shoots/adminkubeconfig', 'shoots/viewerkubeconfig']);

/**
 * True for requests whose bodies hold secret material: InternalSecrets (any verb, any subresource) and
 * the kubeconfig subresources of Shoots. Matched on the resource name in any API group and case-blind,
 * so a mistyped path cannot smuggle a body into the log either.
 */
export function isSensitiveRequest(info: AuditAttributes['info']): boolean {
  if (!info.isResourceRequest) return false;
  const resource = info.resource.toLowerCase();
  if (resource === 'internalsecrets') return true;
  return SENSITIVE_SUBRESOURCES.has(`${resource}/${info.subresource.toLowerCase()}`);
}

function pathMatches(path: string, spec: string): boolean {
  if (spec === '*' || spec === path) return true;
  return spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, ''));
}

function resourceMatches(gr: GroupResources, info: AuditAttributes['info']): boolean {
  if (gr.resources.length === 0) return true;
  const combined = info.subresource === '' ? info.resource : `${info.resource}/${info.subresource}`;
  if (gr.resourceNames.length > 0 && !gr.resourceNames.includes(info.name)) return false;
  return gr.resources.some(
    (res) =>
      res === combined ||
      res === '*' ||
      (info.subresource !== '' && res.startsWith('*/') && res.slice(2) === info.subresource) ||
      (res.endsWith('/*') && res.slice(0, -2) === info.resource),
  );
}

function ruleMatchesResource(rule: PolicyRule, info: AuditAttributes['info']): boolean {
  if (!info.isResourceRequest) return false;
  if (rule.namespaces.length > 0 && !rule.namespaces.includes(info.namespace)) return false;
  if (rule.resources.length === 0) return true;
  return rule.resources.some((gr) => gr.group === info.apiGroup && resourceMatches(gr, info));
}

/** Kubernetes' `ruleMatches` (k8s.io/apiserver/pkg/audit/policy/checker.go). */
export function ruleMatches(rule: PolicyRule, attrs: AuditAttributes): boolean {
  const { user, info } = attrs;
  if (rule.users.length > 0 && (user === undefined || !rule.users.includes(user.name))) return false;
  if (rule.userGroups.length > 0 && (user === undefined || !user.groups.some((g) => rule.userGroups.includes(g)))) return false;
  if (rule.verbs.length > 0 && !rule.verbs.includes(info.verb)) return false;
  if (rule.namespaces.length > 0 || rule.resources.length > 0) return ruleMatchesResource(rule, info);
  if (rule.nonResourceURLs.length > 0) return !info.isResourceRequest && rule.nonResourceURLs.some((spec) => pathMatches(info.path, spec));
  return true;
}

/** A validated policy, ready to evaluate requests. */
export class AuditPolicy {
  /** `policy` must already be valid: use {@link parseAuditPolicy} or {@link loadAuditPolicy}. */
  constructor(
    readonly rules: readonly PolicyRule[],
    readonly omitStages: readonly Stage[] = [],
    readonly omitManagedFields = false,
  ) {}

  /** Level, omitted stages and managed-field handling for a request, with the sensitive cap applied. */
  evaluate(attrs: AuditAttributes): RequestAuditConfig {
    const rule = this.rules.find((r) => ruleMatches(r, attrs));
    const sensitive = isSensitiveRequest(attrs.info);
    const level: Level = rule?.level ?? 'None';
    return {
      level: sensitive ? minLevel(level, SENSITIVE_LEVEL_CAP) : level,
      omitStages: new Set([...this.omitStages, ...(rule?.omitStages ?? [])]),
      omitManagedFields: rule?.omitManagedFields ?? this.omitManagedFields,
      sensitive,
    };
  }

  /** The level a request is recorded at (after the cap). */
  levelFor(attrs: AuditAttributes): Level {
    return this.evaluate(attrs).level;
  }
}

// ---- parsing and validation ----

type Obj = Record<string, unknown>;

const POLICY_FIELDS = new Set(['apiVersion', 'kind', 'metadata', 'rules', 'omitStages', 'omitManagedFields']);
const RULE_FIELDS = new Set(['level', 'users', 'userGroups', 'verbs', 'resources', 'namespaces', 'nonResourceURLs', 'omitStages', 'omitManagedFields']);
const GROUP_RESOURCE_FIELDS = new Set(['group', 'resources', 'resourceNames']);
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Collects `path: problem` lines. */
class Problems {
  readonly list: string[] = [];
  add(path: string, problem: string): void {
    this.list.push(`${path}: ${problem}`);
  }
}

function unknownFields(o: Obj, allowed: ReadonlySet<string>, path: string, p: Problems): void {
  for (const key of Object.keys(o)) if (!allowed.has(key)) p.add(path === '' ? key : `${path}.${key}`, 'unknown field');
}

function strings(v: unknown, path: string, p: Problems): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) {
    p.add(path, 'must be a list of strings');
    return [];
  }
  return v;
}

function optionalBool(v: unknown, path: string, p: Problems): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') p.add(path, 'must be true or false');
  return typeof v === 'boolean' ? v : undefined;
}

function stages(v: unknown, path: string, p: Problems): Stage[] {
  const out: Stage[] = [];
  strings(v, path, p).forEach((s, i) => {
    if ((STAGES as readonly string[]).includes(s)) out.push(s as Stage);
    else p.add(`${path}[${i}]`, `Invalid value: ${JSON.stringify(s)}: allowed stages are ${STAGES.join(',')}`);
  });
  return out;
}

function level(v: unknown, path: string, p: Problems): Level {
  if (v === undefined || v === null || v === '') p.add(path, 'Required value');
  else if (typeof v !== 'string' || !(LEVELS as readonly string[]).includes(v)) {
    p.add(path, `Unsupported value: ${JSON.stringify(v)}: supported values: ${LEVELS.map((l) => `"${l}"`).join(', ')}`);
  } else return v as Level;
  return 'None';
}

function groupResources(v: unknown, path: string, p: Problems): GroupResources[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    p.add(path, 'must be a list');
    return [];
  }
  return v.map((item: unknown, i) => {
    const at = `${path}[${i}]`;
    if (!isPlainObject(item)) {
      p.add(at, 'must be an object');
      return { group: '', resources: [], resourceNames: [] };
    }
    unknownFields(item, GROUP_RESOURCE_FIELDS, at, p);
    const group = item.group ?? '';
    if (typeof group !== 'string') p.add(`${at}.group`, 'must be a string');
    else if (group !== '' && (group.length > 253 || !DNS_SUBDOMAIN.test(group))) p.add(`${at}.group`, `Invalid value: ${JSON.stringify(group)}: must be a DNS subdomain (a group, not group/version)`);
    const gr = { group: typeof group === 'string' ? group : '', resources: strings(item.resources, `${at}.resources`, p), resourceNames: strings(item.resourceNames, `${at}.resourceNames`, p) };
    if (gr.resourceNames.length > 0 && gr.resources.length === 0) p.add(`${at}.resourceNames`, 'using resourceNames requires at least one resource');
    return gr;
  });
}

function nonResourceURLs(v: unknown, path: string, p: Problems): string[] {
  const urls = strings(v, path, p);
  urls.forEach((url, i) => {
    if (url === '*') return;
    if (!url.startsWith('/')) p.add(`${path}[${i}]`, `Invalid value: ${JSON.stringify(url)}: non-resource URL rules must begin with a '/' character`);
    if (url !== '' && url.slice(0, -1).includes('*')) p.add(`${path}[${i}]`, `Invalid value: ${JSON.stringify(url)}: non-resource URL wildcards '*' must be the final character of the rule`);
  });
  return urls;
}

function rule(v: unknown, path: string, p: Problems): PolicyRule {
  const o: Obj = isPlainObject(v) ? v : {};
  if (!isPlainObject(v)) p.add(path, 'must be an object');
  unknownFields(o, RULE_FIELDS, path, p);
  const r: PolicyRule = {
    level: level(o.level, `${path}.level`, p),
    users: strings(o.users, `${path}.users`, p),
    userGroups: strings(o.userGroups, `${path}.userGroups`, p),
    verbs: strings(o.verbs, `${path}.verbs`, p),
    resources: groupResources(o.resources, `${path}.resources`, p),
    namespaces: strings(o.namespaces, `${path}.namespaces`, p),
    nonResourceURLs: nonResourceURLs(o.nonResourceURLs, `${path}.nonResourceURLs`, p),
    omitStages: stages(o.omitStages, `${path}.omitStages`, p),
  };
  const omit = optionalBool(o.omitManagedFields, `${path}.omitManagedFields`, p);
  if (omit !== undefined) r.omitManagedFields = omit;
  if (r.nonResourceURLs.length > 0 && (r.resources.length > 0 || r.namespaces.length > 0)) {
    p.add(`${path}.nonResourceURLs`, 'rules cannot apply to both regular resources and non-resource URLs');
  }
  return r;
}

function policyFrom(doc: unknown, p: Problems): AuditPolicy {
  if (!isPlainObject(doc)) {
    p.add('(root)', 'must be an audit.k8s.io/v1 Policy object');
    return new AuditPolicy([]);
  }
  unknownFields(doc, POLICY_FIELDS, '', p);
  if (doc.apiVersion !== 'audit.k8s.io/v1') p.add('apiVersion', `Unsupported value: ${JSON.stringify(doc.apiVersion)}: supported values: "audit.k8s.io/v1"`);
  if (doc.kind !== 'Policy') p.add('kind', `Unsupported value: ${JSON.stringify(doc.kind)}: supported values: "Policy"`);
  if (doc.metadata !== undefined && doc.metadata !== null && !isPlainObject(doc.metadata)) p.add('metadata', 'must be an object');
  const rawRules = doc.rules ?? [];
  if (!Array.isArray(rawRules)) p.add('rules', 'must be a list');
  const rules = Array.isArray(rawRules) ? rawRules.map((r: unknown, i) => rule(r, `rules[${i}]`, p)) : [];
  const omitStages = stages(doc.omitStages, 'omitStages', p);
  return new AuditPolicy(rules, omitStages, optionalBool(doc.omitManagedFields, 'omitManagedFields', p) ?? false);
}

/** Parses and validates policy text (YAML or JSON); `source` names it in errors. */
export function parseAuditPolicy(text: string, source = 'audit policy'): AuditPolicy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e: unknown) {
    throw new AuditPolicyError(`${source}: cannot parse: ${e instanceof Error ? e.message : String(e)}`);
  }
  const p = new Problems();
  const policy = policyFrom(doc, p);
  if (p.list.length > 0) throw new AuditPolicyError(`${source} is invalid: ${p.list.join('; ')}`);
  return policy;
}

/** Reads, parses and validates `--audit-policy-file`. */
export function loadAuditPolicy(file: string): AuditPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e: unknown) {
    throw new AuditPolicyError(`cannot read audit policy file ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseAuditPolicy(text, `audit policy file ${file}`);
}
