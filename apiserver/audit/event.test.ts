import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { decodeRequestBody, incomingAuditID, responseStatusOf, sourceIPs, userAgentOf, withoutManagedFields } from './event.js';
import { microTime, nowMs } from './types.js';

function req(headers: Record<string, string | string[]>, remoteAddress = '::ffff:127.0.0.1'): IncomingMessage {
  return { headers, socket: { remoteAddress } } as unknown as IncomingMessage;
}

describe('audit event fields', () => {
  it('formats MicroTime with six fractional digits', () => {
    assert.equal(microTime(Date.UTC(2026, 10, 21, 5, 55, 0, 123) + 0.4567), '2026-11-21T05:55:00.123456Z');
    assert.equal(microTime(Date.UTC(2026, 0, 1)), '2026-01-01T00:00:00.000000Z');
    assert.ok(Math.abs(nowMs() - Date.now()) <= 2);
  });

  it('lists source IPs like utilnet.SourceIPs', () => {
    assert.deepEqual(sourceIPs(req({})), ['127.0.0.1']);
    assert.deepEqual(sourceIPs(req({ 'x-forwarded-for': '10.0.0.1, junk ,2001:db8::1', 'x-real-ip': '10.0.0.1' })), ['10.0.0.1', '2001:db8::1', '127.0.0.1']);
    assert.deepEqual(sourceIPs(req({ 'x-real-ip': '10.0.0.9' })), ['10.0.0.9', '127.0.0.1']);
    assert.deepEqual(sourceIPs(req({ 'x-forwarded-for': '127.0.0.1' })), ['127.0.0.1'], 'the peer is not repeated');
    assert.equal(sourceIPs(req({ 'x-forwarded-for': Array(500).fill('10.0.0.1').join(',') })).length, 65, 'bounded');
  });

  it('accepts sane incoming audit IDs only', () => {
    assert.equal(incomingAuditID(req({ 'audit-id': ' abc-123 ' })), 'abc-123');
    assert.equal(incomingAuditID(req({})), undefined);
    assert.equal(incomingAuditID(req({ 'audit-id': 'x'.repeat(257) })), undefined);
    assert.equal(incomingAuditID(req({ 'audit-id': 'caf\u00e9' })), undefined);
  });

  it('truncates long user agents as upstream does', () => {
    assert.equal(userAgentOf(req({ 'user-agent': 'a'.repeat(2000) })), `${'a'.repeat(1024)}...TRUNCATED`);
    assert.equal(userAgentOf(req({})), undefined);
  });

  it('copies a Status into the response status, and for sensitive requests only status and reason', () => {
    const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Invalid', message: 'data[k]: secret', details: { name: 'x', causes: [{ message: 'secret' }] }, code: 422 };
    assert.deepEqual(responseStatusOf(422, status, false), { metadata: {}, code: 422, status: 'Failure', reason: 'Invalid', message: 'data[k]: secret', details: { name: 'x', causes: [{ message: 'secret' }] } });
    assert.deepEqual(responseStatusOf(422, status, true), { metadata: {}, code: 422, status: 'Failure', reason: 'Invalid' });
    assert.deepEqual(responseStatusOf(200, { kind: 'Shoot' }, false), { metadata: {}, code: 200 });
  });

  it('decodes JSON and YAML bodies, and nothing else', () => {
    assert.deepEqual(decodeRequestBody(Buffer.from('{"a":1}'), 'application/merge-patch+json'), { a: 1 });
    assert.deepEqual(decodeRequestBody(Buffer.from('a: 1\n'), 'application/apply-patch+yaml; charset=utf-8'), { a: 1 });
    assert.equal(decodeRequestBody(Buffer.from('{bad'), 'application/json'), undefined);
    assert.equal(decodeRequestBody(Buffer.from('x'), 'application/octet-stream'), undefined);
    assert.equal(decodeRequestBody(undefined, 'application/json'), undefined);
  });

  it('drops managedFields from objects and list items', () => {
    const mf = [{ manager: 'm' }];
    assert.deepEqual(withoutManagedFields({ metadata: { name: 'a', managedFields: mf } }), { metadata: { name: 'a' } });
    assert.deepEqual(withoutManagedFields({ kind: 'List', items: [{ metadata: { managedFields: mf } }] }), { kind: 'List', items: [{ metadata: {} }] });
    assert.equal(withoutManagedFields('x'), 'x');
  });
});
