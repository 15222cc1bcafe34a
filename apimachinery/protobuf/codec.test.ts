import assert from 'node:assert/strict';
import { protocDecode, protocEncode } from '../../test/support/protoc.js';
import { rawExampleShoot } from '../../test/support/shoot/fixtures.js';
import { normalizeDurations } from '../../registry/shoot/decode.js';
import { shootDefinitions, shootSchema } from '../../registry/shoot/schema/index.js';
import { decodeMessage, encodeEnveloped, openEnvelope, ProtobufError, protobufCodecs, readWatchFrames, watchFrame } from './index.js';
import protobuf from 'protobufjs';

const CORE = 'github.com.gardener.gardener.pkg.apis.core.v1beta1';
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** Message body of `value` as `message`, encoded by the server's codec. */
function encode(message: string, value: unknown): Uint8Array {
  const w = protobuf.Writer.create();
  protobufCodecs().message(message).write(value, w, '');
  return w.finish();
}

function decode(message: string, bytes: Uint8Array): unknown {
  return decodeMessage(protobufCodecs().message(message), bytes);
}

/** The upstream example Shoot with every field enabled, as the server stores it after a JSON create. */
function storedExampleShoot(): Record<string, unknown> {
  const shoot = rawExampleShoot(true) as unknown as Record<string, unknown>;
  const spec = shoot.spec as Record<string, any>;
  // A value Go's duration parser refuses has no protobuf form (the server keeps it only from JSON).
  spec.kubernetes.kubeAPIServer.serviceAccountConfig.maxTokenExpiration = '1080h';
  normalizeDurations(shoot, shootSchema, shootDefinitions, 'Shoot');
  delete shoot.apiVersion;
  delete shoot.kind;
  shoot.metadata = { name: 'crazy-botany', namespace: 'garden-dev', uid: '0ac2b1c4-5e1b-4a5b-9a1e-3f0b7f5a2c11', creationTimestamp: '2024-05-06T07:08:09Z' };
  return JSON.parse(JSON.stringify(shoot, (_k, v: unknown) => (v === null ? undefined : v))) as Record<string, unknown>;
}

