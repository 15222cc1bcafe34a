/** EncryptionConfiguration files for servers that tests start on etcd (where one is required). */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `<dir>/encryption.yaml`: InternalSecrets encrypted with AES-CBC under `key` (32 bytes,
 * random when absent), identity as the read fallback. Returns the file's path.
 */
export function writeAescbcConfig(dir: string, key: Buffer = randomBytes(32)): string {
  const file = join(dir, 'encryption.yaml');
  const yaml = [
    'apiVersion: apiserver.config.k8s.io/v1',
    'kind: EncryptionConfiguration',
    'resources:',
    '- resources: ["internalsecrets.core.gardener.cloud"]',
    '  providers:',
    '  - aescbc:',
    `      keys: [{name: k1, secret: "${key.toString('base64')}"}]`,
    '  - identity: {}',
    '',
  ];
  writeFileSync(file, yaml.join('\n'));
  return file;
}
