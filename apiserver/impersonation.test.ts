/** The impersonation filter on its own, with authorizers that misbehave on purpose. */
import assert from 'node:assert/strict';
import type { NextFunction, Request, Response } from 'express';
import { isStatusError } from '../apimachinery/errors.js';
import type { Authorizer } from './authz/types.js';
import { withImpersonation } from './impersonation.js';

function run(authz: Authorizer, headers: Record<string, string>): Promise<unknown> {
  const req = {
    rawHeaders: Object.entries(headers).flat(),
    headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
    headersDistinct: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), [v]])),
  } as unknown as Request;
  const res = { locals: { user: { name: 'alice', groups: ['system:authenticated'] } } } as unknown as Response;
  return new Promise((resolve) => {
    void withImpersonation(authz)(req, res, ((e?: unknown) => resolve(e ?? res.locals.user)) as NextFunction);
  });
}

describe('impersonation filter', () => {
  it('answers 403 when the authorizer fails, as kube-apiserver does, not 500', async () => {
    const failing: Authorizer = { authorize: async () => ({ decision: 'noOpinion', error: 'webhook unreachable' }) };
    const e = await run(failing, { 'Impersonate-User': 'bob' });
    assert.ok(isStatusError(e));
    assert.equal(e.status.code, 403);
    assert.match(e.status.message ?? '', /^users "bob" is forbidden: User "alice" cannot impersonate resource "users"/);
  });

  it('impersonates when allowed', async () => {
    const allowing: Authorizer = { authorize: async () => ({ decision: 'allow' }) };
    assert.deepEqual(await run(allowing, { 'Impersonate-User': 'bob' }), { name: 'bob', groups: ['system:authenticated'] });
  });
});
