// Where the API server is and how to authenticate to it, read from a kubeconfig or the pod's service
// account without @kubernetes/client-node: importing client-node costs ~0.4 s of start-up and ~80 MB
// of memory (its generated models load even for KubeConfig alone), while the usual kubeconfig (client
// certificate or token) is a few well-specified fields. Anything beyond those (exec plugins,
// auth-provider, proxies, impersonation) is left to client-node, imported only then.
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import jsYaml from 'js-yaml';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { KubeConfig } from '@kubernetes/client-node';

export interface KubeConnection {
  readonly server: string;
  /** Adds TLS settings, credentials and a keep-alive agent to the options of one request. */
  apply(options: https.RequestOptions): Promise<void>;
  /** How the connection was loaded (for logs and tests). */
  readonly loader: 'in-cluster' | 'kubeconfig' | 'client-node';
  /**
   * The namespace kubectl would use with this connection: the kubeconfig context's, or in a pod the
   * service account's; undefined when neither names one (kubectl then uses `default`).
   */
  readonly namespace?: string;
}

export interface LoadConnectionOptions {
  /** An explicit kubeconfig file (--kubeconfig): used alone, nothing else is consulted. */
  readonly kubeconfig?: string;
  /** A context other than the kubeconfig's current-context (--context). */
  readonly context?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * In a pod (KUBERNETES_SERVICE_HOST set), whether the service account comes before $KUBECONFIG and
   * ~/.kube/config (the controller) or only when neither exists (analyze, like kubectl). Default true.
   */
  readonly inClusterFirst?: boolean;
  /** Where the service account's token and ca.crt are (tests). */
  readonly serviceAccountDir?: string;
  /** How long a token read from a file is used before it is read again (bound tokens rotate). */
  readonly tokenFileTtlMs?: number;
  /** ~ for ~/.kube/config (tests). */
  readonly homeDir?: string;
  readonly log?: Pick<Logger, 'debug'>;
}

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
/** client-go re-reads a token file every minute; the kubelet rotates bound tokens well before they expire. */
const TOKEN_FILE_TTL_MS = 60_000;

// --- The kubeconfig file ----------------------------------------------------------------------

// Fields are kept loose: a field not listed here is looked at only to decide whether client-node must
// take over (see nativeUnsupported).
const ClusterSchema = z.looseObject({
  server: z.string().min(1),
  'certificate-authority': z.string().optional(),
  'certificate-authority-data': z.string().optional(),
  'insecure-skip-tls-verify': z.boolean().optional(),
  'tls-server-name': z.string().optional(),
});
const UserSchema = z.looseObject({
  'client-certificate': z.string().optional(),
  'client-certificate-data': z.string().optional(),
  'client-key': z.string().optional(),
  'client-key-data': z.string().optional(),
  token: z.string().optional(),
  tokenFile: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
});
const ContextSchema = z.looseObject({ cluster: z.string(), user: z.string().optional(), namespace: z.string().optional() });
const KubeconfigSchema = z.looseObject({
  'current-context': z.string().nullish(),
  clusters: z.array(z.object({ name: z.string().min(1), cluster: ClusterSchema })).nullish(),
  // `user: {}` is often written as `user:` (null): a user without credentials.
  users: z.array(z.object({ name: z.string().min(1), user: UserSchema.nullish() })).nullish(),
  contexts: z.array(z.object({ name: z.string().min(1), context: ContextSchema })).nullish(),
});

type ClusterEntry = z.infer<typeof ClusterSchema>;
type UserEntry = z.infer<typeof UserSchema>;
type ContextEntry = z.infer<typeof ContextSchema>;

/** One or more kubeconfig files merged the way kubectl merges $KUBECONFIG: the first file to define a name wins. */
export interface Kubeconfig {
  readonly files: readonly string[];
  readonly currentContext?: string;
  readonly clusters: ReadonlyMap<string, ClusterEntry>;
  readonly users: ReadonlyMap<string, UserEntry>;
  readonly contexts: ReadonlyMap<string, ContextEntry>;
}

const PATH_FIELDS = { cluster: ['certificate-authority'], user: ['client-certificate', 'client-key', 'tokenFile'] } as const;

