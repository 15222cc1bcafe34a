/**
 * Loading `--authorization-policy-file`: Kubernetes RBAC objects (`rbac.authorization.k8s.io/v1`
 * ClusterRole, ClusterRoleBinding, Role, RoleBinding), as multi-document YAML or JSON, bare or inside
 * a `List`. ClusterRoles with an `aggregationRule` get the union of the rules of the ClusterRoles their
 * label selectors match, as Kubernetes' aggregation controller would write them.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** One RBAC rule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A binding subject. */
export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

/** What a binding grants. */
export interface RoleRef {
  kind: 'ClusterRole' | 'Role';
  name: string;
}

/** A (Cluster)RoleBinding, reduced to what evaluation needs. */
export interface Binding {
  kind: 'ClusterRoleBinding' | 'RoleBinding';
  name: string;
  /** '' for ClusterRoleBindings. */
  namespace: string;
  subjects: Subject[];
  roleRef: RoleRef;
}

/** A parsed policy: roles with their effective rules, and bindings. */
export interface RBACPolicy {
  /** ClusterRole name -> effective rules (aggregated where an aggregation rule says so). */
  clusterRoles: Map<string, PolicyRule[]>;
  /** `<namespace>/<name>` -> rules. */
  roles: Map<string, PolicyRule[]>;
  clusterRoleBindings: Binding[];
  /** namespace -> RoleBindings there. */
  roleBindings: Map<string, Binding[]>;
}

interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

interface RawClusterRole {
  name: string;
  labels: Record<string, string>;
  rules: PolicyRule[];
  selectors?: LabelSelector[];
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function strings(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((s): s is string => typeof s === 'string')) throw new Error(`${where}: must be a list of strings`);
  return v;
}

function metaOf(o: Obj, where: string, namespaced: boolean): { name: string; namespace: string; labels: Record<string, string> } {
  const m = isObj(o.metadata) ? o.metadata : {};
  const name = typeof m.name === 'string' ? m.name : '';
  if (name === '') throw new Error(`${where}: metadata.name is required`);
  const namespace = namespaced ? (typeof m.namespace === 'string' && m.namespace !== '' ? m.namespace : 'default') : '';
  const labels = isObj(m.labels) ? (Object.fromEntries(Object.entries(m.labels).map(([k, v]) => [k, String(v)])) as Record<string, string>) : {};
  return { name, namespace, labels };
}

function parseRule(r: unknown, where: string, namespaced: boolean): PolicyRule {
  if (!isObj(r)) throw new Error(`${where}: a rule must be an object`);
  const rule: PolicyRule = { verbs: strings(r.verbs, `${where}.verbs`) };
  if (rule.verbs.length === 0) throw new Error(`${where}.verbs: at least one verb is required`);
  const apiGroups = strings(r.apiGroups, `${where}.apiGroups`);
  const resources = strings(r.resources, `${where}.resources`);
  const resourceNames = strings(r.resourceNames, `${where}.resourceNames`);
  const urls = strings(r.nonResourceURLs, `${where}.nonResourceURLs`);
  if (urls.length > 0) {
    if (namespaced) throw new Error(`${where}.nonResourceURLs: namespaced rules cannot apply to non-resource URLs`);
    if (apiGroups.length > 0 || resources.length > 0) throw new Error(`${where}: rules cannot apply to both regular resources and non-resource URLs`);
    rule.nonResourceURLs = urls;
    return rule;
  }
  if (resources.length > 0 && apiGroups.length === 0) throw new Error(`${where}.apiGroups: resource rules must supply at least one api group`);
  rule.apiGroups = apiGroups;
  rule.resources = resources;
  if (resourceNames.length > 0) rule.resourceNames = resourceNames;
  return rule;
}

function parseRules(o: Obj, where: string, namespaced: boolean): PolicyRule[] {
  if (o.rules === undefined || o.rules === null) return [];
  if (!Array.isArray(o.rules)) throw new Error(`${where}.rules: must be a list`);
  return o.rules.map((r, i) => parseRule(r, `${where}.rules[${i}]`, namespaced));
}

function parseSubject(s: unknown, where: string): Subject {
  if (!isObj(s) || typeof s.name !== 'string' || s.name === '') throw new Error(`${where}: a subject needs kind and name`);
  if (s.kind !== 'User' && s.kind !== 'Group' && s.kind !== 'ServiceAccount') throw new Error(`${where}.kind: unsupported subject kind ${JSON.stringify(s.kind)}`);
  const subject: Subject = { kind: s.kind, name: s.name };
  if (typeof s.namespace === 'string' && s.namespace !== '') subject.namespace = s.namespace;
  return subject;
}

function parseBinding(o: Obj, kind: Binding['kind'], where: string): Binding {
  const meta = metaOf(o, where, kind === 'RoleBinding');
  const ref = isObj(o.roleRef) ? o.roleRef : undefined;
  if (ref === undefined || typeof ref.name !== 'string' || ref.name === '') throw new Error(`${where}.roleRef: kind and name are required`);
  if (ref.kind !== 'ClusterRole' && !(ref.kind === 'Role' && kind === 'RoleBinding')) {
    throw new Error(`${where}.roleRef.kind: ${kind} cannot reference ${JSON.stringify(ref.kind)}`);
  }
  const subjects = o.subjects === undefined || o.subjects === null ? [] : o.subjects;
  if (!Array.isArray(subjects)) throw new Error(`${where}.subjects: must be a list`);
  return {
    kind,
    name: meta.name,
    namespace: meta.namespace,
    subjects: subjects.map((s, i) => parseSubject(s, `${where}.subjects[${i}]`)),
    roleRef: { kind: ref.kind, name: ref.name },
  };
}

