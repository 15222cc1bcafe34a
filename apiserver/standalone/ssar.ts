/**
 * `authorization.k8s.io/v1` SelfSubjectAccessReview in standalone mode, so `kubectl auth can-i` works:
 * the server's own authorizers answer for the requesting user whether the resource or non-resource
 * request in `spec` would be allowed. The review is answered, never stored (201 with `status`).
 */
import type { Request, Response } from 'express';
import { badRequest, invalid } from '../../apimachinery/errors.js';
import { fieldErr } from '../../apimachinery/field.js';
import { isPlainObject } from '../../apimachinery/types.js';
import type { UserInfo } from '../../registry/types.js';
import { questionInfo } from '../authz/access.js';
import type { Authorizer } from '../authz/types.js';
import { encodeEnveloped, PROTOBUF_MEDIA_TYPE, protobufCodecs } from '../../apimachinery/protobuf/index.js';
import { parseBody } from '../decode.js';
import type { StaticGroup } from '../discovery.js';
import type { RequestInfo } from '../requestinfo.js';
import { negotiate } from '../negotiation.js';
import { sendBody } from '../respond.js';
import { takeBody } from '../audit/index.js';

const GROUP = 'authorization.k8s.io';
const KIND = 'SelfSubjectAccessReview';

/** Where reviews are posted. */
export const SSAR_PATH = `/apis/${GROUP}/v1/selfsubjectaccessreviews`;

/** What discovery lists for the review. */
export const AUTHORIZATION_GROUP: StaticGroup = {
  group: GROUP,
  version: 'v1',
  resources: [{ name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: KIND, verbs: ['create'] }],
};

/** Its protobuf message: kubectl's typed client posts reviews as protobuf. */
const MESSAGE = 'k8s.io.api.authorization.v1.SelfSubjectAccessReview';
const PROTOBUF = { kind: KIND, version: 'v1', message: MESSAGE };

const RESOURCE_FIELDS = ['namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'] as const;

function decodeError(why: string): Error {
  return badRequest(`${KIND} in version "v1" cannot be handled as a ${KIND}: ${why}`);
}

const jsonKind = (v: unknown) => (Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v);

/** The string fields of `spec.<where>` (Go type `type`); 400 as Go's decoder for a value of another type. */
function stringFields(o: unknown, fields: readonly string[], where: string, type: string): Record<string, string> {
  if (o === undefined || o === null) return {};
  if (!isPlainObject(o)) throw decodeError(`json: cannot unmarshal ${jsonKind(o)} into Go struct field SelfSubjectAccessReviewSpec.spec.${where} of type v1.${type}`);
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = o[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') throw decodeError(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${type}.spec.${where}.${f} of type string`);
    out[f] = v;
  }
  return out;
}

/** The request info the review asks about. */
function infoOf(spec: Record<string, unknown>): RequestInfo {
  const hasResource = spec.resourceAttributes !== undefined && spec.resourceAttributes !== null;
  const hasNonResource = spec.nonResourceAttributes !== undefined && spec.nonResourceAttributes !== null;
  const gk = { group: GROUP, kind: KIND };
  if (hasResource && hasNonResource) {
    throw invalid(gk, '', [fieldErr.invalid('spec.nonResourceAttributes', spec.nonResourceAttributes, 'cannot be specified in combination with resourceAttributes')]);
  }
  if (!hasResource && !hasNonResource) {
    throw invalid(gk, '', [fieldErr.invalid('spec.resourceAttributes', null, 'exactly one of nonResourceAttributes or resourceAttributes must be specified')]);
  }
  if (hasNonResource) {
    const a = stringFields(spec.nonResourceAttributes, ['path', 'verb'], 'nonResourceAttributes', 'NonResourceAttributes');
    const path = a.path ?? '';
    return { ...questionInfo({ verb: a.verb ?? '', group: '', resource: '' }), isResourceRequest: false, path, apiPrefix: '', apiVersion: '' };
  }
  const a = stringFields(spec.resourceAttributes, RESOURCE_FIELDS, 'resourceAttributes', 'ResourceAttributes');
  return questionInfo({ verb: a.verb ?? '', group: a.group ?? '', version: a.version ?? '', resource: a.resource ?? '', subresource: a.subresource ?? '', namespace: a.namespace ?? '', name: a.name ?? '' });
}

/** The handler of `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`. */
export function selfSubjectAccessReviewHandler(authorizer: Authorizer) {
  return async (req: Request, res: Response): Promise<void> => {
    const { format } = negotiate(req.headers.accept, { protobuf: true, shape: 'object' });
    const body = parseBody(takeBody(req), req.headers['content-type'], { kind: KIND, protobuf: PROTOBUF }).value;
    if (body.apiVersion !== undefined && body.apiVersion !== `${GROUP}/v1`) {
      throw badRequest(`the API version in the data (${JSON.stringify(body.apiVersion)}) does not match the expected API version (${GROUP}/v1)`);
    }
    if (body.kind !== undefined && body.kind !== KIND) throw badRequest(`Object kind in the data (${JSON.stringify(body.kind)}) does not match the expected kind (${KIND})`);
    const spec = isPlainObject(body.spec) ? body.spec : {};
    const user = res.locals.user as UserInfo;
    const result = await authorizer.authorize({ user, info: infoOf(spec) });
    const status: Record<string, unknown> = { allowed: result.decision === 'allow' };
    if (result.decision === 'deny') status.denied = true;
    if (result.reason !== undefined && result.reason !== '') status.reason = result.reason;
    if (result.error !== undefined) status.evaluationError = result.error;
    const review = { kind: KIND, apiVersion: `${GROUP}/v1`, metadata: {}, spec, status };
    if (format !== 'protobuf') {
      sendBody(res, 201, review, format);
      return;
    }
    res.locals.responseBody = review;
    res.status(201).type(PROTOBUF_MEDIA_TYPE).send(encodeEnveloped(protobufCodecs().message(MESSAGE), review, { ...review, metadata: {} }));
  };
}
