import { protobufCodecs } from './apimachinery/protobuf/index.js';
import { exampleShoot } from './registry/shoot/testing.js';
import { normalizeDurations } from './registry/shoot/decode.js';
import { shootDefinitions, shootSchema } from './registry/shoot/schema/index.js';
import protobuf from 'protobufjs';
const base = exampleShoot(true) as any;
base.spec.kubernetes.kubeAPIServer.serviceAccountConfig.maxTokenExpiration = '1080h';
normalizeDurations(base, shootSchema, shootDefinitions, 'Shoot');
const shoot = JSON.parse(JSON.stringify(base, (_k, v) => v === null ? undefined : v));
const c = protobufCodecs().message('github.com.gardener.gardener.pkg.apis.core.v1beta1.Shoot');
const w0 = protobuf.Writer.create(); c.write(shoot, w0, ''); const bytes = w0.finish();
const json = JSON.stringify(shoot);
const N = 20000;
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (let i = 0; i < N; i++) { const w = protobuf.Writer.create(); c.write(shoot, w, ''); w.finish(); } const enc = (performance.now() - t) / N * 1000;
  t = performance.now(); for (let i = 0; i < N; i++) { c.read(protobuf.Reader.create(bytes), bytes.length); } const dec = (performance.now() - t) / N * 1000;
  t = performance.now(); for (let i = 0; i < N; i++) { Buffer.from(JSON.stringify(shoot)); } const jenc = (performance.now() - t) / N * 1000;
  t = performance.now(); for (let i = 0; i < N; i++) { JSON.parse(json); } const jdec = (performance.now() - t) / N * 1000;
  console.log(`enc pb ${enc.toFixed(1)}us json ${jenc.toFixed(1)}us | dec pb ${dec.toFixed(1)}us json ${jdec.toFixed(1)}us`);
}
