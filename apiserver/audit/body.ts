/**
 * Which request bodies an audit event may carry: only those a handler has taken up, as kube-apiserver's
 * handlers record the object they decode (create, update, patch, delete). A body sent to a path nothing
 * serves (a 404 after authorization) is read off the connection but never recorded.
 */
import type { IncomingMessage } from 'node:http';

const taken = new WeakSet<IncomingMessage>();

/** The request's body as received (empty when there is none), marked as taken up by its handler. */
export function takeBody(req: IncomingMessage & { body?: unknown }): Buffer {
  taken.add(req);
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Whether a handler has taken up the request's body. */
export function bodyTaken(req: IncomingMessage): boolean {
  return taken.has(req);
}