function absolutePaths<T extends Record<string, unknown>>(entry: T, fields: readonly string[], dir: string): T {
  const copy: Record<string, unknown> = { ...entry };
  for (const field of fields) {
    const value = copy[field];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) copy[field] = resolve(dir, value);
  }
  return copy as T;
}

function describeIssue(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`).join('; ');
}

/** Parses kubeconfig files (already read) and merges them; relative paths resolve against each file's directory. */
export function parseKubeconfig(files: readonly { readonly path: string; readonly text: string }[]): Kubeconfig {
  let currentContext: string | undefined;
  const clusters = new Map<string, ClusterEntry>();
  const users = new Map<string, UserEntry>();
  const contexts = new Map<string, ContextEntry>();
  for (const file of files) {
    let raw: unknown;
    try {
      raw = jsYaml.load(file.text);
    } catch (error) {
      throw new Error(`${file.path} is not valid YAML: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    // An empty file is an empty kubeconfig, as for kubectl.
    const parsed = KubeconfigSchema.safeParse(raw ?? {});
    if (!parsed.success) throw new Error(`${file.path} is not a valid kubeconfig: ${describeIssue(parsed.error)}`);
    const dir = dirname(file.path);
    const config = parsed.data;
    if (!currentContext && config['current-context']) currentContext = config['current-context'];
    for (const { name, cluster } of config.clusters ?? []) {
      if (!clusters.has(name)) clusters.set(name, absolutePaths(cluster, PATH_FIELDS.cluster, dir));
    }
    for (const { name, user } of config.users ?? []) {
      if (!users.has(name)) users.set(name, absolutePaths(user ?? {}, PATH_FIELDS.user, dir));
    }
    for (const { name, context } of config.contexts ?? []) {
      if (!contexts.has(name)) contexts.set(name, context);
    }
  }
  return { files: files.map((file) => file.path), ...(currentContext ? { currentContext } : {}), clusters, users, contexts };
}

export interface SelectedContext {
  readonly name: string;
  readonly cluster: ClusterEntry;
  readonly user: UserEntry;
  /** The context's namespace, when it sets one. */
  readonly namespace?: string;
}

export function selectContext(config: Kubeconfig, contextName?: string): SelectedContext {
  const where = config.files.join(':');
  const name = contextName ?? config.currentContext;
  if (!name) throw new Error(`${where} sets no current-context; pass --context (contexts: ${[...config.contexts.keys()].join(', ') || 'none'})`);
  const context = config.contexts.get(name);
  if (!context) throw new Error(`context "${name}" is not in ${where} (contexts: ${[...config.contexts.keys()].join(', ') || 'none'})`);
  const cluster = config.clusters.get(context.cluster);
  if (!cluster) throw new Error(`cluster "${context.cluster}" of context "${name}" is not in ${where}`);
  // A context without a user sends no credentials (kubectl does the same).
  const user = context.user ? config.users.get(context.user) : {};
  if (!user) throw new Error(`user "${context.user}" of context "${name}" is not in ${where}`);
  return { name, cluster, user, ...(context.namespace ? { namespace: context.namespace } : {}) };
}

