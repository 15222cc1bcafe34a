/**
 * `npm run bench [-- section...]`: figures measured side by side in one run, printed with ratios;
 * nothing is asserted. Sections: sqlite, etcd, kubeconfig, watches, reencryption, protobuf, validation (default: all). BENCH_N sets the operations
 * per row (default 2000).
 */
import { benchEtcd } from './etcd.js';
import { benchKubeconfig } from './kubeconfig.js';
import { benchProtobuf } from './protobuf.js';
import { benchReencryption } from './reencryption.js';
import { benchSqlite } from './sqlite.js';
import { benchValidation } from './validation.js';
import { benchWatches } from './watches.js';

const SECTIONS: Record<string, (n: number) => Promise<string[]>> = {
  sqlite: benchSqlite,
  etcd: benchEtcd,
  kubeconfig: benchKubeconfig,
  watches: benchWatches,
  reencryption: benchReencryption,
  protobuf: benchProtobuf,
  validation: benchValidation,
};

async function main(): Promise<void> {
  const n = Number(process.env.BENCH_N ?? 2000);
  const wanted = process.argv.slice(2).filter((a) => a !== '--');
  const names = wanted.length > 0 ? wanted : Object.keys(SECTIONS);
  process.stdout.write(`garden-apiserver benchmark, ${n} operations per row, ${new Date().toISOString()}\n`);
  for (const name of names) {
    const section = SECTIONS[name];
    if (section === undefined) throw new Error(`unknown section ${name}; known: ${Object.keys(SECTIONS).join(', ')}`);
    process.stdout.write(`\n[${name}]\n${(await section(n)).join('\n')}\n`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
