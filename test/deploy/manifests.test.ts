/**
 * deploy/ fits together: every kustomization under deploy/ is rendered with `kubectl kustomize` (a
 * Component together with deploy/base) and the objects are checked against each other and against the
 * server itself: its flags (`buildCommand()`), its served group-versions (`SERVED_KINDS`), its entry
 * point (package.json) and the source folders its entry point imports (the Dockerfile). When openssl is
 * installed, deploy/generate-secrets.sh is run and its Secrets are checked against the volumes; when
 * etcd is installed too, the server is started with the Deployment's own flags on those files.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { ALWAYS_ENCRYPTED } from '../../apiserver/encryption.js';
import { silentLogger } from '../../apiserver/log.js';
import { buildCommand, parseOptions, type ServerOptions } from '../../apiserver/options.js';
import { SERVED_KINDS } from '../../apiserver/resources-table.js';
import { runServer } from '../../apiserver/run.js';
import { loadEncryptionConfigFile } from '../../storage/encryption/config.js';
import { requireCovers } from '../../storage/encryption/standalone.js';
import { freePort, startEtcd, type EtcdCluster } from '../support/etcd.js';
import { until } from '../support/wait.js';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DEPLOY = join(REPO, 'deploy');
const BASE = join(DEPLOY, 'base');
/** The overlays' caBundle until the operator sets it (not base64 on purpose: `kubectl apply` refuses it). */
const CA_BUNDLE_PLACEHOLDER = 'REPLACE-WITH-base64-of-ca.crt';
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'APIService', 'PriorityClass', 'StorageClass', 'CustomResourceDefinition']);
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];
const ALL_VERBS = ['get', 'list', 'watch', ...WRITE_VERBS];

// Rendered manifests are plain YAML: typed loosely, checked by the assertions.
type Obj = Record<string, any>;

interface Kustomization {
  dir: string;
  /** Path under deploy/ (`base`, `overlays/example`, `etcd`). */
  rel: string;
  component: boolean;
}

/** Every directory under deploy/ with a kustomization file, in path order. */
function discoverKustomizations(): Kustomization[] {
  const found: Kustomization[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const file = entries.find((e) => e.isFile() && ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].includes(e.name));
    if (file !== undefined) {
      const doc = parseAllDocuments(readFileSync(join(dir, file.name), 'utf8'))[0]?.toJS() as Obj | undefined;
      found.push({ dir, rel: relative(DEPLOY, dir), component: doc?.kind === 'Component' });
    }
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(DEPLOY);
  return found;
}

function kustomize(dir: string): string {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error !== undefined) throw new Error(`kubectl kustomize ${dir}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${r.stderr}`);
  return r.stdout;
}

