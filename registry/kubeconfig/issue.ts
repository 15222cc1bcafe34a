/**
 * The kubeconfig subresources' algorithm, steps 3-10 of the spec in order: user, group, Shoot, addresses,
 * client CA, cluster CA bundle, cap, certificate and kubeconfig. Admission and body validation run before
 * (see {@link KubeconfigIssuer.handle} for the whole sequence). Every dependency is injected.
 */
import { badRequest, internalError, invalid, isStatusError, notFound, StatusError } from '../../apimachinery/errors.js';
import { OMIT_VALUE, type FieldError } from '../../apimachinery/field.js';
import { goJsonMarshal } from '../../apimachinery/gojson.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { UserInfo } from '../types.js';
import type { SigningCA } from './ca.js';
import type { ClientCertificateIssuer, IssuedCertificate } from './certificate.js';
import type { ClusterCASource } from './cluster-ca.js';
import { CA_CLIENT_SUFFIX } from './ca-cache.js';
import { AddressParseError, advertisedAddresses, kubeAPIServerAddresses, renderKubeconfig, type AdvertisedAddress } from './kubeconfig.js';
import { decodeKubeconfigRequest, effectiveExpirationSeconds, validateKubeconfigRequest, withoutCreationTimestamp, type DecodeOptions } from './request.js';
import {
  AUTH_API_VERSION,
  AUTH_GROUP,
  COMMON_NAME_PREFIXES,
  GROUP_QUESTIONS,
  GROUPS,
  REQUEST_KINDS,
  type KubeconfigKind,
  type KubeconfigRequest,
  type KubeconfigResponse,
} from './types.js';

/** What is reported for every issued kubeconfig (log it, count it; it holds no key material). */
export interface IssuedEvent {
  kind: KubeconfigKind;
  user: string;
  namespace: string;
  shoot: string;
  group: string;
  /** Certificate serial, upper-case hex. */
  serial: string;
  /** The certificate's NotAfter. */
  expiration: Date;
  /** The granted lifetime (after capping). */
  expirationSeconds: number;
}

/** The dependencies of {@link KubeconfigIssuer}. */
export interface KubeconfigIssuerDeps {
  /**
   * The single group for the certificate's O: ask the authorizer the spec's question for `kind`
   * (see GROUP_QUESTIONS) about `user` and return GROUPS[kind].allowed or .denied. A rejection becomes a
   * 500 "failed to get user groups: <message>".
   */
  decideGroup(kind: KubeconfigKind, user: UserInfo): Promise<string>;
  /**
   * The Shoot `namespace/name`; rejects with the store's StatusError (404 `shoots.core.gardener.cloud
   * "<name>" not found`), or resolves `undefined` when it does not exist.
   */
  getShoot(namespace: string, name: string): Promise<KubeObject | undefined>;
  /** The client CA cache ({@link ClientCACache}). */
  clientCAs: { get(namespace: string, name: string): Promise<SigningCA> };
  clusterCA: ClusterCASource;
  certificates: ClientCertificateIssuer;
  /** The caps from the max-expiration flags, in seconds (0 = no cap). */
  maxExpirationSeconds: Record<KubeconfigKind, number>;
  onIssued?(event: IssuedEvent): void;
  /** Clock (tests). */
  now?(): Date;
}

/** One request, decoded and validated. */
export interface IssueArgs {
  namespace: string;
  shootName: string;
  /** The authenticated user; `undefined` is a 400 "no user in context". */
  user: UserInfo | undefined;
  request: KubeconfigRequest;
}

/** One request as it arrives: the parsed body. */
export interface HandleArgs extends Omit<IssueArgs, 'request'> {
  body: unknown;
  /** Admission (createValidation) on the decoded request; its error is returned unchanged. */
  admit?: (request: KubeconfigRequest) => Promise<void>;
  decode?: DecodeOptions;
}

const SHOOTS = { group: 'core.gardener.cloud', resource: 'shoots' };

/** One authorization question: may `user` do `verb` on `resource` in `group` (empty namespace)? */
export type GroupQuestion = (typeof GROUP_QUESTIONS)[KubeconfigKind];

/**
 * A `decideGroup` from an authorizer: asks GROUP_QUESTIONS[kind] about the user (the attribute strings
 * literally, namespace empty; in aggregated mode a SubjectAccessReview with the user's name, groups,
 * extra and uid) and answers GROUPS[kind].allowed or .denied.
 */
export function groupDecider(allowed: (user: UserInfo, question: GroupQuestion) => Promise<boolean>): KubeconfigIssuerDeps['decideGroup'] {
  return async (kind, user) => ((await allowed(user, GROUP_QUESTIONS[kind])) ? GROUPS[kind].allowed : GROUPS[kind].denied);
}

/** A 500 without reason, as Kubernetes answers an error that is not a Status ("reason Unknown"). */
export function unknownError(message: string): StatusError {
  return new StatusError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500 });
}