function parseSelectors(o: Obj, where: string): LabelSelector[] | undefined {
  if (!isObj(o.aggregationRule)) return undefined;
  const sel = o.aggregationRule.clusterRoleSelectors;
  if (sel === undefined || sel === null) return [];
  if (!Array.isArray(sel) || !sel.every(isObj)) throw new Error(`${where}.aggregationRule.clusterRoleSelectors: must be a list of label selectors`);
  return sel as LabelSelector[];
}

/** True when `labels` satisfy the selector (matchLabels and In/NotIn/Exists/DoesNotExist expressions). */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== String(v)) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = (e.values ?? []).map(String);
    const ok =
      e.operator === 'In' ? has && values.includes(labels[e.key] ?? '') :
      e.operator === 'NotIn' ? !has || !values.includes(labels[e.key] ?? '') :
      e.operator === 'Exists' ? has :
      e.operator === 'DoesNotExist' ? !has : false;
    if (!ok) return false;
  }
  return true;
}

/** Effective rules of every ClusterRole, resolving aggregation (nested, cycle-safe). */
function aggregate(raw: Map<string, RawClusterRole>): Map<string, PolicyRule[]> {
  const done = new Map<string, PolicyRule[]>();
  const visiting = new Set<string>();
  const effective = (role: RawClusterRole): PolicyRule[] => {
    const cached = done.get(role.name);
    if (cached !== undefined) return cached;
    if (role.selectors === undefined || visiting.has(role.name)) return role.rules;
    visiting.add(role.name);
    const rules: PolicyRule[] = [];
    const seen = new Set<string>();
    for (const other of raw.values()) {
      if (other.name === role.name || !role.selectors.some((s) => selectorMatches(s, other.labels))) continue;
      for (const rule of effective(other)) {
        const key = JSON.stringify(rule);
        if (!seen.has(key)) rules.push(rule);
        seen.add(key);
      }
    }
    visiting.delete(role.name);
    done.set(role.name, rules);
    return rules;
  };
  return new Map([...raw.values()].map((r) => [r.name, effective(r)]));
}

function expandDocument(doc: unknown, where: string): Array<{ o: Obj; where: string }> {
  if (doc === null || doc === undefined) return [];
  if (!isObj(doc)) throw new Error(`${where}: not an object`);
  if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
    return doc.items.flatMap((item, i) => expandDocument(item, `${where}.items[${i}]`));
  }
  return [{ o: doc, where }];
}

/** Parses policy text (YAML or JSON; several documents, `List`s allowed). Throws with the offending document. */
export function parsePolicy(text: string, source = 'policy'): RBACPolicy {
  const raw = new Map<string, RawClusterRole>();
  const policy: RBACPolicy = { clusterRoles: new Map(), roles: new Map(), clusterRoleBindings: [], roleBindings: new Map() };
  const docs = parseAllDocuments(text);
  docs.forEach((d, i) => {
    if (d.errors.length > 0) throw new Error(`${source}: document ${i + 1}: ${d.errors[0]?.message ?? 'invalid YAML'}`);
    for (const { o, where } of expandDocument(d.toJS(), `${source}: document ${i + 1}`)) {
      const at = `${where} (${String(o.kind)})`;
      if (typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('rbac.authorization.k8s.io/')) throw new Error(`${at}: apiVersion must be rbac.authorization.k8s.io/v1`);
      if (o.kind === 'ClusterRole') {
        const m = metaOf(o, at, false);
        const role: RawClusterRole = { name: m.name, labels: m.labels, rules: parseRules(o, at, false) };
        const selectors = parseSelectors(o, at);
        if (selectors !== undefined) role.selectors = selectors;
        raw.set(m.name, role);
      } else if (o.kind === 'Role') {
        const m = metaOf(o, at, true);
        policy.roles.set(`${m.namespace}/${m.name}`, parseRules(o, at, true));
      } else if (o.kind === 'ClusterRoleBinding') {
        policy.clusterRoleBindings.push(parseBinding(o, 'ClusterRoleBinding', at));
      } else if (o.kind === 'RoleBinding') {
        const b = parseBinding(o, 'RoleBinding', at);
        policy.roleBindings.set(b.namespace, [...(policy.roleBindings.get(b.namespace) ?? []), b]);
      } else {
        throw new Error(`${at}: unsupported kind (ClusterRole, ClusterRoleBinding, Role, RoleBinding or a List of them)`);
      }
    }
  });
  policy.clusterRoles = aggregate(raw);
  return policy;
}

/** Reads and parses a policy file. */
export function loadPolicyFile(path: string): RBACPolicy {
  return parsePolicy(readFileSync(path, 'utf8'), path);
}
