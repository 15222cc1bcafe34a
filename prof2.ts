import { protobufCodecs, encodeEnveloped } from './apimachinery/protobuf/index.js';
import { exampleShoot } from './registry/shoot/testing.js';
import { normalizeDurations } from './registry/shoot/decode.js';
import { shootDefinitions, shootSchema } from './registry/shoot/schema/index.js';
const base = exampleShoot(true) as any;
base.spec.kubernetes.kubeAPIServer.serviceAccountConfig.maxTokenExpiration = '1080h';
normalizeDurations(base, shootSchema, shootDefinitions, 'Shoot');
const items = Array.from({ length: 1000 }, (_, i) => { const s = structuredClone(base); s.metadata = { name: `s${i}`, namespace: 'ns', uid: crypto.randomUUID(), resourceVersion: String(1000 + i), creationTimestamp: '2024-05-06T07:08:09Z', generation: 1 }; return JSON.parse(JSON.stringify(s, (_k, v) => v === null ? undefined : v)); });
const list = { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'ShootList', metadata: { resourceVersion: '5000' }, items };
const c = protobufCodecs().message('github.com.gardener.gardener.pkg.apis.core.v1beta1.ShootList');
const N = 20;
for (let r = 0; r < 3; r++) {
let t = performance.now(); let len = 0; for (let i = 0; i < N; i++) len = encodeEnveloped(c, { apiVersion: 'core.gardener.cloud/v1beta1', kind: 'ShootList' }, list).length; const pb = (performance.now() - t) / N;
t = performance.now(); let jl = 0; for (let i = 0; i < N; i++) jl = Buffer.byteLength(JSON.stringify(list)); const js = (performance.now() - t) / N;
t = performance.now(); for (let i = 0; i < N; i++) Buffer.from(JSON.stringify(list)); const jsb = (performance.now() - t) / N;
console.log(`pb ${pb.toFixed(1)} ms (${len} B)  json ${js.toFixed(1)} ms (${jl} B)  json+buffer ${jsb.toFixed(1)} ms`);
}
import protobuf from 'protobufjs';
const item = protobufCodecs().message('github.com.gardener.gardener.pkg.apis.core.v1beta1.Shoot');
for (let r = 0; r < 3; r++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) {
    const parts: Uint8Array[] = [];
    for (const it of items) { const w = protobuf.Writer.create(); item.write(it, w, ''); parts.push(w.finish()); }
  }
  console.log('per-item writers', ((performance.now() - t) / N).toFixed(1), 'ms');
}
