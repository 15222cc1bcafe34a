/**
 * `/openapi/v2` as gnostic's `openapi.v2.Document`: every definition, path, operation, parameter and
 * response of the JSON document is in the message, vendor extensions carry their values as YAML, and
 * protoc (independent of protobufjs) decodes the bytes against the same `.proto` file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gadget, widget } from './testdata.js';
import { buildV2Document } from './v2.js';
import { decodeOpenAPIV2, encodeOpenAPIV2 } from './v2-protobuf.js';

type Message = Record<string, unknown>;
const PROTO_DIR = fileURLToPath(new URL('./proto', import.meta.url));

const list = (v: unknown): Message[] => (Array.isArray(v) ? (v as Message[]) : []);
const obj = (v: unknown): Message => (typeof v === 'object' && v !== null ? (v as Message) : {});
const names = (v: unknown) => list(v).map((e) => e.name);
/** A vendor extension's value: the YAML text of the message is JSON here, which YAML parsers read alike. */
const extension = (m: unknown, name: string): unknown => {
  const yaml = obj(obj(list(obj(m).vendor_extension).find((e) => e.name === name)).value).yaml;
  return typeof yaml === 'string' ? JSON.parse(yaml) : undefined;
};

describe('openapi/v2 in protobuf', () => {
  const doc = buildV2Document([widget, gadget], { title: 'Test', version: 'v1.0.0' });
  const json = JSON.parse(JSON.stringify(doc)) as Record<string, Record<string, Record<string, unknown>>>;
  const bytes = encodeOpenAPIV2(json);
  const msg = decodeOpenAPIV2(bytes);

  it('keeps the envelope, every definition in order and the definitions\' group-version-kinds', () => {
    assert.equal(msg.swagger, '2.0');
    assert.deepEqual(pickInfo(msg.info), { title: 'Test', version: 'v1.0.0' });
    const defs = list(obj(msg.definitions).additional_properties);
    assert.deepEqual(names(defs), Object.keys(json.definitions ?? {}));
    for (const def of defs) {
      const source = obj(json.definitions?.[String(def.name)]);
      const value = obj(def.value);
      assert.deepEqual(names(obj(value.properties).additional_properties), Object.keys(obj(source.properties)), String(def.name));
      assert.deepEqual(extension(value, 'x-kubernetes-group-version-kind'), source['x-kubernetes-group-version-kind'], String(def.name));
      if (source.type !== undefined) assert.deepEqual(obj(value.type).value, [source.type], String(def.name));
    }
    const security = list(obj(msg.security_definitions).additional_properties);
    assert.deepEqual(security.map((s) => [s.name, obj(obj(s.value).api_key_security).in]), [['BearerToken', 'header']]);
  });

  it('keeps every path, operation, parameter and response', () => {
    const paths = list(obj(msg.paths).path);
    assert.deepEqual(names(paths), Object.keys(json.paths ?? {}));
    for (const p of paths) {
      const source = obj(json.paths?.[String(p.name)]);
      for (const method of ['get', 'put', 'post', 'patch', 'delete']) {
        const want = obj(source[method]);
        const got = obj(obj(p.value)[method]);
        assert.equal(got.operation_id, want.operationId, `${String(p.name)} ${method}`);
        if (want.operationId === undefined) continue;
        assert.deepEqual(got.consumes, want.consumes);
        assert.deepEqual(extension(got, 'x-kubernetes-action'), want['x-kubernetes-action']);
        assert.deepEqual(extension(got, 'x-kubernetes-group-version-kind'), want['x-kubernetes-group-version-kind']);
        const params = list(got.parameters).map((x) => obj(x.parameter));
        assert.deepEqual(params.map(parameterName), list(want.parameters).map((x) => x.name));
        assert.deepEqual(names(obj(got.responses).response_code), Object.keys(obj(want.responses)));
      }
      assert.deepEqual(list(obj(p.value).parameters).map((x) => parameterName(obj(x.parameter))), list(source.parameters).map((x) => x.name));
    }
  });

  it('puts body parameters with their schema and query parameters with their type in their oneofs', () => {
    const create = list(obj(msg.paths).path)
      .map((p) => obj(obj(p.value).post))
      .find((op) => op.operation_id !== undefined);
    const body = list(create?.parameters).map((x) => obj(obj(x.parameter).body_parameter)).find((b) => b.name === 'body');
    assert.ok(body !== undefined, 'a body parameter');
    assert.match(String(obj(body.schema)._ref), /^#\/definitions\//);
    const dryRun = list(create?.parameters)
      .map((x) => obj(obj(obj(x.parameter).non_body_parameter).query_parameter_sub_schema))
      .find((q) => q.name === 'dryRun');
    assert.equal(dryRun?.type, 'string');
    assert.equal(dryRun?.in, 'query');
  });

  it('is read by protoc against the same .proto file', () => {
    const text = execFileSync('protoc', [`-I${PROTO_DIR}`, '-I/usr/include', '--decode=openapi.v2.Document', 'OpenAPIv2.proto'], { input: Buffer.from(bytes) }).toString('utf8');
    assert.match(text, /^swagger: "2\.0"$/m);
    for (const name of Object.keys(json.definitions ?? {})) assert.ok(text.includes(`name: "${name}"`), name);
  });
});

function pickInfo(info: unknown): Message {
  const { title, version } = obj(info);
  return { title, version };
}

/** The name of a parameter message, body or not. */
function parameterName(p: Message): unknown {
  const body = obj(p.body_parameter);
  if (body.name !== undefined) return body.name;
  const sub = Object.values(obj(p.non_body_parameter))[0];
  return obj(sub).name;
}