/** Renders a kustomization; a Component is rendered on top of deploy/base. */
function render(k: Kustomization): Obj[] {
  let text: string;
  if (k.component) {
    const tmp = mkdtempSync(join(tmpdir(), 'garden-apiserver-kustomize-'));
    try {
      // kustomize wants relative paths to other kustomizations.
      writeFileSync(
        join(tmp, 'kustomization.yaml'),
        `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ${relative(tmp, BASE)}\ncomponents:\n- ${relative(tmp, k.dir)}\n`,
      );
      text = kustomize(tmp);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } else {
    text = kustomize(k.dir);
  }
  return parseYamlDocs(text, k.rel);
}

function parseYamlDocs(text: string, source: string): Obj[] {
  const objects: Obj[] = [];
  for (const doc of parseAllDocuments(text)) {
    if ('errors' in doc && doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const o = doc.toJS() as unknown;
    if (o !== null && o !== undefined) objects.push(o as Obj);
  }
  return objects;
}

const id = (o: Obj) => `${o.kind} ${o.metadata?.namespace === undefined ? '' : `${o.metadata.namespace}/`}${o.metadata?.name}`;
const ofKind = (objects: Obj[], kind: string) => objects.filter((o) => o.kind === kind);
const find = (objects: Obj[], kind: string, name: string, namespace?: string) =>
  objects.find((o) => o.kind === kind && o.metadata?.name === name && (namespace === undefined || o.metadata?.namespace === namespace));

/** A label selector (matchLabels form, or a Service's plain map) selects these labels. */
function selects(selector: Obj | undefined, labels: Obj | undefined): boolean {
  if (selector === undefined || selector === null) return false;
  const matchLabels: Obj = 'matchLabels' in selector || 'matchExpressions' in selector ? (selector.matchLabels ?? {}) : selector;
  assert.equal(selector.matchExpressions, undefined, 'matchExpressions are not used in deploy/ (keep selectors plain)');
  const entries = Object.entries(matchLabels);
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** `--name=value` / `--name` -> [name, value]; everything else is refused (no positional arguments). */
function splitFlag(arg: string): [string, string | undefined] {
  const m = /^(--[a-z0-9][a-z0-9-]*)(?:=(.*))?$/s.exec(arg);
  assert.ok(m !== null, `argument ${JSON.stringify(arg)} is not of the form --flag or --flag=value`);
  return [m[1] as string, m[2]];
}

/** The container's value of `$(NAME)`, from its env (a value, a ConfigMap key, or the pod's own fields). */
function envValue(name: string, container: Obj, workload: Obj, objects: Obj[]): string {
  const entry = (container.env ?? []).find((e: Obj) => e.name === name) as Obj | undefined;
  assert.ok(entry !== undefined, `$(${name}) is used in ${container.name}'s args but not defined in its env`);
  if (typeof entry.value === 'string') return entry.value;
  const cmRef = entry.valueFrom?.configMapKeyRef as Obj | undefined;
  if (cmRef !== undefined) {
    const cm = find(objects, 'ConfigMap', cmRef.name, workload.metadata.namespace);
    assert.ok(cm !== undefined, `env ${name} refers to ConfigMap ${cmRef.name}, which is not rendered`);
    const v = cm.data?.[cmRef.key] as unknown;
    assert.equal(typeof v, 'string', `ConfigMap ${cmRef.name} has no key ${cmRef.key}`);
    return v as string;
  }
  const field = entry.valueFrom?.fieldRef?.fieldPath as string | undefined;
  if (field === 'metadata.namespace') return workload.metadata.namespace as string;
  if (field === 'metadata.name') return workload.kind === 'StatefulSet' ? `${workload.metadata.name}-0` : `${workload.metadata.name}-pod`;
  assert.fail(`env ${name} of ${container.name}: unsupported source ${JSON.stringify(entry.valueFrom)}`);
}

/** `$(NAME)` references expanded the way the kubelet does (for the first pod of a StatefulSet). */
function expandArgs(container: Obj, workload: Obj, objects: Obj[]): string[] {
  return ((container.args ?? []) as string[]).map((a) => a.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_, n: string) => envValue(n, container, workload, objects)));
}

/** Parses the server's flags like `main.ts` does, throwing instead of exiting. */
function parseServerArgs(args: string[]): ServerOptions {
  const cmd = buildCommand()
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  return parseOptions(args, cmd);
}

/** The server's flags that name a file or a directory, from their `<file>` / `<dir>` placeholders. */
function serverPathFlags(): Map<string, 'file' | 'dir'> {
  const m = new Map<string, 'file' | 'dir'>();
  for (const o of buildCommand().options) {
    if (o.long === undefined) continue;
    if (/<file>|\[file\]/.test(o.flags)) m.set(o.long, 'file');
    else if (/<dir>|\[dir\]/.test(o.flags)) m.set(o.long, 'dir');
  }
  return m;
}

/** The volume behind a path in a container, by the longest mount path that contains it. */
function mountFor(path: string, container: Obj): { mount: Obj; rel: string } | undefined {
  let best: { mount: Obj; rel: string } | undefined;
  for (const mount of (container.volumeMounts ?? []) as Obj[]) {
    const mp = (mount.mountPath as string).replace(/\/+$/, '');
    if (path !== mp && !path.startsWith(`${mp}/`)) continue;
    if (best === undefined || mp.length > (best.mount.mountPath as string).length) best = { mount, rel: path.slice(mp.length).replace(/^\//, '') };
  }
  return best;
}

type VolumeKind = 'secret' | 'configMap' | 'writable';

function volumeOf(name: string, workload: Obj): { kind: VolumeKind; volume: Obj } {
  const volume = ((workload.spec.template.spec.volumes ?? []) as Obj[]).find((v) => v.name === name);
  if (volume === undefined) {
    const claim = ((workload.spec.volumeClaimTemplates ?? []) as Obj[]).find((c) => c.metadata?.name === name);
    assert.ok(claim !== undefined, `${id(workload)}: volume ${name} is mounted but not defined`);
    return { kind: 'writable', volume: claim };
  }
  if (volume.secret !== undefined) return { kind: 'secret', volume };
  if (volume.configMap !== undefined) return { kind: 'configMap', volume };
  if (volume.emptyDir !== undefined || volume.persistentVolumeClaim !== undefined || volume.ephemeral !== undefined) return { kind: 'writable', volume };
  return assert.fail(`${id(workload)}: volume ${name} is of a kind this test does not know`);
}

/** The file names a Secret or ConfigMap volume shows: its `items`, or every key of the rendered object. */
function projectedFiles(volume: Obj, kind: 'secret' | 'configMap', objects: Obj[], namespace: string): Map<string, string> {
  const src = volume[kind] as Obj;
  const files = new Map<string, string>();
  if (Array.isArray(src.items)) {
    for (const item of src.items as Obj[]) files.set(item.path as string, item.key as string);
    return files;
  }
  const name = (kind === 'secret' ? src.secretName : src.name) as string;
  const obj = find(objects, kind === 'secret' ? 'Secret' : 'ConfigMap', name, namespace);
  assert.ok(obj !== undefined, `volume ${volume.name}: list the keys in items (${kind} ${name} is created outside deploy/)`);
  for (const k of Object.keys({ ...obj.data, ...obj.stringData, ...obj.binaryData })) files.set(k, k);
  return files;
}

interface PathUse {
  flag: string;
  path: string;
  kind: 'file' | 'dir' | 'any';
}

/**
 * Every path the container's flags name is provided by a volume: a file by a Secret/ConfigMap that
 * projects exactly that file, a directory by a writable volume. Returns the paths for the reverse check.
 */
function checkPaths(container: Obj, workload: Obj, args: string[], kindOf: (flag: string) => 'file' | 'dir' | undefined, objects: Obj[]): PathUse[] {
  const uses: PathUse[] = [];
  for (const arg of args) {
    const [flag, value] = splitFlag(arg);
    if (value === undefined) continue;
    const kind = kindOf(flag);
    if (kind !== undefined) {
      assert.ok(value.startsWith('/'), `${container.name}: ${flag}=${value} should be an absolute path`);
      uses.push({ flag, path: value, kind });
    } else if (value.startsWith('/') && mountFor(value, container) !== undefined) {
      uses.push({ flag, path: value, kind: 'any' });
    }
  }
  for (const use of uses) {
    const where = `${id(workload)} container ${container.name}: ${use.flag}=${use.path}`;
    const m = mountFor(use.path, container);
    assert.ok(m !== undefined, `${where} is not on a mounted volume (the root file system is read-only)`);
    const { kind, volume } = volumeOf(m.mount.name as string, workload);
    if (kind === 'writable') {
      assert.notEqual(use.kind, 'file', `${where}: nothing puts this file on volume ${m.mount.name}; mount it from a Secret or ConfigMap`);
    } else if (use.kind === 'dir') {
      assert.equal(m.rel, '', `${where}: a directory from a ${kind} volume is its mount path`);
    } else {
      const files = projectedFiles(volume, kind, objects, workload.metadata.namespace as string);
      assert.ok(files.has(m.rel), `${where}: volume ${m.mount.name} provides ${[...files.keys()].join(', ')}, not ${m.rel}`);
      assert.equal(m.mount.readOnly, true, `${where}: mount ${m.mount.name} read-only`);
    }
  }
  // The other way round: every file a Secret or ConfigMap volume puts into the container is named by a flag.
  for (const mount of (container.volumeMounts ?? []) as Obj[]) {
    const { kind, volume } = volumeOf(mount.name as string, workload);
    if (kind === 'writable') continue;
    for (const file of projectedFiles(volume, kind, objects, workload.metadata.namespace as string).keys()) {
      const path = posix.join(mount.mountPath as string, file);
      assert.ok(
        uses.some((u) => u.path === path),
        `${id(workload)} container ${container.name}: ${path} (volume ${mount.name}) is mounted but no flag names it`,
      );
    }
  }
  return uses;
}

/** The container port a probe's or Service's port refers to (by name or number). */
function containerPort(ref: unknown, container: Obj): Obj | undefined {
  return ((container.ports ?? []) as Obj[]).find((p) => (typeof ref === 'number' ? p.containerPort === ref : p.name === ref));
}

// --- RBAC evaluation (enough of Kubernetes' rules for these roles) ---

function ruleAllows(rule: Obj, group: string, resource: string, verb: string): boolean {
  const groups = (rule.apiGroups ?? []) as string[];
  const resources = (rule.resources ?? []) as string[];
  const verbs = (rule.verbs ?? []) as string[];
  if (rule.resourceNames !== undefined && (rule.resourceNames as string[]).length > 0) return false;
  const sub = resource.includes('/') ? resource.slice(resource.indexOf('/')) : undefined;
  return (
    groups.some((g) => g === '*' || g === group) &&
    resources.some((r) => r === '*' || r === resource || (sub !== undefined && r === `*${sub}`)) &&
    verbs.some((v) => v === '*' || v === verb)
  );
}

/** A ClusterRole's rules, with those of the ClusterRoles its aggregationRule selects. */
function effectiveRules(role: Obj, objects: Obj[]): Obj[] {
  const rules = [...((role.rules ?? []) as Obj[])];
  for (const sel of (role.aggregationRule?.clusterRoleSelectors ?? []) as Obj[]) {
    for (const other of ofKind(objects, 'ClusterRole')) if (other !== role && selects(sel, other.metadata?.labels)) rules.push(...((other.rules ?? []) as Obj[]));
  }
  return rules;
}

const allows = (rules: Obj[], group: string, resource: string, verb: string) => rules.some((r) => ruleAllows(r, group, resource, verb));

// --- Dockerfile ---

interface DockerInstruction {
  op: string;
  args: string;
}

function dockerfileStages(text: string): { from: string; name?: string; instructions: DockerInstruction[] }[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const args = new Map<string, string>();
  const stages: { from: string; name?: string; instructions: DockerInstruction[] }[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const op = (m[1] as string).toUpperCase();
    const rest = (m[2] as string).trim();
    if (op === 'ARG' && stages.length === 0) {
      const [k, v] = rest.split('=', 2);
      if (k !== undefined && v !== undefined) args.set(k.trim(), v.trim());
      continue;
    }
    if (op === 'FROM') {
      const parts = rest.split(/\s+/).filter((p) => !p.startsWith('--'));
      const image = (parts[0] ?? '').replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args.get(a ?? b ?? '') ?? '');
      const asIndex = parts.findIndex((p) => p.toUpperCase() === 'AS');
      stages.push({ from: image, ...(asIndex > 0 && parts[asIndex + 1] !== undefined && { name: parts[asIndex + 1] }), instructions: [] });
      continue;
    }
    stages.at(-1)?.instructions.push({ op, args: rest });
  }
  return stages;
}

/** Top-level folders of the repository that the entry point imports, transitively (relative imports). */
function importedFolders(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [resolve(REPO, entry)];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      let target = resolve(dirname(file), m[1] as string);
      if (!existsSync(target) && target.endsWith('.js')) target = `${target.slice(0, -3)}.ts`;
      assert.ok(existsSync(target), `${relative(REPO, file)} imports ${m[1]}, which does not exist`);
      if (/\.[cm]?[jt]s$/.test(target)) stack.push(target);
      else seen.add(target);
    }
  }
  return new Set([...seen].map((f) => relative(REPO, f).split('/')[0] as string));
}

