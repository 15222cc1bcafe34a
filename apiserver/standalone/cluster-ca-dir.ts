/**
 * Standalone mode's source of shoot cluster CA bundles: a directory of Kubernetes manifests.
 *
 * **Format.** Every file directly in the directory whose name ends in `.yaml`, `.yml` or `.json` and
 * does not start with `.` is read (following symlinks, so a mounted ConfigMap volume works; other files
 * and sub-directories are ignored). A file holds one or more objects: YAML documents separated by
 * `---`, a JSON object, or a list (`kind: List`, or any `*List` kind, with `items`). Used are:
 *
 * - `apiVersion: v1`, `kind: ConfigMap`, `metadata.name: <shoot>.ca-cluster`,
 *   `metadata.namespace: <the shoot's project namespace>`, `data["ca.crt"]`: the PEM bundle;
 * - `apiVersion: v1`, `kind: Secret` with the same name and namespace and `data["ca.crt"]` (base64) or
 *   `stringData["ca.crt"]` (plain): the legacy form, read only when no such ConfigMap exists.
 *
 * Other objects are ignored; objects without a namespace are ignored and reported. When several files
 * define the same object, the file whose name sorts last wins. The `<shoot>.ca-cluster` ConfigMaps are
 * also served read-only as `v1` ConfigMaps (see {@link ClusterCADirectorySource.configMapObjects}),
 * where gardenctl reads them. For example:
 *
 * ```yaml
 * apiVersion: v1
 * kind: ConfigMap
 * metadata:
 *   name: my-shoot.ca-cluster
 *   namespace: garden-dev
 * data:
 *   ca.crt: |
 *     -----BEGIN CERTIFICATE-----
 *     ...
 *     -----END CERTIFICATE-----
 * ```
 *
 * **Reloading.** The directory is re-read when it changes: `fs.watch` triggers a rescan at once where it
 * works, and a poll (every 2 s by default) compares each file's size, mtime and inode, which also covers
 * file systems without change notifications; a lookup of a bundle not found rescans before it answers. A file that fails to parse keeps its last good content
 * until it is fixed; the error is reported once per distinct message.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isPlainObject, type KubeObject } from '../../apimachinery/types.js';
import { isUUID, nameBasedUID } from '../../apimachinery/uid.js';
import { CLUSTER_CA_SUFFIX, clusterCASourceFrom, type ClusterCALookups, type ClusterCASource } from '../../registry/kubeconfig/cluster-ca.js';

/** Options of {@link ClusterCADirectorySource}. */
export interface ClusterCADirectoryOptions {
  /** Poll interval in ms (default 2000; 0 disables polling). */
  pollIntervalMs?: number;
  /** Use `fs.watch` to notice changes at once (default true). */
  watch?: boolean;
  /** Told about unreadable files and objects that are ignored. */
  onError?: (err: Error, file?: string) => void;
}

type Data = Record<string, string>;

/** What is kept of a ConfigMap's metadata, to serve it as an object. */
export interface ConfigMapMeta {
  labels?: Data;
  annotations?: Data;
  uid?: string;
  creationTimestamp?: string;
}

interface ParsedFile {
  fingerprint: string;
  /** When the file last changed (ms): the served objects' resourceVersion and default creation time. */
  mtimeMs?: number;
  configMaps: [string, Data][];
  configMapMeta: [string, ConfigMapMeta][];
  secrets: [string, Data][];
}

const EXTENSIONS = ['.yaml', '.yml', '.json'];

