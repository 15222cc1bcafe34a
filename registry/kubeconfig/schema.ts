/**
 * OpenAPI schemas of the request/response bodies of `shoots/adminkubeconfig` and
 * `shoots/viewerkubeconfig` (`authentication.gardener.cloud/v1alpha1`). The kinds are never served as
 * resources of their own; they appear in the documents because the subresources name them, and they
 * drive the body checks of the two endpoints.
 */
import { ref, type Definitions, type Schema } from '../../openapi/schema.js';
import { AUTH_GROUP, AUTH_VERSION, REQUEST_KINDS, type KubeconfigKind } from './types.js';

const PKG = 'com.github.gardener.gardener.pkg.apis.authentication.v1alpha1';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';

/** OpenAPI definition name of a request kind, its spec and its status. */
export function kubeconfigRequestDefinitionName(kind: KubeconfigKind, part: '' | 'Spec' | 'Status' = ''): string {
  return `${PKG}.${REQUEST_KINDS[kind]}${part}`;
}

const WHO: Record<KubeconfigKind, string> = {
  admin: 'cluster-admin rights in the shoot (group gardener.cloud:system:admins or gardener.cloud:project:admins)',
  viewer:
    'read-only rights in the shoot, Secrets excluded (group gardener.cloud:system:viewers or gardener.cloud:project:viewers)',
};

function kindSchema(kind: KubeconfigKind): Schema {
  const name = REQUEST_KINDS[kind];
  return {
    type: 'object',
    description:
      `${name} is the body of a POST to a Shoot's ${kind}kubeconfig subresource. The answer carries a kubeconfig ` +
      `whose short-lived client certificate, signed by the shoot's client CA, grants ${WHO[kind]}.`,
    properties: {
      apiVersion: {
        type: 'string',
        description: 'Versioned schema of this representation: authentication.gardener.cloud/v1alpha1. May be omitted in a request.',
      },
      kind: { type: 'string', description: `The kind, ${name}. May be omitted in a request.` },
      metadata: {
        ...ref(OBJECT_META),
        description: 'Standard object metadata. Only the namespace matters; it is taken from the request path.',
      },
      spec: { ...ref(kubeconfigRequestDefinitionName(kind, 'Spec')), description: 'What is asked for.' },
      status: { ...ref(kubeconfigRequestDefinitionName(kind, 'Status')), description: 'What was issued; filled in by the server.' },
    },
    'x-kubernetes-group-version-kind': [{ group: AUTH_GROUP, version: AUTH_VERSION, kind: name }],
  };
}

function specSchema(kind: KubeconfigKind): Schema {
  return {
    type: 'object',
    description: `${REQUEST_KINDS[kind]}Spec holds the requested lifetime of the credential.`,
    properties: {
      expirationSeconds: {
        type: 'integer',
        format: 'int64',
        description:
          'Requested lifetime of the client certificate in seconds: at least 600, at most 4294967295; 3600 when ' +
          'unset. The server may shorten it to its configured maximum; the response carries the lifetime ' +
          'actually granted, and clients should rely on status.expirationTimestamp.',
      },
    },
  };
}

function statusSchema(kind: KubeconfigKind): Schema {
  return {
    type: 'object',
    description: `${REQUEST_KINDS[kind]}Status holds the issued kubeconfig and when its credential expires.`,
    required: ['kubeconfig', 'expirationTimestamp'],
    properties: {
      kubeconfig: {
        type: 'string',
        format: 'byte',
        description:
          'The kubeconfig (YAML, base64-encoded): one cluster and context per kube-apiserver address the shoot ' +
          'advertises, and one user with the client certificate and key.',
      },
      expirationTimestamp: {
        ...ref(TIME),
        description: 'When the client certificate stops being valid (its NotAfter).',
      },
    },
  };
}

/** The schema of a request kind (what `definitionName` names). */
export function kubeconfigRequestSchema(kind: KubeconfigKind): Schema {
  return kindSchema(kind);
}

/** Every definition of both kinds: the kinds, their specs and statuses. Merge into the served documents. */
export const kubeconfigRequestDefinitions: Definitions = Object.fromEntries(
  (['admin', 'viewer'] as const).flatMap((kind) => [
    [kubeconfigRequestDefinitionName(kind), kindSchema(kind)],
    [kubeconfigRequestDefinitionName(kind, 'Spec'), specSchema(kind)],
    [kubeconfigRequestDefinitionName(kind, 'Status'), statusSchema(kind)],
  ]),
);
