import assert from 'node:assert/strict';
import { errorString, type FieldError } from '../../apimachinery/field.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { validateProject, validateProjectStatusUpdate, validateProjectUpdate } from './validation/index.js';
import { defaultProject } from './defaults.js';

type Json = Record<string, unknown>;
const user = (name: string): Json => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });

/** The valid project the upstream validation tests start from (v1beta1 form: first role in `role`). */
function project(): KubeObject & { spec: Json } {
  return {
    apiVersion: 'core.gardener.cloud/v1beta1',
    kind: 'Project',
    metadata: { name: 'project-1' },
    spec: {
      createdBy: user('john.doe@example.com'),
      owner: user('john.doe@example.com'),
      members: [
        { ...user('alice.doe@example.com'), role: 'admin' },
        { ...user('bob.doe@example.com'), role: 'viewer', roles: ['uam'] },
      ],
    },
  };
}

/** `type field` of each error, the way upstream's matchers look at them. */
const shape = (errs: FieldError[]): string[] => errs.map((e) => `${e.type} ${e.field}`).sort();
const expectShape = (errs: FieldError[], want: string[]): void => assert.deepEqual(shape(errs), [...want].sort(), errs.map(errorString).join('\n'));
const members = (p: KubeObject): Json[] => (p.spec as Json).members as Json[];

function updated(old: KubeObject, edit: (p: KubeObject & { spec: Json }) => void): FieldError[] {
  const next = structuredClone(old) as KubeObject & { spec: Json };
  next.metadata.resourceVersion = '1';
  edit(next);
  return validateProjectUpdate(next, old);
}

