/** Responses read as bytes whatever their media type (YAML, protobuf), for the tests of negotiation. */
import type supertest from 'supertest';
import { binary } from './protobuf.js';

/** A response as sent: status, Content-Type, ETag and the body's bytes. */
export interface RawResponse {
  status: number;
  type: string;
  etag: string | undefined;
  body: Buffer;
}

/** Sends `t` with `Accept: accept`; resolves with the response as sent. */
export async function fetchRaw(t: supertest.Test, accept: string): Promise<RawResponse> {
  const res = await binary(t.set('Accept', accept));
  return { status: res.status, type: String(res.headers['content-type']), etag: res.headers.etag, body: res.body as Buffer };
}
