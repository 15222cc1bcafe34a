/**
 * Builds the pruned protobufjs JSON descriptor from upstream `.proto` files (see
 * `scripts/proto-descriptor.ts`). Kept out of the server's start-up path: the server loads the
 * committed `descriptor.json`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** `.proto` files of this repository, for messages the upstream set lacks (authorization.k8s.io/v1, apidiscovery.k8s.io). */
const LOCAL_PROTO_ROOT = fileURLToPath(new URL('./proto', import.meta.url));

/** `.proto` files the descriptor starts from, relative to the proto root. */
export const PROTO_FILES = [
  'github.com/gardener/gardener/pkg/apis/core/v1beta1/generated.proto',
  'github.com/gardener/gardener/pkg/apis/authentication/v1alpha1/generated.proto',
  'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
  'k8s.io/apimachinery/pkg/runtime/generated.proto',
  'k8s.io/api/authorization/v1/generated.proto',
  'k8s.io/api/apidiscovery/v2/generated.proto',
];

/** Packages whose every message is kept (the served API groups). */
const ROOT_PACKAGES = ['github.com.gardener.gardener.pkg.apis.core.v1beta1', 'github.com.gardener.gardener.pkg.apis.authentication.v1alpha1'];

/** Messages outside those packages that the server encodes or decodes at the top level. */
const ROOT_MESSAGES = [
  'k8s.io.apimachinery.pkg.runtime.Unknown',
  'k8s.io.apimachinery.pkg.apis.meta.v1.Status',
  'k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent',
  'k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadata',
  'k8s.io.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList',
  'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions',
  'k8s.io.api.authorization.v1.SelfSubjectAccessReview',
  'k8s.io.apimachinery.pkg.apis.meta.v1.APIVersions',
  'k8s.io.apimachinery.pkg.apis.meta.v1.APIGroupList',
  'k8s.io.apimachinery.pkg.apis.meta.v1.APIGroup',
  'k8s.io.apimachinery.pkg.apis.meta.v1.APIResourceList',
  'k8s.io.api.apidiscovery.v2.APIGroupDiscoveryList',
];

/** Where an imported `.proto` file is: this repository's own, else under `protoRoot`. */
export function protoPath(protoRoot: string): (origin: string, target: string) => string {
  return (_origin, target) => (existsSync(`${LOCAL_PROTO_ROOT}/${target}`) ? `${LOCAL_PROTO_ROOT}/${target}` : `${protoRoot}/${target}`);
}

/** Loads the `.proto` files under `protoRoot` (or this repository's own) into a resolved protobufjs root. */
export function loadProtoRoot(protoRoot: string): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = protoPath(protoRoot);
  root.loadSync(PROTO_FILES, { keepCase: true });
  root.resolveAll();
  return root;
}

function typesOf(ns: protobuf.NamespaceBase, out: protobuf.Type[] = []): protobuf.Type[] {
  for (const n of ns.nestedArray) {
    if (n instanceof protobuf.Type) out.push(n);
    if (n instanceof protobuf.Namespace || n instanceof protobuf.Type) typesOf(n, out);
  }
  return out;
}

/** Full names (without the leading dot) of the messages reachable from the roots. */
function reachable(root: protobuf.Root): Set<string> {
  const seen = new Set<string>();
  const queue = [
    ...typesOf(root).filter((t) => ROOT_PACKAGES.some((p) => t.fullName === `.${p}.${t.name}`)),
    ...ROOT_MESSAGES.map((m) => root.lookupType(m)),
  ];
  for (let t = queue.pop(); t !== undefined; t = queue.pop()) {
    const name = t.fullName.slice(1);
    if (seen.has(name)) continue;
    seen.add(name);
    for (const f of t.fieldsArray) if (f.resolvedType instanceof protobuf.Type) queue.push(f.resolvedType);
  }
  return seen;
}

type JsonNamespace = { nested?: Record<string, JsonNamespace>; fields?: unknown; [k: string]: unknown };

/** Keeps the reachable messages of a protobufjs JSON namespace tree, with sorted keys. */
function prune(json: JsonNamespace, prefix: string, keep: Set<string>): JsonNamespace | undefined {
  if (json.fields !== undefined) return keep.has(prefix) ? { fields: json.fields } : undefined;
  const nested: Record<string, JsonNamespace> = {};
  for (const key of Object.keys(json.nested ?? {}).sort()) {
    const child = json.nested?.[key];
    const pruned = child === undefined ? undefined : prune(child, prefix === '' ? key : `${prefix}.${key}`, keep);
    if (pruned !== undefined) nested[key] = pruned;
  }
  return Object.keys(nested).length === 0 ? undefined : { nested };
}

/** The pruned descriptor: a protobufjs JSON namespace tree. */
export function buildDescriptor(protoRoot: string): JsonNamespace {
  const root = loadProtoRoot(protoRoot);
  const json = root.toJSON({ keepComments: false }) as JsonNamespace;
  return prune(json, '', reachable(root)) ?? {};
}