const NATIVE_CLUSTER_FIELDS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'extensions', 'disable-compression']);
const NATIVE_USER_FIELDS = new Set(['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'username', 'password', 'extensions']);

/** Why the native loader cannot honour this context (client-node then loads it), or undefined. */
export function nativeUnsupported(selected: SelectedContext): string | undefined {
  const set = (entry: Record<string, unknown>, allowed: ReadonlySet<string>) =>
    Object.keys(entry).filter((key) => !allowed.has(key) && entry[key] !== undefined && entry[key] !== null && entry[key] !== '');
  const user = set(selected.user, NATIVE_USER_FIELDS);
  if (user.length) return `user field ${user.join(', ')}`;
  const cluster = set(selected.cluster, NATIVE_CLUSTER_FIELDS);
  if (cluster.length) return `cluster field ${cluster.join(', ')}`;
  return undefined;
}

// --- Connections ------------------------------------------------------------------------------

interface TlsSettings {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

type Credentials = { readonly type: 'none' } | { readonly type: 'bearer'; token(): Promise<string> } | { readonly type: 'basic'; readonly header: string };

/** A token read from a file and read again once it is older than ttlMs. */
export function tokenFromFile(path: string, ttlMs: number, now: () => number = Date.now): () => Promise<string> {
  let cached: { token: string; readAt: number } | undefined;
  let reading: Promise<string> | undefined;
  return async () => {
    if (cached && now() - cached.readAt < ttlMs) return cached.token;
    reading ??= readFile(path, 'utf8')
      .then((text) => {
        cached = { token: text.trim(), readAt: now() };
        return cached.token;
      })
      .catch((error: unknown) => {
        // A failed re-read keeps the last token: the kubelet replaces the file atomically, so this is rare and brief.
        if (cached) return cached.token;
        throw new Error(`cannot read the token file ${path}: ${error instanceof Error ? error.message : String(error)}`);
      })
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
}

function nativeConnection(server: string, tls: TlsSettings, credentials: Credentials, loader: KubeConnection['loader'], namespace: string | undefined): KubeConnection {
  const url = new URL(server);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`server ${server} is neither an https:// nor an http:// URL`);
  // One keep-alive agent per connection: its sockets carry this connection's TLS settings only.
  const agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: true, ...tls }) : undefined;
  return {
    server,
    loader,
    ...(namespace ? { namespace } : {}),
    async apply(options) {
      if (agent) {
        Object.assign(options, tls);
        options.agent = agent;
      }
      if (credentials.type === 'none') return;
      const authorization = credentials.type === 'bearer' ? `Bearer ${await credentials.token()}` : credentials.header;
      if (Array.isArray(options.headers)) options.headers = [...(options.headers as readonly string[]), 'Authorization', authorization];
      else options.headers = { ...options.headers, Authorization: authorization };
    },
  };
}

async function fileOrData(data: string | undefined, file: string | undefined, what: string): Promise<Buffer | undefined> {
  if (data) return Buffer.from(data, 'base64');
  if (!file) return undefined;
  try {
    return await readFile(file);
  } catch (error) {
    throw new Error(`cannot read the ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** A connection for a context the native loader supports (check nativeUnsupported first). */
export async function connectionFromContext(selected: SelectedContext, tokenFileTtlMs = TOKEN_FILE_TTL_MS): Promise<KubeConnection> {
  const { cluster, user, name } = selected;
  const tls: TlsSettings = {};
  if (cluster['insecure-skip-tls-verify']) tls.rejectUnauthorized = false;
  else {
    const ca = await fileOrData(cluster['certificate-authority-data'], cluster['certificate-authority'], `certificate authority of context "${name}"`);
    if (ca) tls.ca = ca;
  }
  if (cluster['tls-server-name']) tls.servername = cluster['tls-server-name'];
  const cert = await fileOrData(user['client-certificate-data'], user['client-certificate'], `client certificate of context "${name}"`);
  const key = await fileOrData(user['client-key-data'], user['client-key'], `client key of context "${name}"`);
  if (Boolean(cert) !== Boolean(key)) throw new Error(`the user of context "${name}" has a client ${cert ? 'certificate but no key' : 'key but no certificate'}`);
  if (cert && key) Object.assign(tls, { cert, key });

  let credentials: Credentials = { type: 'none' };
  const token = user.token;
  if (token) credentials = { type: 'bearer', token: () => Promise.resolve(token) };
  else if (user.tokenFile) credentials = { type: 'bearer', token: tokenFromFile(user.tokenFile, tokenFileTtlMs) };
  else if (user.username) credentials = { type: 'basic', header: `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}` };
  return nativeConnection(cluster.server, tls, credentials, 'kubeconfig', selected.namespace);
}

/** The pod's service account: the API server's Service address, its CA and the (rotating) token. */
export async function inClusterConnection(env: LoadConnectionOptions['env'], dir = SERVICE_ACCOUNT_DIR, tokenFileTtlMs = TOKEN_FILE_TTL_MS): Promise<KubeConnection> {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error('not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set');
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${port}`;
  const caFile = join(dir, 'ca.crt');
  let ca: Buffer;
  try {
    ca = await readFile(caFile);
  } catch (error) {
    throw new Error(`cannot read the service account's CA ${caFile}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const token = tokenFromFile(join(dir, 'token'), tokenFileTtlMs);
  // Fail at start-up, not at the first request, when the token is not mounted.
  await token();
  // The pod's namespace, as client-go's in-cluster config reads it (optional: older mounts lack it).
  const namespace = await readFile(join(dir, 'namespace'), 'utf8').then((text) => text.trim(), () => undefined);
  return nativeConnection(server, { ca }, { type: 'bearer', token }, 'in-cluster', namespace);
}

/** Wraps a client-node KubeConfig (callers that already hold one: the bench, tests, the fallback). */
export function connectionFromKubeConfig(kc: KubeConfig): KubeConnection {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster (set a context with kubectl config use-context)');
  const namespace = kc.getContextObject(kc.getCurrentContext())?.namespace;
  return {
    server: cluster.server,
    loader: 'client-node',
    ...(namespace ? { namespace } : {}),
    apply: (options) => kc.applyToHTTPSOptions(options),
  };
}

/** Client-node loads what the native loader does not support; only then is it imported. */
async function clientNodeConnection(config: Kubeconfig, contextName: string): Promise<KubeConnection> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  const list = <T>(entries: ReadonlyMap<string, T>, field: string) => [...entries].map(([name, value]) => ({ name, [field]: value }));
  // The merged, path-resolved config: client-node's own merge rejects duplicate names and lets the last file win.
  kc.loadFromString(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: list(config.clusters, 'cluster'),
      users: list(config.users, 'user'),
      contexts: list(config.contexts, 'context'),
      'current-context': contextName,
    }),
  );
  return connectionFromKubeConfig(kc);
}

async function readKubeconfigFiles(paths: readonly string[], required: boolean): Promise<{ path: string; text: string }[]> {
  const files: { path: string; text: string }[] = [];
  for (const path of paths) {
    try {
      files.push({ path, text: await readFile(path, 'utf8') });
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      // kubectl skips files of $KUBECONFIG that do not exist; an explicit --kubeconfig must exist.
      if (missing && !required) continue;
      throw new Error(`cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return files;
}

/**
 * The connection to use: an explicit kubeconfig; else, in a pod, its service account; else
 * $KUBECONFIG (a list of files, merged) or ~/.kube/config.
 */
export async function loadConnection(options: LoadConnectionOptions): Promise<KubeConnection> {
  const { env } = options;
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST);
  const ttl = options.tokenFileTtlMs ?? TOKEN_FILE_TTL_MS;
  const fromServiceAccount = async () => {
    const connection = await inClusterConnection(env, options.serviceAccountDir, ttl);
    options.log?.debug({ server: connection.server }, 'kube connection: in-cluster service account');
    return connection;
  };

  let files: { path: string; text: string }[];
  if (options.kubeconfig) {
    files = await readKubeconfigFiles([options.kubeconfig], true);
  } else {
    if (inCluster && options.inClusterFirst !== false) return fromServiceAccount();
    const list = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
    const paths = list.length ? list : [join(options.homeDir ?? env.HOME ?? homedir(), '.kube', 'config')];
    files = await readKubeconfigFiles(paths, false);
    if (files.length === 0) {
      if (inCluster) return fromServiceAccount();
      throw new Error(`no kubeconfig found (${list.length ? `none of $KUBECONFIG exists: ${paths.join(', ')}` : `${paths[0]} does not exist`}) and not running in a cluster; pass --kubeconfig`);
    }
  }
  const config = parseKubeconfig(files);
  const selected = selectContext(config, options.context);
  const unsupported = nativeUnsupported(selected);
  if (unsupported) {
    options.log?.debug({ context: selected.name, reason: unsupported }, 'kube connection: loading @kubernetes/client-node for this kubeconfig');
    return clientNodeConnection(config, selected.name);
  }
  const connection = await connectionFromContext(selected, ttl);
  options.log?.debug({ context: selected.name, server: connection.server }, 'kube connection: kubeconfig');
  return connection;
}