function stringMap(v: unknown): Data {
  const out: Data = {};
  if (!isPlainObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

function metaOf(meta: Record<string, unknown>): ConfigMapMeta {
  const out: ConfigMapMeta = {};
  if (isPlainObject(meta.labels)) out.labels = stringMap(meta.labels);
  if (isPlainObject(meta.annotations)) out.annotations = stringMap(meta.annotations);
  if (typeof meta.uid === 'string') out.uid = meta.uid;
  if (typeof meta.creationTimestamp === 'string') out.creationTimestamp = meta.creationTimestamp;
  return out;
}

/** Expands lists and returns the plain objects of a parsed document. */
function objectsOf(doc: unknown): Record<string, unknown>[] {
  if (!isPlainObject(doc)) return [];
  if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) return doc.items.flatMap(objectsOf);
  return [doc];
}

/** The ConfigMaps and Secrets of one file's text. Throws on YAML/JSON errors. */
export function parseManifests(text: string, report: (msg: string) => void = () => undefined): Omit<ParsedFile, 'fingerprint'> {
  const parsed: Omit<ParsedFile, 'fingerprint'> = { configMaps: [], configMapMeta: [], secrets: [] };
  // Errors without the parser's excerpt of the text: a Secret's lines may be in it.
  for (const doc of parseAllDocuments(text, { prettyErrors: false })) {
    const first = doc.errors[0];
    if (first !== undefined) throw new Error(`line ${text.slice(0, first.pos[0]).split('\n').length}: ${first.message}`);
    for (const obj of objectsOf(doc.toJSON())) {
      if (obj.apiVersion !== 'v1' || (obj.kind !== 'ConfigMap' && obj.kind !== 'Secret')) continue;
      const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
      const name = typeof meta.name === 'string' ? meta.name : '';
      const namespace = typeof meta.namespace === 'string' ? meta.namespace : '';
      if (name === '' || namespace === '') {
        report(`${obj.kind} ${JSON.stringify(name)} has no ${name === '' ? 'name' : 'namespace'}; ignored`);
        continue;
      }
      if (obj.kind === 'ConfigMap') {
        parsed.configMaps.push([`${namespace}/${name}`, stringMap(obj.data)]);
        parsed.configMapMeta.push([`${namespace}/${name}`, metaOf(meta)]);
        continue;
      }
      const data = stringMap(obj.data);
      for (const [k, v] of Object.entries(stringMap(obj.stringData))) data[k] = Buffer.from(v, 'utf8').toString('base64');
      parsed.secrets.push([`${namespace}/${name}`, data]);
    }
  }
  return parsed;
}

function objectKey(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
}

function configMapObject(namespace: string, name: string, data: Data, meta: ConfigMapMeta, mtimeMs: number): KubeObject {
  const metadata: KubeObject['metadata'] = {
    name,
    namespace,
    uid: meta.uid !== undefined && isUUID(meta.uid) ? meta.uid : nameBasedUID(`configmap/${namespace}/${name}`),
    resourceVersion: String(Math.floor(mtimeMs)),
    creationTimestamp: meta.creationTimestamp ?? new Date(Math.floor(mtimeMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
  };
  if (meta.labels !== undefined && Object.keys(meta.labels).length > 0) metadata.labels = meta.labels;
  if (meta.annotations !== undefined && Object.keys(meta.annotations).length > 0) metadata.annotations = meta.annotations;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

/** Cluster CA bundles from a directory of ConfigMap/Secret manifests (see the module comment). */
export class ClusterCADirectorySource implements ClusterCASource {
  private files = new Map<string, ParsedFile>();
  private configMaps = new Map<string, Data>();
  private secrets = new Map<string, Data>();
  private readonly reported = new Map<string, string>();
  private readonly source: ClusterCASource;
  private loaded: Promise<void> | undefined;
  private scanning: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    readonly dir: string,
    private readonly opts: ClusterCADirectoryOptions = {},
  ) {
    // A miss re-reads the directory first: a manifest written just before the request is always seen.
    const lookup = async (objects: () => Map<string, Data>, key: string) => {
      await this.start();
      if (!objects().has(key)) await this.reload();
      return objects().get(key);
    };
    const lookups: ClusterCALookups = {
      configMapData: (ns, name) => lookup(() => this.configMaps, `${ns}/${name}`),
      secretData: (ns, name) => lookup(() => this.secrets, `${ns}/${name}`),
    };
    this.source = clusterCASourceFrom(lookups);
  }

  /** Reads the directory and starts watching it (idempotent); resolves after the first read. */
  start(): Promise<void> {
    if (this.loaded === undefined) {
      this.loaded = this.reload();
      const interval = this.opts.pollIntervalMs ?? 2000;
      if (interval > 0) {
        this.timer = setInterval(() => void this.reload(), interval);
        this.timer.unref();
      }
      if (this.opts.watch ?? true) this.startWatch();
    }
    return this.loaded;
  }

  /** Stops polling and watching. */
  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
  }

  get(namespace: string, shootName: string): Promise<string> {
    return this.source.get(namespace, shootName);
  }

  /**
   * The `<shoot>.ca-cluster` ConfigMaps as `v1` objects, in `namespace` (all when ''), sorted by
   * namespace and name. Without a UID (or with one that is not a UUID) in the manifest, the UID is derived
   * from namespace and name; the resourceVersion is the file's modification time in milliseconds.
   */
  async configMapObjects(namespace = ''): Promise<KubeObject[]> {
    await this.start();
    const out: KubeObject[] = [];
    for (const file of this.files.values()) {
      const metas = new Map(file.configMapMeta);
      for (const [key, data] of file.configMaps) {
        const [ns = '', name = ''] = key.split('/');
        if (!name.endsWith(`.${CLUSTER_CA_SUFFIX}`) || (namespace !== '' && ns !== namespace)) continue;
        if (this.configMaps.get(key) !== data) continue;
        out.push(configMapObject(ns, name, data, metas.get(key) ?? {}, file.mtimeMs ?? 0));
      }
    }
    return out.sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
  }

  /** Re-reads changed files now (a scan already running is followed by one more). */
  reload(): Promise<void> {
    if (this.scanning !== undefined) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.again = false;
        await this.scan();
      } while (this.again);
    })().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private startWatch(): void {
    try {
      this.watcher = fsWatch(this.dir, { persistent: false }, () => {
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload(), 50);
        this.debounce.unref();
      });
      this.watcher.on('error', (e: Error) => this.report('', `watching ${this.dir}: ${e.message}`));
    } catch (e: unknown) {
      this.report('', `watching ${this.dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private report(file: string, message: string): void {
    if (this.reported.get(file) === message) return;
    this.reported.set(file, message);
    this.opts.onError?.(new Error(message), file === '' ? undefined : file);
  }

  private async listFiles(): Promise<string[]> {
    try {
      const names = await readdir(this.dir);
      this.reported.delete('');
      return names.filter((n) => !n.startsWith('.') && EXTENSIONS.some((ext) => n.endsWith(ext))).sort();
    } catch (e: unknown) {
      this.report('', `reading ${this.dir}: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  private async scan(): Promise<void> {
    const next = new Map<string, ParsedFile>();
    for (const name of await this.listFiles()) {
      const parsed = await this.readFile(name);
      if (parsed !== undefined) next.set(name, parsed);
    }
    this.files = next;
    this.configMaps = new Map([...next.values()].flatMap((f) => f.configMaps));
    this.secrets = new Map([...next.values()].flatMap((f) => f.secrets));
  }

  /** The parsed file: unchanged -> cached; unreadable -> the last good content (or nothing). */
  private async readFile(name: string): Promise<ParsedFile | undefined> {
    const path = join(this.dir, name);
    const old = this.files.get(name);
    try {
      const st = await stat(path);
      if (!st.isFile()) return undefined;
      const fingerprint = `${st.size}:${st.mtimeMs}:${st.ino}`;
      if (old !== undefined && old.fingerprint === fingerprint) return old;
      const parsed = parseManifests(await readFile(path, 'utf8'), (msg) => this.report(path, `${path}: ${msg}`));
      this.reported.delete(path);
      return { fingerprint, mtimeMs: st.mtimeMs, ...parsed };
    } catch (e: unknown) {
      this.report(path, `${path}: ${e instanceof Error ? e.message : String(e)}`);
      return old;
    }
  }
}
