import assert from 'node:assert/strict';
import type { StatusError } from '../apimachinery/errors.js';
import { statusOf } from '../test/support/status.js';
import { validateWriteOptions, type Query } from './query.js';

const refusal = (q: Query, kind: string, patch?: { apply: boolean }): StatusError => statusOf(() => validateWriteOptions(q, kind, patch));

describe('write options', () => {
  it('reports every invalid option at once, in the order of ValidateCreateOptions', () => {
    const e = refusal({ fieldValidation: 'bogus', fieldManager: '\x01x', dryRun: 'x' }, 'CreateOptions');
    assert.equal(e.code, 422);
    assert.equal(
      e.status.message,
      'CreateOptions.meta.k8s.io "" is invalid: [fieldManager: Invalid value: "\\x01x": invalid character U+0001 (at position 0), dryRun: Unsupported value: []string{"x"}: supported values: "All", fieldValidation: Unsupported value: "bogus": supported values: "", "Ignore", "Strict", "Warn"]',
    );
    assert.deepEqual(e.status.details?.causes?.map((c) => c.field), ['fieldManager', 'dryRun', 'fieldValidation']);
  });

  it('requires fieldManager for apply and forbids force on other patches, before the other rules', () => {
    const apply = refusal({ dryRun: ['All', 'x'] }, 'PatchOptions', { apply: true });
    assert.equal(apply.status.message, 'PatchOptions.meta.k8s.io "" is invalid: [fieldManager: Required value: is required for apply patch, dryRun: Unsupported value: []string{"All", "x"}: supported values: "All"]');
    const merge = refusal({ force: 'false' }, 'PatchOptions', { apply: false });
    assert.equal(merge.status.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');
  });

  it('accepts valid options', () => {
    validateWriteOptions({ fieldManager: 'kubectl', force: 'true', dryRun: 'All', fieldValidation: 'Strict' }, 'PatchOptions', { apply: true });
    validateWriteOptions({}, 'PatchOptions', { apply: false });
    validateWriteOptions({ fieldValidation: '' }, 'UpdateOptions');
  });
});