// --- the tests ---

const KUSTOMIZATIONS = discoverKustomizations();
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const hasEtcd = spawnSync('etcd', ['--version'], { encoding: 'utf8' }).status === 0;

describe('deploy/ manifests', function () {
  before(function () {
    if (!hasKubectl) throw new Error('kubectl is required to render deploy/ (kubectl kustomize)');
  });

  it('has a base, an example overlay and renders every kustomization it finds', function () {
    const rels = KUSTOMIZATIONS.map((k) => k.rel);
    assert.ok(rels.includes('base'), `kustomizations found: ${rels.join(', ')}`);
    assert.ok(rels.includes(join('overlays', 'example')), `kustomizations found: ${rels.join(', ')}`);
  });

  for (const k of KUSTOMIZATIONS) {
    describe(`deploy/${k.rel}${k.component ? ' (component, on deploy/base)' : ''}`, function () {
      let objects: Obj[] = [];
      /** Renderings that install the server (everything but stand-alone RBAC such as deploy/policy). */
      const installs = k.rel === 'base' || k.rel.startsWith('overlays/') || k.component;

      before(function () {
        objects = render(k);
      });

      it('renders to well-formed, unique objects with namespaces where needed', function () {
        assert.ok(objects.length > 0, 'renders nothing');
        const seen = new Set<string>();
        for (const o of objects) {
          assert.equal(typeof o.apiVersion, 'string', `an object without apiVersion: ${JSON.stringify(o).slice(0, 200)}`);
          assert.equal(typeof o.kind, 'string');
          assert.equal(typeof o.metadata?.name, 'string', `${o.kind} without a name`);
          const key = `${o.apiVersion.split('/')[0]}:${id(o)}`;
          assert.ok(!seen.has(key), `${id(o)} twice`);
          seen.add(key);
          if (CLUSTER_SCOPED.has(o.kind)) assert.equal(o.metadata.namespace, undefined, `${id(o)} is cluster-scoped`);
          else assert.equal(typeof o.metadata.namespace, 'string', `${id(o)} has no namespace (it would land in whatever namespace kubectl uses)`);
        }
        if (installs) {
          const namespaces = new Set(ofKind(objects, 'Namespace').map((n) => n.metadata.name as string));
          for (const o of objects) {
            const ns = o.metadata.namespace as string | undefined;
            if (ns !== undefined && ns !== 'kube-system') assert.ok(namespaces.has(ns), `${id(o)}: namespace ${ns} is not created`);
          }
        }
      });

      if (!installs) return;

      /** The server's Deployment, its pod spec and its container. */
      const server = () => {
        const deployments = ofKind(objects, 'Deployment');
        assert.equal(deployments.length, 1, `expected one Deployment, found ${deployments.map(id).join(', ')}`);
        const deployment = deployments[0] as Obj;
        const pod = deployment.spec.template.spec as Obj;
        const containers = pod.containers as Obj[];
        const container = containers.find((c) => c.name === 'garden-apiserver') ?? containers[0];
        assert.ok(container !== undefined);
        const args = expandArgs(container, deployment, objects);
        return { deployment, pod, container, args, labels: deployment.spec.template.metadata.labels as Obj };
      };
      const service = () => {
        const { labels } = server();
        const services = ofKind(objects, 'Service').filter((s) => selects(s.spec?.selector, labels));
        assert.equal(services.length, 1, `expected one Service selecting the server's pods, found ${services.map(id).join(', ') || 'none'}`);
        return services[0] as Obj;
      };

      it('runs only flags the server accepts, and they parse', function () {
        const { container, args } = server();
        const known = new Set(buildCommand().options.map((o) => o.long).filter((l): l is string => l !== undefined));
        for (const arg of container.args as string[]) {
          const [flag] = splitFlag(arg);
          assert.ok(known.has(flag), `${flag} is not a flag of the server (buildCommand())`);
        }
        assert.equal(container.command, undefined, 'the image entry point runs the server; pass flags as args');
        const options = parseServerArgs(args);
        assert.equal(options.storageBackend, 'etcd3', 'replicas share their storage: --storage-backend=etcd3');
        assert.ok(options.tlsCertFile !== undefined && options.tlsPrivateKeyFile !== undefined, 'a serving certificate from a Secret');
        assert.ok(options.encryptionProviderConfig !== undefined, 'an encryption configuration from a Secret');
        assert.ok(!['127.0.0.1', 'localhost', '::1'].includes(options.bindAddress), `--bind-address=${options.bindAddress} is unreachable from the Service`);
        for (const url of options.etcdServers) assert.match(url, /^https?:\/\/[^/:]+:\d+$/, `--etcd-servers entry ${url}`);
        if (options.etcdServers.some((u) => u.startsWith('https:'))) assert.ok(options.etcdCAFile !== undefined, 'etcd over TLS needs --etcd-cafile');
      });

      it('mounts every file the flags name and names every mounted file', function () {
        const { deployment, container, args } = server();
        const pathFlags = serverPathFlags();
        assert.ok(pathFlags.has('--tls-cert-file') && pathFlags.has('--data-dir'), 'buildCommand() marks file and dir flags with <file> / <dir>');
        checkPaths(container, deployment, args, (f) => pathFlags.get(f), objects);
        // The server writes its generated PKI and kubeconfig under --data-dir.
        const dataDir = mountFor(parseServerArgs(args).dataDir, container);
        assert.ok(dataDir !== undefined, '--data-dir is on a volume');
        assert.ok(volumeOf(dataDir.mount.name as string, deployment).kind === 'writable' && dataDir.mount.readOnly !== true, '--data-dir is writable');
        for (const w of objects.filter((o) => WORKLOAD_KINDS.has(o.kind) && o !== deployment)) {
          for (const c of w.spec.template.spec.containers as Obj[]) {
            checkPaths(c, w, expandArgs(c, w, objects), (f) => (/-file$/.test(f) ? 'file' : /-dir$/.test(f) ? 'dir' : undefined), objects);
          }
        }
      });

      it('reaches the garden cluster with its ServiceAccount through the kubeconfig it mounts', function () {
        const { deployment, pod, container, args } = server();
        const options = parseServerArgs(args);
        assert.ok(options.kubeconfig !== undefined, '--kubeconfig: kubeconfig issuance reads the shoots\' CA ConfigMaps from the garden cluster');
        const files = new Set([options.authenticationKubeconfig, options.authorizationKubeconfig, options.kubeconfig].filter((f): f is string => f !== undefined));
        for (const file of files) {
          const m = mountFor(file, container);
          assert.ok(m !== undefined);
          const { kind, volume } = volumeOf(m.mount.name as string, deployment);
          if (kind !== 'configMap') continue; // a Secret from outside deploy/: nothing to read here
          const cm = find(objects, 'ConfigMap', volume.configMap.name, deployment.metadata.namespace);
          assert.ok(cm !== undefined, `ConfigMap ${volume.configMap.name}`);
          const key = projectedFiles(volume, 'configMap', objects, deployment.metadata.namespace as string).get(m.rel) as string;
          const kc = new KubeConfig();
          kc.loadFromString(cm.data[key] as string);
          const cluster = kc.getCurrentCluster();
          const user = kc.getCurrentUser();
          assert.ok(cluster !== null && user !== null, `${file}: a current context`);
          assert.match(cluster.server, /^https:\/\//);
          // Everything it points at comes from the ServiceAccount volume the kubelet mounts.
          const sa = '/var/run/secrets/kubernetes.io/serviceaccount/';
          const referenced = [cluster.caFile, user.certFile, user.keyFile, (user.authProvider?.config as Obj | undefined)?.tokenFile].filter((f): f is string => typeof f === 'string');
          assert.ok(referenced.length > 0, `${file}: a CA file and a token file`);
          for (const f of referenced) assert.ok(f.startsWith(sa), `${file} reads ${f}, which is not in the ServiceAccount volume`);
          assert.notEqual(pod.automountServiceAccountToken, false, 'the ServiceAccount volume is mounted');
        }
      });

      it('serves the API on the container port the Service uses, and probes on the health port', function () {
        const { container, args } = server();
        const options = parseServerArgs(args);
        const port = containerPort(options.securePort, container);
        assert.ok(port !== undefined, `--secure-port=${options.securePort} is not a container port`);
        assert.ok(options.healthPort > 0 && containerPort(options.healthPort, container) !== undefined, `--health-port=${options.healthPort} is a container port`);
        for (const [probe, path] of [
          ['livenessProbe', '/livez'],
          ['readinessProbe', '/readyz'],
        ] as const) {
          const p = container[probe] as Obj | undefined;
          assert.ok(p?.httpGet !== undefined, `${probe} is an httpGet probe`);
          // The health port is plain HTTP and has an accept queue of its own (see --health-port).
          assert.equal(p.httpGet.scheme, 'HTTP', `${probe} uses HTTP`);
          assert.equal(p.httpGet.path, path);
          assert.equal(containerPort(p.httpGet.port, container)?.containerPort, options.healthPort, `${probe} probes the health port`);
          assert.deepEqual(
            [p.initialDelaySeconds, p.periodSeconds, p.timeoutSeconds, p.failureThreshold],
            [15, 10, 15, 3],
            `${probe}: Gardener's timing (delay 15 s, period 10 s, timeout 15 s, 3 failures)`,
          );
          // Probes of the API port (kubectl get --raw /readyz, the aggregator) come without credentials too.
          assert.ok(options.anonymousAuth, 'anonymous probes need --anonymous-auth=true');
          assert.ok(
            options.authorizationAlwaysAllowPaths.some((a) => a === path || (a.endsWith('*') && path.startsWith(a.slice(0, -1)))),
            `${path} is not in --authorization-always-allow-paths (${options.authorizationAlwaysAllowPaths.join(',')})`,
          );
        }
        const svc = service();
        assert.notEqual(svc.spec.clusterIP, 'None', 'the aggregator needs a ClusterIP');
        for (const sp of svc.spec.ports as Obj[]) {
          const target = containerPort(sp.targetPort ?? sp.port, container);
          assert.ok(target !== undefined, `Service port ${sp.name ?? sp.port}: targetPort ${sp.targetPort} is not a container port`);
          assert.equal(target.containerPort, options.securePort);
        }
      });

      it('has an APIService for every served group-version, each pointing at the Service', function () {
        const svc = service();
        const apiServices = ofKind(objects, 'APIService');
        const served = new Set(SERVED_KINDS.map((d) => `${d.version}.${d.group}`));
        for (const name of served) assert.ok(find(objects, 'APIService', name) !== undefined, `no APIService ${name}`);
        // An APIService for a group-version the server does not serve never becomes Available and breaks discovery.
        for (const a of apiServices) assert.ok(served.has(a.metadata.name as string), `${id(a)}: the server does not serve ${a.metadata.name}`);
        for (const a of apiServices) {
          assert.equal(a.metadata.name, `${a.spec.version}.${a.spec.group}`, 'APIService names are <version>.<group>');
          assert.equal(a.spec.service?.namespace, svc.metadata.namespace, `${id(a)}: service namespace`);
          assert.equal(a.spec.service?.name, svc.metadata.name, `${id(a)}: service name`);
          const port = (a.spec.service.port ?? 443) as number;
          assert.ok((svc.spec.ports as Obj[]).some((p) => p.port === port), `${id(a)}: the Service has no port ${port}`);
          assert.equal(a.spec.groupPriorityMinimum, 10000);
          assert.equal(a.spec.versionPriority, 20);
          assert.notEqual(a.spec.insecureSkipTLSVerify, true, `${id(a)}: verify the serving certificate (caBundle)`);
          const ca = a.spec.caBundle as string | undefined;
          if (k.rel.startsWith('overlays')) assert.ok(ca !== undefined, `${id(a)}: the overlay sets caBundle`);
          if (ca !== undefined && ca !== CA_BUNDLE_PLACEHOLDER) {
            assert.match(Buffer.from(ca, 'base64').toString('utf8'), /-----BEGIN CERTIFICATE-----/, `${id(a)}: caBundle is base64 PEM`);
          }
        }
      });

      it('keeps a replica up through disruptions, on different nodes', function () {
        const { deployment, labels } = server();
        const replicas = deployment.spec.replicas as number;
        assert.ok(replicas >= 2, 'at least 2 replicas');
        const pdbs = ofKind(objects, 'PodDisruptionBudget').filter((p) => selects(p.spec.selector, labels));
        assert.equal(pdbs.length, 1, 'one PodDisruptionBudget selects the server pods');
        const pdb = pdbs[0] as Obj;
        assert.equal(pdb.metadata.namespace, deployment.metadata.namespace);
        assert.equal(pdb.spec.minAvailable, 1);
        assert.ok(selects(deployment.spec.selector, labels), "the Deployment's selector matches its pod template");
        for (const w of objects.filter((o) => WORKLOAD_KINDS.has(o.kind) && (o.spec.replicas ?? 1) >= 2)) {
          const pod = w.spec.template.spec as Obj;
          const podLabels = w.spec.template.metadata.labels as Obj;
          const spread = ((pod.topologySpreadConstraints ?? []) as Obj[]).some(
            (c) => c.topologyKey === 'kubernetes.io/hostname' && c.whenUnsatisfiable === 'DoNotSchedule' && selects(c.labelSelector, podLabels),
          );
          const antiAffinity = ((pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []) as Obj[]).some(
            (t) => t.topologyKey === 'kubernetes.io/hostname' && selects(t.labelSelector, podLabels),
          );
          assert.ok(spread || antiAffinity, `${id(w)}: replicas are spread across nodes`);
          const budget = ofKind(objects, 'PodDisruptionBudget').find((p) => selects(p.spec.selector, podLabels));
          assert.ok(budget !== undefined, `${id(w)}: a PodDisruptionBudget`);
          const unavailable = budget.spec.maxUnavailable ?? w.spec.replicas - budget.spec.minAvailable;
          assert.ok(unavailable >= 1, `${id(w)}: the budget must allow one eviction (or drains block)`);
        }
      });

      it('gives the ServiceAccount exactly the delegation and read access it needs', function () {
        const { deployment, pod } = server();
        const ns = deployment.metadata.namespace as string;
        const saName = pod.serviceAccountName as string;
        assert.ok(saName !== undefined && saName !== 'default', 'a ServiceAccount of its own');
        assert.ok(find(objects, 'ServiceAccount', saName, ns) !== undefined, `ServiceAccount ${ns}/${saName} is created`);
        assert.notEqual(pod.automountServiceAccountToken, false, 'the server talks to the garden cluster with its token');
        const isSA = (s: Obj) => s.kind === 'ServiceAccount' && s.name === saName && s.namespace === ns;
        const bindings = objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding');
        for (const b of bindings) {
          for (const s of (b.subjects ?? []) as Obj[]) {
            if (s.kind !== 'ServiceAccount') continue;
            assert.ok(find(objects, 'ServiceAccount', s.name, s.namespace) !== undefined, `${id(b)} binds ServiceAccount ${s.namespace}/${s.name}, which is not created`);
          }
        }
        const bound = (kind: string, roleKind: string, role: string, namespace?: string) =>
          bindings.some(
            (b) => b.kind === kind && b.roleRef?.kind === roleKind && b.roleRef?.name === role && (namespace === undefined || b.metadata.namespace === namespace) && (b.subjects ?? []).some(isSA),
          );
        assert.ok(bound('ClusterRoleBinding', 'ClusterRole', 'system:auth-delegator'), 'ClusterRoleBinding to system:auth-delegator');
        assert.ok(bound('RoleBinding', 'Role', 'extension-apiserver-authentication-reader', 'kube-system'), 'RoleBinding in kube-system to extension-apiserver-authentication-reader');
        const own = bindings
          .filter((b) => b.kind === 'ClusterRoleBinding' && (b.subjects ?? []).some(isSA))
          .map((b) => find(objects, 'ClusterRole', b.roleRef.name))
          .filter((r): r is Obj => r !== undefined);
        const rules = own.flatMap((r) => effectiveRules(r, objects));
        for (const resource of ['configmaps', 'secrets', 'namespaces']) {
          for (const verb of ['get', 'list', 'watch']) assert.ok(allows(rules, '', resource, verb), `the ServiceAccount may ${verb} ${resource}`);
          for (const verb of WRITE_VERBS) assert.ok(!allows(rules, '', resource, verb), `the ServiceAccount must not ${verb} ${resource}`);
        }
      });

      it("grants Gardener's user roles: InternalSecrets to admins only", function () {
        const role = (name: string) => {
          const r = find(objects, 'ClusterRole', name);
          assert.ok(r !== undefined, `ClusterRole ${name}`);
          return effectiveRules(r, objects);
        };
        const admin = role('gardener.cloud:admin');
        const member = role('gardener.cloud:system:project-member');
        const viewer = role('gardener.cloud:system:project-viewer');
        for (const d of SERVED_KINDS) {
          const resources = [d.resource, ...d.subresources.map((s) => `${d.resource}/${s.name}`)];
          for (const resource of resources) {
            // Garden administrators own core.gardener.cloud; operator.gardener.cloud (Gardens) is the operator's.
            if (d.group === 'core.gardener.cloud') for (const verb of ALL_VERBS) assert.ok(allows(admin, d.group, resource, verb), `admin may ${verb} ${resource}.${d.group}`);
            for (const verb of WRITE_VERBS) {
              if (resource === 'shoots/viewerkubeconfig' && verb === 'create') continue;
              assert.ok(!allows(viewer, d.group, resource, verb), `viewers must not ${verb} ${resource}.${d.group}`);
            }
          }
        }
        for (const verb of ['update', 'patch']) assert.ok(!allows(member, 'core.gardener.cloud', 'shoots/status', verb), `project members must not ${verb} shoots/status (gardenlet writes it)`);
        for (const rules of [member, viewer]) {
          for (const verb of ALL_VERBS) assert.ok(!allows(rules, 'core.gardener.cloud', 'internalsecrets', verb), `project roles must not ${verb} internalsecrets`);
        }
        for (const verb of ALL_VERBS) assert.ok(allows(member, 'core.gardener.cloud', 'shoots', verb), `project members may ${verb} shoots`);
        assert.ok(allows(member, 'core.gardener.cloud', 'shoots/adminkubeconfig', 'create'));
        assert.ok(allows(member, 'core.gardener.cloud', 'shoots/viewerkubeconfig', 'create'));
        for (const verb of ['get', 'list', 'watch']) assert.ok(allows(viewer, 'core.gardener.cloud', 'shoots', verb), `viewers may ${verb} shoots`);
        assert.ok(allows(viewer, 'core.gardener.cloud', 'shoots/viewerkubeconfig', 'create'));
        assert.ok(!allows(viewer, 'core.gardener.cloud', 'shoots/adminkubeconfig', 'create'), 'viewers get no admin kubeconfig');
      });

      it("carries deploy/policy's Gardener roles unchanged (standalone and garden cluster agree)", function () {
        const policyFile = join(DEPLOY, 'policy', 'gardener-roles.yaml');
        const policy = parseYamlDocs(readFileSync(policyFile, 'utf8'), 'policy/gardener-roles.yaml');
        const roles = ofKind(policy, 'ClusterRole').filter((r) => (r.metadata.name as string).startsWith('gardener.cloud:'));
        assert.ok(roles.length > 0);
        const shape = (r: Obj) => ({ labels: r.metadata.labels ?? {}, aggregationRule: r.aggregationRule, rules: r.rules ?? [] });
        for (const r of roles) {
          const ours = find(objects, 'ClusterRole', r.metadata.name as string);
          assert.ok(ours !== undefined, `ClusterRole ${r.metadata.name} of deploy/policy is not deployed`);
          assert.deepEqual(shape(ours), shape(r), `ClusterRole ${r.metadata.name} differs from deploy/policy/gardener-roles.yaml`);
        }
      });

      it('runs every pod non-root, read-only, without capabilities, with resource requests', function () {
        for (const w of objects.filter((o) => WORKLOAD_KINDS.has(o.kind))) {
          const pod = w.spec.template.spec as Obj;
          const psc = (pod.securityContext ?? {}) as Obj;
          for (const c of [...((pod.initContainers ?? []) as Obj[]), ...(pod.containers as Obj[])]) {
            const where = `${id(w)} container ${c.name}`;
            const sc = (c.securityContext ?? {}) as Obj;
            assert.equal(sc.runAsNonRoot ?? psc.runAsNonRoot, true, `${where}: runAsNonRoot`);
            assert.notEqual(sc.runAsUser ?? psc.runAsUser, 0, `${where}: not uid 0`);
            assert.equal(sc.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
            assert.equal(sc.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation false`);
            assert.ok(((sc.capabilities?.drop ?? []) as string[]).includes('ALL'), `${where}: drops ALL capabilities`);
            assert.equal(sc.capabilities?.add, undefined, `${where}: adds no capabilities`);
            assert.equal((sc.seccompProfile ?? psc.seccompProfile)?.type, 'RuntimeDefault', `${where}: seccomp RuntimeDefault`);
            assert.equal(sc.privileged ?? false, false, `${where}: not privileged`);
            assert.ok(c.resources?.requests?.cpu !== undefined && c.resources?.requests?.memory !== undefined, `${where}: cpu and memory requests`);
          }
          for (const v of (pod.volumes ?? []) as Obj[]) {
            assert.equal(v.hostPath, undefined, `${id(w)}: no hostPath volumes`);
            const src = (v.secret ?? v.configMap) as Obj | undefined;
            if (src === undefined) continue;
            const mode = (src.defaultMode ?? 0o644) as number;
            if (v.secret !== undefined) assert.equal(mode & 0o007, 0, `${id(w)}: Secret volume ${v.name} is not world-readable (mode ${mode.toString(8)})`);
            if ((mode & 0o004) === 0) assert.ok(psc.fsGroup !== undefined, `${id(w)}: volume ${v.name} has mode ${mode.toString(8)}, so the non-root user reads it through fsGroup`);
          }
        }
        // tsx writes its transpile cache to $TMPDIR (default /tmp) and fails on a read-only /tmp.
        const { container, deployment } = server();
        const tmpEnv = ((container.env ?? []) as Obj[]).find((e) => e.name === 'TMPDIR')?.value as string | undefined;
        const tmp = mountFor(tmpEnv ?? '/tmp', container);
        assert.ok(tmp !== undefined && volumeOf(tmp.mount.name as string, deployment).kind === 'writable' && tmp.mount.readOnly !== true, 'a writable /tmp (or $TMPDIR)');
        const options = parseServerArgs(server().args);
        const grace = (deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30) as number;
        assert.ok(grace * 1000 > options.shutdownDelayDuration + options.requestTimeout, 'the grace period covers --shutdown-delay-duration and one --request-timeout');
      });

      it('points the server at every etcd member when it brings its own etcd (none otherwise)', function () {
        const statefulSets = ofKind(objects, 'StatefulSet').filter((s) => (s.spec.template.spec.containers as Obj[]).some((c) => /etcd/.test(`${c.image} ${c.command?.join(' ')}`)));
        const etcdServers = server().args.find((a: string) => a.startsWith('--etcd-servers='));
        assert.ok(etcdServers, 'the server is given --etcd-servers');
        if (statefulSets.length === 0) return; // external etcd: nothing in-cluster to match
        assert.equal(statefulSets.length, 1);
        const sts = statefulSets[0] as Obj;
        const ns = sts.metadata.namespace as string;
        const replicas = sts.spec.replicas as number;
        assert.ok(replicas >= 3 && replicas % 2 === 1, 'an odd number of members, at least 3');
        const etcd = (sts.spec.template.spec.containers as Obj[]).find((c) => /etcd/.test(`${c.image} ${c.command?.join(' ')}`)) as Obj;
        const flags = new Map(expandArgs(etcd, sts, objects).map((a) => splitFlag(a)));
        const tls = flags.has('--cert-file');
        const scheme = tls ? 'https' : 'http';
        assert.equal(flags.get('--client-cert-auth'), tls ? 'true' : undefined, 'clients authenticate with certificates');
        const headless = find(objects, 'Service', sts.spec.serviceName, ns);
        assert.ok(headless !== undefined, `the StatefulSet's Service ${sts.spec.serviceName}`);
        assert.equal(headless.spec.clusterIP, 'None', 'headless');
        assert.equal(headless.spec.publishNotReadyAddresses, true, 'members resolve each other before they are ready');
        assert.ok(selects(headless.spec.selector, sts.spec.template.metadata.labels), 'the headless Service selects the members');
        const port = (name: string) => containerPort(name, etcd)?.containerPort as number;
        const host = (i: number) => `${sts.metadata.name}-${i}.${sts.spec.serviceName}.${ns}.svc`;
        for (const name of ['client', 'peer']) assert.ok((headless.spec.ports as Obj[]).some((p) => p.port === port(name)), `headless Service port ${name}`);
        // The members: names, peer URLs and the first pod's advertised URLs agree.
        const initial = (flags.get('--initial-cluster') ?? '').split(',').map((e) => e.split('='));
        assert.deepEqual(
          initial,
          Array.from({ length: replicas }, (_, i) => [`${sts.metadata.name}-${i}`, `${scheme}://${host(i)}:${port('peer')}`]),
          '--initial-cluster lists every member by its DNS name',
        );
        assert.equal(flags.get('--name'), `${sts.metadata.name}-0`);
        assert.equal(flags.get('--initial-advertise-peer-urls'), `${scheme}://${host(0)}:${port('peer')}`);
        assert.equal(flags.get('--advertise-client-urls'), `${scheme}://${host(0)}:${port('client')}`);
        // The server: every member, by the same names.
        const options = parseServerArgs(server().args);
        assert.deepEqual(
          [...options.etcdServers].sort(),
          Array.from({ length: replicas }, (_, i) => `${scheme}://${host(i)}:${port('client')}`).sort(),
          '--etcd-servers lists every member',
        );
        const pdb = ofKind(objects, 'PodDisruptionBudget').find((p) => selects(p.spec.selector, sts.spec.template.metadata.labels));
        assert.ok(pdb !== undefined && replicas - (pdb.spec.maxUnavailable as number) > replicas / 2, 'the budget keeps a quorum');
      });
    });
  }
});

describe('Dockerfile', function () {
  const dockerfile = join(REPO, 'Dockerfile');
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string>; dependencies: Record<string, string> };
  const stages = dockerfileStages(readFileSync(dockerfile, 'utf8'));
  const runtime = stages.at(-1);
  const last = (op: string) => runtime?.instructions.filter((i) => i.op === op).at(-1)?.args;
  const startScript = pkg.scripts['start'] ?? '';
  // `exec node --import tsx <entry> ...`: the shell npm runs gives way to the server, which gets npm's signals.
  const startMatch = /^exec node --import tsx (\S+)/.exec(startScript);
  const entry = startMatch?.[1];

  it('is multi-stage with a Node.js 20 runtime', function () {
    assert.ok(stages.length >= 2, 'a build stage and a runtime stage');
    assert.match(runtime?.from ?? '', /node(js)?:?-?20|nodejs20/, `runtime image ${runtime?.from}`);
  });

  it("runs package.json's start entry point with tsx", function () {
    assert.ok(entry !== undefined, `npm start is ${startScript}`);
    assert.ok(entry !== undefined && existsSync(join(REPO, entry)));
    const raw = last('ENTRYPOINT');
    assert.ok(raw !== undefined, 'an ENTRYPOINT');
    const argv = JSON.parse(raw) as string[];
    assert.equal(argv.at(-1), entry, `ENTRYPOINT ${raw} runs ${entry}`);
    const head = argv.slice(0, -1).join(' ');
    assert.ok(head === 'tsx' || head === 'node --import tsx', `ENTRYPOINT ${raw} runs it with tsx`);
    assert.ok(pkg.dependencies['tsx'] !== undefined, 'tsx is a production dependency (it runs in the image)');
    assert.equal(last('WORKDIR'), '/app');
  });

  it('runs as a non-root USER, the one the Deployment runs as', function () {
    const user = last('USER');
    assert.ok(user !== undefined, 'a USER');
    const [uid] = user.split(':');
    assert.ok(uid !== 'root' && uid !== '0' && uid !== '', `USER ${user}`);
    if (hasKubectl && /^\d+$/.test(uid ?? '')) {
      const base = parseYamlDocs(kustomize(BASE), 'base');
      const pod = ofKind(base, 'Deployment')[0]?.spec.template.spec as Obj;
      assert.equal(String(pod.securityContext?.runAsUser), uid, 'the pod runs as the image user');
    }
  });

  it('copies production dependencies and every source folder the entry point imports', function () {
    const copies = runtime?.instructions.filter((i) => i.op === 'COPY') ?? [];
    const fromStage = copies.filter((c) => /--from=/.test(c.args));
    const modules = fromStage.find((c) => /node_modules/.test(c.args));
    assert.ok(modules !== undefined, 'node_modules comes from the build stage');
    const stageName = /--from=(\S+)/.exec(modules.args)?.[1];
    const build = stages.find((s) => s.name === stageName);
    assert.ok(build !== undefined, `stage ${stageName}`);
    assert.ok(
      build.instructions.some((i) => i.op === 'RUN' && /npm ci\b[^&|;]*--omit=dev/.test(i.args)),
      `stage ${stageName} installs production dependencies only (npm ci --omit=dev)`,
    );
    const sources = new Set<string>();
    for (const c of copies.filter((i) => !/--from=/.test(i.args))) {
      const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) sources.add(src.replace(/^\.\//, '').replace(/\/$/, ''));
    }
    const ignored = readFileSync(join(REPO, '.dockerignore'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const src of sources) {
      assert.ok(existsSync(join(REPO, src)), `COPY ${src}: not in the repository`);
      assert.ok(!ignored.includes(src), `COPY ${src}: excluded by .dockerignore`);
    }
    for (const needed of ['package.json', 'tsconfig.json', ...importedFolders(entry as string)]) {
      assert.ok(sources.has(needed), `the image needs ${needed} (imported from ${entry}) but the Dockerfile does not copy it`);
    }
    for (const excluded of ['node_modules', '.git', 'test', '.garden-apiserver']) assert.ok(ignored.includes(excluded), `.dockerignore excludes ${excluded}`);
  });
});

describe('deploy/generate-secrets.sh', function () {
  this.timeout(120_000);
  let dir = '';
  let secrets: Obj[] = [];
  let example: Obj[] = [];
  let etcd: EtcdCluster | undefined;

  before(function () {
    // openssl and kubectl are on every machine image; CI installs etcd (.ci/run).
    assert.ok(hasOpenssl && hasKubectl, 'openssl and kubectl are required');
    dir = mkdtempSync(join(tmpdir(), 'garden-apiserver-secrets-'));
    execFileSync(join(DEPLOY, 'generate-secrets.sh'), ['--etcd', join(dir, 'out')], { stdio: ['ignore', 'ignore', 'pipe'] });
    secrets = parseYamlDocs(readFileSync(join(dir, 'out', 'secrets.yaml'), 'utf8'), 'secrets.yaml');
    const k = KUSTOMIZATIONS.find((x) => x.rel === join('overlays', 'example'));
    assert.ok(k !== undefined);
    example = render(k);
  });

  after(async function () {
    await etcd?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const secretData = (name: string, key: string): Buffer => {
    const s = secrets.find((o) => o.kind === 'Secret' && o.metadata.name === name);
    assert.ok(s !== undefined, `the script writes Secret ${name}`);
    const v = s.data?.[key] as string | undefined;
    assert.ok(v !== undefined, `Secret ${name} has key ${key}`);
    return Buffer.from(v, 'base64');
  };

  it('writes every Secret the example overlay mounts, with the keys it mounts, in its namespace', function () {
    for (const w of example.filter((o) => WORKLOAD_KINDS.has(o.kind))) {
      for (const v of (w.spec.template.spec.volumes ?? []) as Obj[]) {
        if (v.secret === undefined) continue;
        const s = secrets.find((o) => o.metadata.name === v.secret.secretName);
        assert.ok(s !== undefined, `${id(w)} mounts Secret ${v.secret.secretName}, which the script does not write`);
        assert.equal(s.metadata.namespace, w.metadata.namespace);
        for (const item of (v.secret.items ?? []) as Obj[]) secretData(v.secret.secretName as string, item.key as string);
      }
    }
  });

  it('signs a serving certificate the aggregator accepts for the Service', function () {
    const a = ofKind(example, 'APIService')[0] as Obj;
    const host = `${a.spec.service.name}.${a.spec.service.namespace}.svc`;
    const ca = new X509Certificate(readFileSync(join(dir, 'out', 'ca.crt')));
    const cert = new X509Certificate(secretData('garden-apiserver-tls', 'tls.crt'));
    assert.equal(cert.checkHost(host), host, `the serving certificate has the DNS name ${host}`);
    assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), 'signed by ca.crt (the caBundle)');
    assert.ok(ca.ca, 'ca.crt is a CA');
  });

  it('writes an encryption configuration the server loads, covering what Gardener always encrypts', async function () {
    const file = join(dir, 'encryption-configuration.yaml');
    writeFileSync(file, secretData('garden-apiserver-encryption', 'encryption-configuration.yaml'));
    const config = await loadEncryptionConfigFile(file);
    for (const resource of ALWAYS_ENCRYPTED) assert.equal(requireCovers(config, resource), undefined, `${resource} is encrypted`);
  });

  it('signs etcd certificates for every member name and a client certificate', function () {
    const sts = ofKind(example, 'StatefulSet')[0] as Obj;
    const caPem = secretData('garden-apiserver-etcd-server', 'ca.crt');
    assert.deepEqual(secretData('garden-apiserver-etcd-client', 'ca.crt'), caPem, 'members and server trust the same CA');
    const ca = new X509Certificate(caPem);
    const server = new X509Certificate(secretData('garden-apiserver-etcd-server', 'tls.crt'));
    const client = new X509Certificate(secretData('garden-apiserver-etcd-client', 'tls.crt'));
    for (let i = 0; i < (sts.spec.replicas as number); i++) {
      const host = `${sts.metadata.name}-${i}.${sts.spec.serviceName}.${sts.metadata.namespace}.svc`;
      assert.ok(server.checkHost(host) !== undefined, `the member certificate covers ${host}`);
    }
    for (const cert of [server, client]) assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
    const serverAuth = '1.3.6.1.5.5.7.3.1';
    const clientAuth = '1.3.6.1.5.5.7.3.2';
    assert.ok(server.keyUsage?.includes(serverAuth) && server.keyUsage.includes(clientAuth), 'members serve and are peer clients');
    assert.ok(client.keyUsage?.includes(clientAuth));
  });

  it('starts the server with the Deployment flags on these Secrets, against etcd over TLS', async function () {
    assert.ok(hasEtcd, 'etcd is required (.ci/run installs etcd-server)');
    // Lay the Secrets out as the kubelet would, one directory per volume.
    const deployment = ofKind(example, 'Deployment')[0] as Obj;
    const pod = deployment.spec.template.spec as Obj;
    const container = (pod.containers as Obj[])[0] as Obj;
    const volumeDirs = new Map<string, string>();
    for (const v of pod.volumes as Obj[]) {
      const vdir = join(dir, 'volumes', v.name as string);
      mkdirSync(vdir, { recursive: true });
      volumeDirs.set(v.name as string, vdir);
      for (const item of (v.secret?.items ?? []) as Obj[]) writeFileSync(join(vdir, item.path as string), secretData(v.secret.secretName as string, item.key as string), { mode: 0o600 });
    }
    const local = (path: string) => {
      const m = mountFor(path, container);
      assert.ok(m !== undefined);
      return join(volumeDirs.get(m.mount.name as string) as string, m.rel);
    };
    const deployed = parseServerArgs(expandArgs(container, deployment, example));
    assert.ok(deployed.etcdCAFile !== undefined && deployed.etcdCertFile !== undefined && deployed.etcdKeyFile !== undefined);
    etcd = await startEtcd({
      tls: {
        caFile: local(deployed.etcdCAFile),
        serverCertFile: (() => {
          const f = join(dir, 'etcd-server.crt');
          writeFileSync(f, secretData('garden-apiserver-etcd-server', 'tls.crt'));
          return f;
        })(),
        serverKeyFile: (() => {
          const f = join(dir, 'etcd-server.key');
          writeFileSync(f, secretData('garden-apiserver-etcd-server', 'tls.key'), { mode: 0o600 });
          return f;
        })(),
        clientCertFile: local(deployed.etcdCertFile),
        clientKeyFile: local(deployed.etcdKeyFile),
      },
    });
    const pathFlags = serverPathFlags();
    // No garden cluster here: the server runs standalone, with everything else as deployed.
    const standalone = expandArgs(container, deployment, example).filter((a) => !/^--[a-z-]*kubeconfig=/.test(a));
    const args = standalone.map((a) => {
      const [flag, value] = splitFlag(a);
      if (flag === '--etcd-servers') return `--etcd-servers=${(etcd as EtcdCluster).endpoints.join(',')}`;
      if (value !== undefined && pathFlags.has(flag)) return `${flag}=${local(value)}`;
      return a;
    });
    // Free loopback ports instead of the Deployment's.
    const healthPort = await freePort();
    const options = parseServerArgs([...args, '--secure-port=0', `--health-port=${healthPort}`, '--bind-address=127.0.0.1']);
    // A missing file fails here rather than half-way through start-up (which would leave etcd clients open).
    for (const a of args) {
      const [flag, value] = splitFlag(a);
      if (value !== undefined && pathFlags.get(flag) === 'file') assert.ok(existsSync(value), `${flag}=${value}: no such file from the Secrets`);
    }
    const running = await runServer(options, silentLogger);
    try {
      const svc = ofKind(example, 'APIService')[0]?.spec.service as Obj;
      const servername = `${svc.name}.${svc.namespace}.svc`;
      const probe = (path: string) =>
        new Promise<{ status: number; body: string }>((resolveGet, reject) => {
          const req = httpsRequest(
            { host: '127.0.0.1', port: running.port, path, servername, ca: readFileSync(join(dir, 'out', 'ca.crt')), timeout: 10_000 },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (text += c));
              res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body: text }));
            },
          );
          req.on('error', reject);
          req.end();
        });
      // As the kubelet probes: plain HTTP on the health port.
      const kubeletProbe = (path: string) =>
        new Promise<{ status: number; body: string }>((resolveGet, reject) => {
          httpGet({ host: '127.0.0.1', port: healthPort, path, timeout: 10_000 }, (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body: text }));
          }).on('error', reject);
        });
      // Ready once the watch caches have loaded, which happens after the server is listening.
      await until(async () => (await kubeletProbe('/readyz')).status === 200, '/readyz to pass', 30_000);
      for (const path of ['/readyz', '/livez']) {
        for (const get of [kubeletProbe, probe]) {
          const { status, body } = await get(path);
          assert.equal(status, 200, `${path}: ${body}`);
          assert.equal(body, 'ok');
        }
      }
    } finally {
      await running.close();
    }
  });
});

// The README runs deploy/*.sh directly.
describe('deploy/ scripts', function () {
  it('are executable', function () {
    for (const f of readdirSync(DEPLOY).filter((n) => n.endsWith('.sh'))) {
      assert.ok((statSync(join(DEPLOY, f)).mode & 0o111) !== 0, `${f} is executable`);
    }
  });
});
