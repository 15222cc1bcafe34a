/** Writing responses: JSON bodies, Status errors and `Warning: 299` headers. */
import type { Response } from 'express';
import type { Status } from '../apimachinery/types.js';

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

/** Sends `body` as JSON with `code`, plus any warnings. */
export function sendJson(res: Response, code: number, body: unknown, warnings: readonly string[] = []): void {
  // A request that timed out was already answered with 504; its late result is dropped.
  if (res.headersSent) return;
  // Kept for the audit filter (RequestResponse level); it decides what may be recorded.
  res.locals.responseBody = body;
  if (warnings.length > 0) res.setHeader('Warning', [...new Set(warnings)].map(warningHeader));
  const json = JSON.stringify(body);
  res.status(code).setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

/** Sends a Status (error or success) with its own code. */
export function sendStatus(res: Response, status: Status): void {
  if (status.code === 429 && status.details?.retryAfterSeconds !== undefined) {
    res.setHeader('Retry-After', String(status.details.retryAfterSeconds));
  }
  sendJson(res, status.code, status);
}
