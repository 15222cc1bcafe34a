/**
 * `/openapi/v2` (JSON, or protobuf as gnostic's `openapi.v2.Document`), `/openapi/v3` and
 * `/openapi/v3/apis/<g>/<v>` (JSON; 406 for protobuf-only requests), ETag with 304, `Vary: Accept`, and
 * hashed immutable v3 URLs (a stale hash is redirected).
 */
import { endMaybeCompressed } from './compress.js';
import express, { type Request, type Response, type Router } from 'express';
import { notAcceptable, pathNotFound } from '../apimachinery/errors.js';
import { OpenAPIDocuments, type SerializedDocument } from '../openapi/documents.js';
import { OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_DEPRECATED } from '../openapi/v2-protobuf.js';
import { parseAccept } from './negotiation.js';
import type { ResourceIndex } from './resources.js';

function acceptsJson(accept: string | undefined): boolean {
  return parseAccept(accept).some((c) => c.type === 'application/json' || c.type === '*/*' || c.type === 'application/*');
}

/**
 * Whether `/openapi/v2` is asked for in protobuf: the first acceptable clause, by quality, names one of
 * its media types (compared as text: the older name's `@` is no token character, so media-type
 * parsers refuse it).
 */
function prefersV2Protobuf(accept: string | undefined): boolean {
  const clauses = (accept ?? '')
    .split(',')
    .map((part) => {
      const [type = '', ...params] = part.split(';').map((x) => x.trim());
      const q = params.find((x) => /^q=/i.test(x));
      return { type: type.toLowerCase(), q: q === undefined ? 1 : Number(q.slice(2)) };
    })
    .filter((c) => c.type !== '' && c.q > 0)
    .sort((a, b) => b.q - a.q);
  const protobufTypes = [OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_DEPRECATED];
  const first = clauses.find((c) => protobufTypes.includes(c.type) || ['application/json', 'application/*', '*/*'].includes(c.type));
  return first !== undefined && protobufTypes.includes(first.type);
}

/** OpenAPI v2 is served gzip-encoded to clients that accept it, as kube-openapi's v2 handler does. */
function serveV2(req: Request, res: Response, docs: OpenAPIDocuments): void {
  if (!prefersV2Protobuf(req.headers.accept)) return serve(req, res, docs.v2(), {}, true);
  const doc = docs.v2Protobuf();
  res.setHeader('Vary', 'Accept');
  res.setHeader('ETag', doc.etag);
  if (req.headers['if-none-match'] === doc.etag) {
    res.status(304).end();
    return;
  }
  res.status(200).setHeader('Content-Type', OPENAPI_V2_PROTOBUF);
  endMaybeCompressed(res, Buffer.from(doc.bytes.buffer, doc.bytes.byteOffset, doc.bytes.byteLength));
}

function serve(req: Request, res: Response, doc: SerializedDocument, extraHeaders: Record<string, string> = {}, compress = false): void {
  res.setHeader('Vary', 'Accept');
  if (!acceptsJson(req.headers.accept)) throw notAcceptable(['application/json']);
  res.setHeader('ETag', doc.etag);
  for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  if (req.headers['if-none-match'] === doc.etag) {
    res.status(304).end();
    return;
  }
  res.status(200).setHeader('Content-Type', 'application/json');
  if (compress) endMaybeCompressed(res, doc.json);
  else res.end(doc.json);
}

/** Router for the OpenAPI endpoints of the served resources. */
export function openapiRouter(index: ResourceIndex): Router {
  const docs = new OpenAPIDocuments(index.descriptors());
  const router = express.Router();
  router.get('/openapi/v2', (req, res) => serveV2(req, res, docs));
  router.get('/openapi/v3', (req, res) => serve(req, res, docs.v3Index()));
  router.get('/openapi/v3/*tail', (req, res) => {
    const tail = (req.params as { tail: string[] }).tail.join('/');
    const doc = docs.v3ByPath(tail);
    if (doc === undefined) throw pathNotFound();
    const hash = typeof req.query.hash === 'string' ? req.query.hash : undefined;
    if (hash !== undefined && hash !== doc.hash) {
      res.redirect(301, doc.serverRelativeURL);
      return;
    }
    const immutable: Record<string, string> =
      hash === undefined ? {} : { 'Cache-Control': 'public, immutable', Expires: new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString() };
    serve(req, res, doc, immutable);
  });
  return router;
}
