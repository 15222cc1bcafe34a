/**
 * `/openapi/v2`, `/openapi/v3` and `/openapi/v3/apis/<g>/<v>`: JSON only (406 for protobuf-only
 * requests), ETag with 304, `Vary: Accept`, and hashed immutable v3 URLs (a stale hash is redirected).
 */
import express, { type Request, type Response, type Router } from 'express';
import { notAcceptable, pathNotFound } from '../apimachinery/errors.js';
import { OpenAPIDocuments, type SerializedDocument } from '../openapi/documents.js';
import { parseAccept } from './negotiation.js';
import type { ResourceIndex } from './resources.js';

function acceptsJson(accept: string | undefined): boolean {
  return parseAccept(accept).some((c) => c.type === 'application/json' || c.type === '*/*' || c.type === 'application/*');
}

function serve(req: Request, res: Response, doc: SerializedDocument, extraHeaders: Record<string, string> = {}): void {
  res.setHeader('Vary', 'Accept');
  if (!acceptsJson(req.headers.accept)) throw notAcceptable(['application/json']);
  res.setHeader('ETag', doc.etag);
  for (const [k, v] of Object.entries(extraHeaders)) res.setHeader(k, v);
  if (req.headers['if-none-match'] === doc.etag) {
    res.status(304).end();
    return;
  }
  res.status(200).setHeader('Content-Type', 'application/json');
  res.end(doc.json);
}

/** Router for the OpenAPI endpoints of the served resources. */
export function openapiRouter(index: ResourceIndex): Router {
  const docs = new OpenAPIDocuments(index.descriptors());
  const router = express.Router();
  router.get('/openapi/v2', (req, res) => serve(req, res, docs.v2()));
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