describe('registry/project validation (gardener pkg/api/core/validation/project.go)', () => {
  it('accepts the base project', () => expectShape(validateProject(project()), []));

  describe('metadata', () => {
    const cases: [string, string | undefined, string[]][] = [
      ['empty metadata', undefined, ['Required metadata.name']],
      ['empty name', '', ['Required metadata.name']],
      ["'.' in the name", 'project.a', []],
      ["'_' in the name", 'project_a', ['Invalid metadata.name']],
      ['too long name', 'project-name-too-long', ['TooLong metadata.name']],
      ['two consecutive hyphens', 'in--valid', ['Invalid metadata.name']],
    ];
    for (const [title, name, want] of cases) {
      it(title, () => {
        const p = project();
        p.metadata = name === undefined ? {} : { name };
        expectShape(validateProject(p), want);
      });
    }

    it('prints the too-long and hyphen messages as Gardener does', () => {
      const p = project();
      p.metadata.name = 'a--bcdefghijk';
      assert.deepEqual(validateProject(p).map(errorString), [
        'metadata.name: Too long: may not be more than 10 bytes',
        'metadata.name: Invalid value: "a--bcdefghijk": name may not contain two consecutive hyphens',
      ]);
    });
  });

  describe('spec.namespace', () => {
    const reserved = 'Project namespaces [gardener-system-seed-lease, gardener-system-shoot-issuer, gardener-system-public] are reserved by Gardener';
    const rfc1123 =
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const cases: [string, string[]][] = [
      ['gardener-system-seed-lease', [`spec.namespace: Invalid value: "gardener-system-seed-lease": ${reserved}`]],
      ['gardener-system-shoot-issuer', [`spec.namespace: Invalid value: "gardener-system-shoot-issuer": ${reserved}`]],
      ['gardener-system-public', [`spec.namespace: Invalid value: "gardener-system-public": ${reserved}`]],
      ['foo', ['spec.namespace: Invalid value: "foo": must start with garden-']],
      ['garden-foo%bar', [`spec.namespace: Invalid value: "garden-foo%bar": ${rfc1123}`]],
      ['garden', []],
      ['garden-dev', []],
    ];
    for (const [ns, want] of cases) {
      it(ns, () => {
        const p = project();
        p.spec.namespace = ns;
        assert.deepEqual(validateProject(p).map(errorString), want);
      });
    }
  });

  for (const field of ['description', 'purpose'] as const) {
    describe(`spec.${field}`, () => {
      const cases: [string, string | undefined, string[]][] = [
        ['unset', undefined, []],
        ['valid text with letters of any script', `This is a project ${field}, 庭師.`, []],
        ['empty', '', [`Required spec.${field}`]],
        ['special characters', '<foo>', [`Forbidden spec.${field}`]],
      ];
      for (const [title, value, want] of cases) {
        it(title, () => {
          const p = project();
          if (value !== undefined) p.spec[field] = value;
          expectShape(validateProject(p), want);
        });
      }

      it('names the invalid characters', () => {
        const p = project();
        p.spec[field] = '<foo>';
        assert.deepEqual(validateProject(p).map(errorString), [`spec.${field}: Forbidden: must not contain invalid character: ['<' '>']`]);
      });

      it('keeps an already accepted invalid text on update', () => {
        const p = project();
        p.spec[field] = '<foo>';
        expectShape(updated(p, () => {}), []);
      });

      it('rejects special characters when the text changes', () => {
        const p = project();
        p.spec[field] = 'foo';
        expectShape(
          updated(p, (n) => (n.spec[field] = '<foo>')),
          [`Forbidden spec.${field}`],
        );
      });
    });
  }

  describe('spec.members', () => {
    it('rejects an invalid service account user name', () => {
      const p = project();
      members(p).push({ ...user('system:serviceaccount:abcd'), role: 'viewer' });
      assert.deepEqual(validateProject(p).map(errorString), [
        'spec.members[2].name: Invalid value: "system:serviceaccount:abcd": unsupported service account user name: "system:serviceaccount:abcd"',
      ]);
    });

    it('rejects duplicate members; a service account user name is the service account', () => {
      const p = project();
      members(p).push(
        { ...user('system:serviceaccount:foo:bar'), role: 'viewer' },
        { kind: 'ServiceAccount', name: 'bar', namespace: 'foo', role: 'viewer' },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'baz', role: 'viewer' },
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'baz', role: 'viewer' },
      );
      const errs = validateProject(p);
      expectShape(errs, ['Duplicate spec.members[3]', 'Duplicate spec.members[5]']);
      assert.equal(
        errorString(errs[0]!),
        // Go marshals the internal member to JSON: the embedded Subject's tagged fields, then `Roles`.
        'spec.members[3]: Duplicate value: {"kind":"ServiceAccount","name":"bar","namespace":"foo","Roles":["viewer"]}',
      );
    });

    const roleCases: [string, string[], string[]][] = [
      ['duplicate roles', ['admin', 'viewer', 'viewer'], ['Duplicate spec.members[0].roles[2]']],
      ['role repeated in roles (dropped by conversion)', ['admin', 'admin'], []],
      ['unknown role without extension prefix', ['unknown-role'], ['NotSupported spec.members[0].roles[0]']],
      ['too long extension role', ['extension:astringthatislongerthan15chars'], ['TooLong spec.members[0].roles[0]']],
      ['extension role with invalid characters', ['extension:/?as'], ['Invalid spec.members[0].roles[0]']],
      ['extension role of 11 characters in 22 bytes', ['extension:üüüüüüüüüüü'], ['TooLong spec.members[0].roles[0]']],
      ['unknown role with extension prefix', ['extension:unknown-role'], []],
      ['every built-in role', ['owner', 'admin', 'viewer', 'uam', 'serviceaccountmanager'], []],
    ];
    for (const [title, roles, want] of roleCases) {
      it(title, () => {
        const p = project();
        const [role, ...rest] = roles;
        members(p)[0] = { ...user('alice.doe@example.com'), role, ...(rest.length > 0 && { roles: rest }) };
        expectShape(validateProject(p), want);
      });
    }

    it('sees repeated roles when no `role` is set (no conversion moves them)', () => {
      const p = project();
      members(p)[0] = { ...user('alice.doe@example.com'), roles: ['admin', 'admin'] };
      defaultProject(p);
      expectShape(validateProject(p), ['Duplicate spec.members[0].roles[1]']);
    });

    it('lists the supported roles in the NotSupported message', () => {
      const p = project();
      members(p)[0]!.role = 'unknown-role';
      assert.deepEqual(validateProject(p).map(errorString), [
        'spec.members[0].roles[0]: Unsupported value: "unknown-role": supported values: "admin", "owner", "serviceaccountmanager", "uam", "viewer", "extension:*"',
      ]);
    });

    it('allows the owner role only once', () => {
      const p = project();
      members(p)[0]!.roles = ['owner'];
      members(p)[1]!.roles = ['uam', 'owner'];
      assert.deepEqual(validateProject(p).map(errorString), ['spec.members[1].roles[2]: Forbidden: cannot have more than one member having the owner role']);
    });
  });

  describe('subjects (owner, createdBy, members)', () => {
    const cases: [string, string, string, string, string, string][] = [
      ['empty name', 'rbac.authorization.k8s.io', 'User', '', '', 'Required name'],
      ['unknown kind', 'rbac.authorization.k8s.io', 'unknown', 'foo', '', 'NotSupported kind'],
      ['service account with an API group', 'apps/v1beta1', 'ServiceAccount', 'foo', 'default', 'NotSupported apiGroup'],
      ['service account with an invalid name', '', 'ServiceAccount', 'foo-', 'default', 'Invalid name'],
      ['service account without namespace', '', 'ServiceAccount', 'foo', '', 'Required namespace'],
      ['service account with an invalid namespace', '', 'ServiceAccount', 'foo', 'foo%bar', 'Invalid namespace'],
      ['user with another API group', 'rbac.authorization.invalid', 'User', 'john.doe@example.com', '', 'NotSupported apiGroup'],
      ['user with a namespace', 'rbac.authorization.k8s.io', 'User', 'john.doe@example.com', 'garden', 'Forbidden namespace'],
      ['group with another API group', 'rbac.authorization.invalid', 'Group', 'groupname', '', 'NotSupported apiGroup'],
      ['group with a namespace', 'rbac.authorization.k8s.io', 'Group', 'groupname', 'garden', 'Forbidden namespace'],
    ];
    for (const [title, apiGroup, kind, name, namespace, want] of cases) {
      it(title, () => {
        const p = project();
        const subject = { apiGroup, kind, name, namespace };
        p.spec.owner = subject;
        p.spec.createdBy = subject;
        p.spec.members = [{ ...subject, role: 'admin' }];
        const [type, field] = want.split(' ');
        expectShape(validateProject(p), [`${type} spec.owner.${field}`, `${type} spec.createdBy.${field}`, `${type} spec.members[0].${field}`]);
      });
    }
  });

  describe('spec.tolerations', () => {
    it('rejects empty, duplicate and malformed tolerations in defaults and whitelist', () => {
      const list = [
        {},
        { key: 'foo' },
        { key: 'foo' },
        { key: 'bar', value: 'baz' },
        { key: 'bar', value: 'baz' },
        { key: 'baz' },
        { key: 'baz', value: 'baz' },
        { key: '!nvalid', value: 'va!ue' },
        { key: 'n'.repeat(64) },
      ];
      const p = project();
      p.spec.tolerations = { defaults: list, whitelist: list };
      const errs = validateProject(p);
      const per = (f: string): string[] => [
        `Required spec.tolerations.${f}[0].key`,
        `Duplicate spec.tolerations.${f}[2]`,
        `Duplicate spec.tolerations.${f}[4]`,
        `Duplicate spec.tolerations.${f}[6]`,
        `Invalid spec.tolerations.${f}[7].key`,
        `Invalid spec.tolerations.${f}[7].value`,
        `Invalid spec.tolerations.${f}[8].key`,
      ];
      expectShape(errs, [...per('defaults'), ...per('whitelist')]);
      const long = errs.find((e) => e.field === 'spec.tolerations.defaults[8].key');
      // The wording of the label-key rules of the apimachinery release the server follows everywhere.
      assert.equal(long?.detail, 'name part must be no more than 63 characters');
      assert.equal(errs.find((e) => e.field === 'spec.tolerations.defaults[7].value')?.badValue, 'va!ue');
    });

    it('rejects a default toleration that the whitelist does not allow', () => {
      const p = project();
      p.spec.tolerations = { defaults: [{ key: 'foo' }] };
      assert.deepEqual(validateProject(p).map(errorString), ['spec.tolerations.defaults[0]: Forbidden: only the following tolerations are allowed: []']);
    });

    it('accepts a default toleration the whitelist names by key or key and value', () => {
      const p = project();
      p.spec.tolerations = { defaults: [{ key: 'a' }, { key: 'b', value: 'x' }], whitelist: [{ key: 'a' }, { key: 'b', value: 'x' }] };
      expectShape(validateProject(p), []);
    });
  });

  describe('spec.dualApprovalForDeletion', () => {
    const cases: [string, Json[], string[]][] = [
      ['empty resource', [{}], ['Required spec.dualApprovalForDeletion[0].resource']],
      ['unsupported resource', [{ resource: 'foos' }], ['NotSupported spec.dualApprovalForDeletion[0].resource']],
      ['duplicate resources', [{ resource: 'shoots' }, { resource: 'shoots' }], ['Duplicate spec.dualApprovalForDeletion[1].resource']],
      [
        'invalid label selector',
        [{ resource: 'shoots', selector: { matchLabels: { foo: 'no/slash/allowed' } } }],
        ['Invalid spec.dualApprovalForDeletion[0].selector.matchLabels'],
      ],
      ['valid configuration', [{ resource: 'shoots', selector: { matchLabels: {} }, includeServiceAccounts: false }], []],
    ];
    for (const [title, config, want] of cases) {
      it(title, () => {
        const p = project();
        p.spec.dualApprovalForDeletion = config;
        expectShape(validateProject(p), want);
      });
    }
  });

  describe('update', () => {
    const nsCases: [string, string | undefined, string | undefined, string[]][] = [
      ['namespace change with a preset namespace', 'garden-dev', 'garden-core', ['Invalid spec.namespace']],
      ['namespace set for the first time', undefined, 'garden-core', []],
      ['both unset', undefined, undefined, []],
      ['same value', 'garden-dev', 'garden-dev', []],
    ];
    for (const [title, before, after, want] of nsCases) {
      it(title, () => {
        const p = project();
        if (before !== undefined) p.spec.namespace = before;
        expectShape(
          updated(p, (n) => {
            if (after === undefined) delete n.spec.namespace;
            else n.spec.namespace = after;
          }),
          want,
        );
      });
    }

    it('keeps createdBy immutable', () => {
      const errs = updated(project(), (n) => ((n.spec.createdBy as Json).name = 'some-other-user'));
      assert.deepEqual(errs.map(errorString), [
        'spec.createdBy: Invalid value: {"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"some-other-user"}: field is immutable',
      ]);
    });

    it('does not let the owner be reset', () => {
      expectShape(
        updated(project(), (n) => delete n.spec.owner),
        ['Invalid spec.owner'],
      );
    });

    it('does not let the status phase be emptied', () => {
      const old = { ...project(), status: { phase: 'Ready' } };
      const next = { ...structuredClone(old), status: {} };
      assert.deepEqual(validateProjectStatusUpdate(next, old).map(errorString), ['status.phase: Invalid value: "": phase cannot be updated to an empty string']);
      assert.deepEqual(validateProjectStatusUpdate(old, { ...old, status: {} }), []);
    });
  });
});
