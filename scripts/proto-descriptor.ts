/**
 * Writes `apimachinery/protobuf/descriptor.json`: the protobuf wire format of the kinds this server
 * serves, as a protobufjs JSON descriptor (message names, field names, numbers and types; no comments),
 * pruned to the messages reachable from the served API groups and the meta/v1 and runtime messages the
 * server speaks. Input: the upstream `generated.proto` files laid out by import path.
 *
 *   npx tsx scripts/proto-descriptor.ts [proto-root]   (default: ../shared/reference/proto)
 *
 * `apimachinery/protobuf/descriptor.test.ts` checks that the committed file is what this writes.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDescriptor } from '../apimachinery/protobuf/descriptor-build.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const protoRoot = resolve(process.argv[2] ?? resolve(here, '../../shared/reference/proto'));
const out = resolve(here, '../apimachinery/protobuf/descriptor.json');
writeFileSync(out, `${JSON.stringify(buildDescriptor(protoRoot), null, 1)}\n`);
console.log(`wrote ${out}`);
