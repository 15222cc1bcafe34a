/**
 * Admission: plugins that see every write after decoding and before storage. Mutating plugins run
 * first, then (on the final object, inside the storage retry loop) validating plugins.
 */
import type { FieldError } from '../apimachinery/field.js';
import type { KubeObject } from '../apimachinery/types.js';
import type { AccessQuestion, ResourceDescriptor, UserInfo } from '../registry/types.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

/** What a plugin is told about one write. */
export interface AdmissionAttributes {
  readonly operation: Operation;
  readonly resource: ResourceDescriptor;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  readonly user: UserInfo;
  readonly dryRun: boolean;
  /** The new object (CREATE, UPDATE); the object being deleted for DELETE. */
  readonly object: KubeObject | undefined;
  readonly oldObject: KubeObject | undefined;
}

/** One admission plugin. Throw a StatusError to refuse the request. */
export interface AdmissionPlugin {
  name: string;
  /** Operations the plugin acts on. */
  operations: readonly Operation[];
  /** Mutating phase: may change `attrs.object`. */
  admit?(attrs: AdmissionAttributes): Promise<void>;
  /** Validating phase: must not change anything. */
  validate?(attrs: AdmissionAttributes): Promise<void>;
  /**
   * A deletecollection as a whole (`attrs.name` is empty, no objects), before any object is deleted;
   * `all` lists every object of the resource in the namespace. Each object is then admitted by
   * `validate` as it is deleted.
   */
  validateCollection?(attrs: AdmissionAttributes, all: () => Promise<KubeObject[]>): Promise<void>;
}

/** What plugins may read besides the request: the server's own objects. */
export interface AdmissionDeps {
  /** The Shoot `namespace/name`, or undefined when it does not exist. */
  getShoot(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** The Project whose `spec.namespace` is `namespace`, or undefined when there is none. */
  projectForNamespace(namespace: string): Promise<KubeObject | undefined>;
  /** Namespaces of the garden cluster; absent in standalone mode. */
  namespaces?: NamespaceSource;
  /**
   * Whether the authorizer allows `user` the question (e.g. `update` of `shoots/binding`, who may set
   * spec.seedName, or a custom verb); absent: everyone may. Throws when the authorizer cannot answer.
   */
  may?(user: UserInfo, question: AccessQuestion): Promise<boolean>;
  /** The InternalSecret `namespace/name`; undefined or a 404 StatusError when it does not exist. */
  getInternalSecret?(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** The stored Gardens (operator.gardener.cloud); absent where Gardens are not served. */
  gardens?(): Promise<KubeObject[]>;
  /** Checks of Shoots against objects this server does not hold; none by default. */
  shootReferences?: ShootReferenceChecks;
}

/**
 * The seam for Gardener's Shoot admission checks that read CloudProfiles, Seeds, SecretBindings,
 * CredentialsBindings, ExposureClasses or the garden's Secrets (listed in
 * SHOOT_REFERENCE_CHECKS_NOT_SERVED and the README). ShootValidator calls it in the validating phase on
 * every create and update of a Shoot (the final object); errors it returns refuse the write with 422.
 */
export interface ShootReferenceChecks {
  /** Field errors for `shoot` (`old` is the stored Shoot on update). */
  validate(shoot: KubeObject, old: KubeObject | undefined): Promise<FieldError[]>;
}

/** Reads namespaces (phase, deletion) of the garden cluster. */
export interface NamespaceSource {
  /** The namespace as cached (an informer), undefined when the cache does not have it. */
  get(name: string): Promise<NamespaceState | undefined>;
  /**
   * The namespace read from its cluster now, undefined when it does not exist there.
   * @throws a Status error (500) when it cannot be read.
   */
  getLive?(name: string): Promise<NamespaceState | undefined>;
}

/** What NamespaceLifecycle needs to know of a namespace. */
export interface NamespaceState {
  phase?: string;
  deletionTimestamp?: string;
}

/** An entry of the plugin table: order is the table's order. */
export interface PluginRegistration {
  name: string;
  enabledByDefault: boolean;
  factory: (deps: AdmissionDeps) => AdmissionPlugin;
}
