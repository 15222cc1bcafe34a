/** Writing responses: JSON, YAML or protobuf bodies, Status errors and `Warning: 299` headers. */
import type { Response } from 'express';
import type { Status } from '../apimachinery/types.js';
import type { ResourceDescriptor } from '../registry/types.js';
import { encodeBody } from './encode.js';
import { mediaTypeOf, prettyRequested, type Format } from './negotiation.js';
import { endMaybeCompressed } from './compress.js';

/** Formats a warning the way Kubernetes does: `299 - "<text>"` with quotes and backslashes escaped. */
export function warningHeader(text: string): string {
  // eslint-disable-next-line no-control-regex
  // Header values are Latin-1: other characters are written as \uXXXX escapes.
  const clean = text
    .replace(/[\x00-\x1f\x7f]/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[^\x20-\xff]/gu, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
  return `299 - "${clean}"`;
}

/**
 * Sends `body` as `format` with `code`, plus any warnings. Protobuf bodies are encoded with the message
 * of the body's kind among those of resource `d` (see encode.ts); `stored` marks a stored version of an
 * object of `d`, whose encoding may be kept and reused.
 */
export function sendBody(res: Response, code: number, body: unknown, format: Format, d?: ResourceDescriptor, warnings: readonly string[] = [], stored = false): void {
  // A request that timed out was already answered with 504; its late result is dropped.
  if (res.headersSent) return;
  const data = format === 'json' && prettyRequested(res.req) ? JSON.stringify(body, null, 2) : encodeBody(d, body, format, stored);
  // Kept for the audit filter (RequestResponse level); it decides what may be recorded.
  res.locals.responseBody = body;
  if (warnings.length > 0) res.setHeader('Warning', [...new Set(warnings)].map(warningHeader));
  res.status(code).setHeader('Content-Type', mediaTypeOf(format));
  endMaybeCompressed(res, data);
}

/** Sends `body` as JSON with `code`, plus any warnings. */
export function sendJson(res: Response, code: number, body: unknown, warnings: readonly string[] = []): void {
  sendBody(res, code, body, 'json', undefined, warnings);
}

/** Sends a Status (error or success) with its own code. */
export function sendStatus(res: Response, status: Status, format: Format = 'json'): void {
  if (status.code === 429 && status.details?.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(status.details.retryAfterSeconds));
  }
  sendBody(res, status.code, status, format);
}