describe('protobuf codec', () => {
  it('round-trips the upstream example Shoot, every field enabled, without loss', () => {
    const shoot = storedExampleShoot();
    const back = decode(`${CORE}.Shoot`, encode(`${CORE}.Shoot`, shoot));
    assert.deepEqual(back, shoot);
  });

  it('is read by protoc, and reads what protoc writes back, field for field', () => {
    const shoot = storedExampleShoot();
    const text = protocDecode(`${CORE}.Shoot`, encode(`${CORE}.Shoot`, shoot));
    // Embedded structs are nested messages, durations nanoseconds, raw extensions JSON bytes.
    assert.match(text, /kubeAPIServer \{\n\s+kubernetesConfig \{\n\s+featureGates \{\n\s+key: "SomeKubernetesFeature"\n\s+value: true/);
    assert.match(text, /eventTTL \{\n\s+duration: 3600000000000\n/);
    assert.match(text, /providerConfig \{\n\s+raw: "\{\\"apiVersion\\":\\"foobar.extensions.gardener.cloud\/v1alpha1\\"/);
    assert.match(text, /creationTimestamp \{\n\s+seconds: 1714979289\n\s+nanos: 0\n/);
    const again = decode(`${CORE}.Shoot`, protocEncode(`${CORE}.Shoot`, text));
    assert.deepEqual(again, shoot);
  });

  it("writes a Time's seconds and nanos 0 whatever its fraction, as Go's ProtoTime does", () => {
    const meta = protocDecode(`${META}.ObjectMeta`, encode(`${META}.ObjectMeta`, { creationTimestamp: '2024-05-06T07:08:09.75Z' }));
    assert.match(meta, /creationTimestamp \{\n\s+seconds: 1714979289\n\s+nanos: 0\n/);
    const entry = protocDecode(`${META}.ManagedFieldsEntry`, encode(`${META}.ManagedFieldsEntry`, { manager: 'm', time: '2024-05-06T07:08:09.123456Z' }));
    assert.match(entry, /time \{\n\s+seconds: 1714979289\n\s+nanos: 0\n/);
  });

  it('converts the types whose JSON is not an object of their fields', () => {
    const cases: [string, Record<string, unknown>, Record<string, unknown>][] = [
      // metav1.Time: UTC, whole seconds
      [`${META}.ObjectMeta`, { creationTimestamp: '2024-05-06T09:08:09.75+02:00' }, { creationTimestamp: '2024-05-06T07:08:09Z' }],
      // metav1.Duration: Go's canonical text
      [`${CORE}.KubeAPIServerConfig`, { eventTTL: '90m' }, { eventTTL: '1h30m0s' }],
      [`${CORE}.KubeAPIServerConfig`, { eventTTL: '1.5s' }, { eventTTL: '1.5s' }],
      // resource.Quantity: its text; numbers become text
      [`${CORE}.KubeletConfigReserved`, { memory: '1Gi', cpu: 2 }, { memory: '1Gi', cpu: '2' }],
      // intstr.IntOrString
      [`${CORE}.Worker`, { name: 'a', minimum: 0, maximum: 0, maxSurge: 1, maxUnavailable: '25%' }, { name: 'a', minimum: 0, maximum: 0, maxSurge: 1, maxUnavailable: '25%' }],
      // runtime.RawExtension: any JSON
      [`${CORE}.Extension`, { type: 'x', providerConfig: { a: [1, { b: null }], c: 'd' } }, { type: 'x', providerConfig: { a: [1, { b: null }], c: 'd' } }],
      // bytes: base64 in JSON
      [`${CORE}.InternalSecret`, { data: { 'ca.crt': 'AAEC/w==' }, type: 'Opaque' }, { data: { 'ca.crt': 'AAEC/w==' }, type: 'Opaque' }],
      // map<string, bool>, embedded in KubernetesConfig
      [`${CORE}.KubeletConfig`, { featureGates: { A: true, B: false } }, { featureGates: { A: true, B: false } }],
      // nullable named slices (CapabilityValues) are JSON arrays
      [`${CORE}.CloudProfileSpec`, { type: 't', machineCapabilities: [{ name: 'architecture', values: ['amd64', 'arm64'] }] }, { type: 't', machineCapabilities: [{ name: 'architecture', values: ['amd64', 'arm64'] }] }],
      // managedFields: FieldsV1 is raw JSON
      [`${META}.ObjectMeta`, { managedFields: [{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }] }, { managedFields: [{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }] }],
      // JSON null is an unset field
      [`${CORE}.Extension`, { type: 'x', providerConfig: null, disabled: null }, { type: 'x' }],
    ];
    for (const [message, json, expected] of cases) assert.deepEqual(decode(message, encode(message, json)), expected, JSON.stringify(json));
  });

  it("drops the zero values Go writes for its omitempty value fields, and keeps pointers' zero values", () => {
    // What a Go client sends: every non-pointer field, zero or not.
    const text = [
      'metadata { name: "s" generateName: "" namespace: "garden-dev" selfLink: "" uid: "" resourceVersion: "" generation: 0 creationTimestamp {} }',
      'spec { kubernetes { version: "" } hibernation { enabled: false } purpose: "" }',
      'status { hibernated: false technicalID: "" uid: "" observedGeneration: 0 }',
    ].join('\n');
    const json = decode(`${CORE}.Shoot`, protocEncode(`${CORE}.Shoot`, text));
    assert.deepEqual(json, {
      metadata: { name: 's', namespace: 'garden-dev' },
      // hibernation.enabled and purpose are pointers: a sent false or "" stays; kubernetes.version is omitempty.
      spec: { kubernetes: {}, hibernation: { enabled: false }, purpose: '' },
      // hibernated, technicalID and uid have no omitempty: Go's JSON writes their zero values.
      status: { hibernated: false, technicalID: '', uid: '' },
    });
  });

  it('envelopes objects as runtime.Unknown behind the k8s magic', () => {
    const codec = protobufCodecs().message(`${CORE}.InternalSecret`);
    const body = encodeEnveloped(codec, { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret' }, { metadata: { name: 'a' }, data: { k: 'dg==' } });
    assert.deepEqual([...body.subarray(0, 4)], [0x6b, 0x38, 0x73, 0x00]);
    const unknown = protocDecode('k8s.io.apimachinery.pkg.runtime.Unknown', body.subarray(4));
    assert.match(unknown, /^typeMeta \{\n\s+apiVersion: "core.gardener.cloud\/v1beta1"\n\s+kind: "InternalSecret"\n\}\nraw: ".*"\ncontentEncoding: ""\ncontentType: ""\n$/s);
    const opened = openEnvelope(body);
    assert.equal(opened.kind, 'InternalSecret');
    assert.deepEqual(decodeMessage(codec, opened.raw), { metadata: { name: 'a' }, data: { k: 'dg==' } });
  });

  it("refuses bodies that are not enveloped protobuf, with Go's messages", () => {
    assert.throws(() => openEnvelope(Buffer.alloc(0)), { message: 'empty data' });
    assert.throws(() => openEnvelope(Buffer.from('{"kind":"Shoot"}')), { message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]' });
    assert.throws(() => openEnvelope(Buffer.from([0x6b, 0x38, 0x73, 0x00])), { message: 'empty body' });
    assert.throws(() => openEnvelope(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x20, 0x01])), ProtobufError);
  });

  it('refuses malformed messages instead of guessing', () => {
    // metadata (field 1) as a varint instead of a message
    assert.throws(() => decode(`${CORE}.Shoot`, Buffer.from([0x08, 0x01])), { message: 'proto: wrong wireType = 0 for field metadata' });
    // a length beyond the end
    assert.throws(() => decode(`${CORE}.Shoot`, Buffer.from([0x0a, 0x10, 0x0a])), ProtobufError);
    // a raw extension that is not JSON
    const ext = protocEncode(`${CORE}.Extension`, 'type: "x" providerConfig { raw: "not json" }');
    assert.throws(() => decode(`${CORE}.Extension`, ext), /raw extension is not JSON/);
  });

  it('refuses JSON values that have no protobuf form', () => {
    assert.throws(() => encode(`${CORE}.KubeAPIServerConfig`, { eventTTL: '45d' }), /eventTTL: time: unknown unit "d" in duration "45d"/);
    assert.throws(() => encode(`${CORE}.Worker`, { name: 1 }), /\.name: the value does not fit protobuf type string/);
    assert.throws(() => encode(`${META}.ObjectMeta`, { creationTimestamp: 'yesterday' }), /invalid time/);
  });

  it('frames watch events as length-prefixed meta/v1 WatchEvents', () => {
    const codec = protobufCodecs().message(`${CORE}.InternalSecret`);
    const object = encodeEnveloped(codec, { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'InternalSecret' }, { metadata: { name: 'a' } });
    const first = watchFrame('ADDED', object);
    const frames = Buffer.concat([first, watchFrame('BOOKMARK', object)]);
    assert.equal(frames.readUInt32BE(0), first.length - 4);
    const event = protocDecode(`${META}.WatchEvent`, first.subarray(4));
    assert.match(event, /^type: "ADDED"\nobject \{\n\s+raw: "k8s\\000/);
    const { events, rest } = readWatchFrames(Buffer.concat([frames, frames.subarray(0, 3)]));
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'BOOKMARK']);
    assert.deepEqual(Buffer.from(events[0]?.object ?? []), object);
    assert.equal(rest.length, 3);
  });
});