function messageOf(e: unknown): string {
  if (isStatusError(e)) return e.status.message ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * The bad value Gardener reports, `[]core.ShootAdvertisedAddress` as field errors render a complex
 * value (json.Marshal of the internal type: Go field names, `null` for no addresses).
 */
function goAddresses(addresses: readonly AdvertisedAddress[]): string {
  if (addresses.length === 0) return 'null';
  return goJsonMarshal(addresses.map((a) => ({ Name: a.name, URL: a.url, Application: a.application ?? null })));
}

function noAddressError(kind: KubeconfigKind, shootName: string, all: readonly AdvertisedAddress[]): StatusError {
  const err: FieldError = {
    type: 'Invalid',
    field: 'status.status',
    badValue: OMIT_VALUE,
    detail: `${goAddresses(all)}: no suitable advertised address for kube-apiserver found in .status.advertisedAddresses`,
  };
  return invalid({ group: AUTH_GROUP, kind: REQUEST_KINDS[kind] }, shootName, [err]);
}

function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Issues admin and viewer kubeconfigs. */
export class KubeconfigIssuer {
  constructor(private readonly deps: KubeconfigIssuerDeps) {}

  /** Decode + default, admission, validation, then {@link issue}: the whole create of the subresource. */
  async handle(kind: KubeconfigKind, args: HandleArgs): Promise<KubeconfigResponse> {
    const request = decodeKubeconfigRequest(kind, args.body, args.namespace, args.decode);
    await args.admit?.(request);
    validateKubeconfigRequest(kind, request);
    return this.issue(kind, { namespace: args.namespace, shootName: args.shootName, user: args.user, request });
  }

  /** Steps 3-10 for a validated request; rejects with the spec's StatusErrors. */
  async issue(kind: KubeconfigKind, args: IssueArgs): Promise<KubeconfigResponse> {
    const { namespace, shootName, user, request } = args;
    if (user === undefined) throw badRequest('no user in context');
    const group = await this.group(kind, user);
    const shoot = await this.shoot(namespace, shootName);
    const all = advertisedAddresses(shoot);
    const addresses = kubeAPIServerAddresses(all);
    if (addresses.length === 0) throw noAddressError(kind, shoot.metadata.name ?? shootName, all);
    const ca = await this.clientCA(namespace, shootName);
    const bundle = await this.clusterCABundle(namespace, shootName);
    const seconds = effectiveExpirationSeconds(request.spec.expirationSeconds, this.deps.maxExpirationSeconds[kind]);
    const cert = await this.sign(ca, { commonName: COMMON_NAME_PREFIXES[kind] + user.name, organization: group, validitySeconds: seconds });
    const kubeconfig = this.render({ namespace, shootName, addresses, clusterCABundle: bundle, cert });
    this.deps.onIssued?.({ kind, user: user.name, namespace, shoot: shootName, group, serial: cert.serial, expiration: cert.notAfter, expirationSeconds: seconds });
    return {
      kind: REQUEST_KINDS[kind],
      apiVersion: AUTH_API_VERSION,
      metadata: withoutCreationTimestamp(request.metadata),
      spec: { ...request.spec, expirationSeconds: seconds },
      status: { kubeconfig: Buffer.from(kubeconfig, 'utf8').toString('base64'), expirationTimestamp: rfc3339(cert.notAfter) },
    };
  }

  private async group(kind: KubeconfigKind, user: UserInfo): Promise<string> {
    try {
      return await this.deps.decideGroup(kind, user);
    } catch (e: unknown) {
      throw unknownError(`failed to get user groups: ${messageOf(e)}`);
    }
  }

  private async shoot(namespace: string, name: string): Promise<KubeObject> {
    let shoot: KubeObject | undefined;
    try {
      shoot = await this.deps.getShoot(namespace, name);
    } catch (e: unknown) {
      if (isStatusError(e)) throw e;
      throw unknownError(messageOf(e));
    }
    if (shoot === undefined) throw notFound(SHOOTS, name);
    return shoot;
  }

  private async clientCA(namespace: string, shootName: string): Promise<SigningCA> {
    try {
      return await this.deps.clientCAs.get(namespace, `${shootName}${CA_CLIENT_SUFFIX}`);
    } catch (e: unknown) {
      if (isStatusError(e)) throw e;
      throw internalError(`could not get client CA secret: ${messageOf(e)}`);
    }
  }

  private async clusterCABundle(namespace: string, shootName: string): Promise<string> {
    let bundle: string;
    try {
      bundle = await this.deps.clusterCA.get(namespace, shootName);
    } catch (e: unknown) {
      if (isStatusError(e)) throw e;
      throw internalError(`could not get cluster CA config map: ${messageOf(e)}`);
    }
    if (bundle.length === 0) throw internalError('could not load cluster CA bundle');
    return bundle;
  }

  private async sign(ca: SigningCA, spec: { commonName: string; organization: string; validitySeconds: number }): Promise<IssuedCertificate> {
    const now = this.deps.now?.();
    try {
      return await this.deps.certificates.issue(ca, now === undefined ? spec : { ...spec, now });
    } catch (e: unknown) {
      throw unknownError(messageOf(e));
    }
  }

  private render(input: { namespace: string; shootName: string; addresses: AdvertisedAddress[]; clusterCABundle: string; cert: IssuedCertificate }): string {
    try {
      return renderKubeconfig({
        namespace: input.namespace,
        shootName: input.shootName,
        addresses: input.addresses,
        clusterCABundle: input.clusterCABundle,
        clientCertificatePem: input.cert.certificatePem,
        clientKeyPem: input.cert.privateKeyPem,
      });
    } catch (e: unknown) {
      if (e instanceof AddressParseError) throw unknownError(e.message);
      throw unknownError(messageOf(e));
    }
  }
}
