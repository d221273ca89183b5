// Remediation a person can paste. The catalogue's runbook steps name objects by placeholders
// (`kubectl logs -n <namespace> <pod> -c <container> --previous`) because docs/checks.md speaks of
// every finding at once; a finding knows its object, its subject and related objects, so the
// commands in its steps are filled in from those. Only the commands of the CLIs that take
// Kubernetes names (kubectl, istioctl, cmctl) are touched, and in them only placeholders whose role
// the command itself states: the value of -n/--namespace and -c/--container, a name after its
// resource type (`describe pvc <claim>`, `deployment/<name>`, `rollout undo deploy|sts <name>`),
// the object of a verb that takes one kind (`drain <node>`, `cmctl renew <name>`). A placeholder the
// finding cannot fill stays as it is, and so does any whose value could not be pasted safely.
import { checkDefinition } from '../analyzers/catalogue.js';
import type { CheckId } from '../analyzers/catalogue.js';
import type { Finding } from '../analyzers/types.js';
import type { ObjectRef } from '../model/meta.js';

/** The part of a finding remediation is filled from. */
export type RemediationSource = Pick<Finding, 'check' | 'subject' | 'object' | 'related'>;

/** kubectl's resource names, short names and the fully qualified ones the runbook uses, by kind. */
const RESOURCE_NAMES: Readonly<Record<string, readonly string[]>> = {
  Pod: ['pod', 'pods', 'po'],
  Node: ['node', 'nodes', 'no'],
  Namespace: ['namespace', 'namespaces', 'ns'],
  ConfigMap: ['configmap', 'configmaps', 'cm'],
  Secret: ['secret', 'secrets'],
  ServiceAccount: ['serviceaccount', 'serviceaccounts', 'sa'],
  PersistentVolumeClaim: ['persistentvolumeclaim', 'persistentvolumeclaims', 'pvc'],
  PersistentVolume: ['persistentvolume', 'persistentvolumes', 'pv'],
  ResourceQuota: ['resourcequota', 'resourcequotas', 'quota'],
  LimitRange: ['limitrange', 'limitranges', 'limits'],
  Service: ['service', 'services', 'svc'],
  Deployment: ['deployment', 'deployments', 'deploy'],
  ReplicaSet: ['replicaset', 'replicasets', 'rs'],
  StatefulSet: ['statefulset', 'statefulsets', 'sts'],
  DaemonSet: ['daemonset', 'daemonsets', 'ds'],
  Job: ['job', 'jobs'],
  CronJob: ['cronjob', 'cronjobs', 'cj'],
  StorageClass: ['storageclass', 'storageclasses', 'sc'],
  EndpointSlice: ['endpointslice', 'endpointslices'],
  Ingress: ['ingress', 'ingresses', 'ing'],
  IngressClass: ['ingressclass', 'ingressclasses'],
  NetworkPolicy: ['networkpolicy', 'networkpolicies', 'netpol'],
  Certificate: ['certificate', 'certificates', 'cert', 'certs', 'certificates.cert-manager.io'],
  CertificateRequest: ['certificaterequest', 'certificaterequests', 'cr', 'certificaterequests.cert-manager.io'],
  Issuer: ['issuer', 'issuers'],
  ClusterIssuer: ['clusterissuer', 'clusterissuers'],
  Order: ['order', 'orders', 'orders.acme.cert-manager.io'],
  Challenge: ['challenge', 'challenges', 'challenges.acme.cert-manager.io'],
  VirtualService: ['virtualservice', 'virtualservices', 'vs', 'virtualservices.networking.istio.io'],
  DestinationRule: ['destinationrule', 'destinationrules', 'dr', 'destinationrules.networking.istio.io'],
  Gateway: ['gateway', 'gateways', 'gw', 'gateways.networking.istio.io'],
  ServiceEntry: ['serviceentry', 'serviceentries', 'se', 'serviceentries.networking.istio.io'],
  Sidecar: ['sidecar', 'sidecars', 'sidecars.networking.istio.io'],
  PeerAuthentication: ['peerauthentication', 'peerauthentications', 'pa', 'peerauthentications.security.istio.io'],
  AuthorizationPolicy: ['authorizationpolicy', 'authorizationpolicies', 'ap', 'authorizationpolicies.security.istio.io'],
};
const KIND_OF_RESOURCE: ReadonlyMap<string, string> = new Map(Object.entries(RESOURCE_NAMES).flatMap(([kind, names]) => names.map((name): [string, string] => [name, kind])));

/** Placeholders whose own name says which kind of object they stand for. */
const KIND_OF_PLACEHOLDER: Readonly<Record<string, string>> = {
  pod: 'Pod',
  node: 'Node',
  claim: 'PersistentVolumeClaim',
  volume: 'PersistentVolume',
  pv: 'PersistentVolume',
  class: 'StorageClass',
  certificate: 'Certificate',
  request: 'CertificateRequest',
  order: 'Order',
  challenge: 'Challenge',
  replicaset: 'ReplicaSet',
  job: 'Job',
  cronjob: 'CronJob',
  account: 'ServiceAccount',
  quota: 'ResourceQuota',
  secret: 'Secret',
  secretName: 'Secret',
  credentialName: 'Secret',
  service: 'Service',
  svc: 'Service',
};
/** Stands for "the finding's object, whatever its kind" where a command names it by `<kind> <name>`. */
const THE_OBJECT = '';
const NAMESPACE_PLACEHOLDERS = new Set(['namespace', 'ns']);
const CONTAINER_PLACEHOLDERS = new Set(['container', 'sidecar', 'init-container']);

/** Verbs whose object is of one kind whatever follows: `kubectl drain <node>`, `cmctl renew <name>`. */
const VERB_KINDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  kubectl: { drain: 'Node', uncordon: 'Node', cordon: 'Node', logs: 'Pod', exec: 'Pod' },
  cmctl: { renew: 'Certificate', status: 'Certificate', inspect: 'Certificate' },
  istioctl: {},
};
const FILLED_COMMANDS = new Set(Object.keys(VERB_KINDS));

/** Label and field selector keys whose value is an object's name. */
const KIND_OF_SELECTOR_KEY: Readonly<Record<string, string>> = { 'kubernetes.io/service-name': 'Service', 'spec.nodeName': 'Node' };

/**
 * `kubectl rollout` works the same on these kinds: a step written for Deployments
 * (`rollout undo deployment/<name>`) applies as it is to the StatefulSet or DaemonSet a finding names.
 */
const ROLLOUT_KINDS: ReadonlyMap<string, { readonly long: string; readonly short: string }> = new Map([
  ['Deployment', { long: 'deployment', short: 'deploy' }],
  ['StatefulSet', { long: 'statefulset', short: 'sts' }],
  ['DaemonSet', { long: 'daemonset', short: 'ds' }],
]);

/** Flags whose value is the next word (so that word is neither a resource type nor a name). */
const FLAGS_WITH_VALUE = new Set([
  '-n', '--namespace', '-c', '--container', '-l', '--selector', '-o', '--output', '--field-selector', '--tail', '--fqdn',
  '--sort-by', '--revision', '--image', '--cert', '--key', '--docker-server', '--docker-username', '--docker-password',
  '--grace-period', '-f', '--filename', '--context', '--kubeconfig', '--since', '--format', '--entrypoint',
]);

const PLACEHOLDER = /<([A-Za-z][A-Za-z0-9_-]*)>/g;
const WHOLE_PLACEHOLDER = /^<([A-Za-z][A-Za-z0-9_-]*)>$/;

/** What a placeholder becomes, decided when the step is compiled; its value comes from the finding. */
type Slot =
  | { readonly type: 'namespace' }
  | { readonly type: 'container' }
  | { readonly type: 'objectKind' }
  /** The name of an object of one of `kinds` (in order); `typeWord` is a `deploy|sts` to narrow to the chosen kind. */
  | { readonly type: 'name'; readonly kinds: readonly string[]; readonly typeWord?: TypeWord };

interface TypeWord {
  readonly start: number;
  readonly end: number;
  /** The word each kind is written with in the alternatives. */
  readonly words: ReadonlyMap<string, string>;
}

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly slot: Slot;
}

/** A step as text plus the edits of each of its commands (a command's namespace follows its named object). */
interface CompiledStep {
  readonly text: string;
  readonly commands: readonly (readonly Edit[])[];
}

interface Word {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

function words(text: string, offset: number): Word[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ text: m[0], start: offset + (m.index ?? 0), end: offset + (m.index ?? 0) + m[0].length }));
}

/**
 * The resource type a word names (`pod`, `deploy|sts`): each kind it may stand for with the word to
 * write for it; undefined if none. Under `kubectl rollout`, every kind rollout handles.
 */
function resourceType(word: string, rollout: boolean): Map<string, string> | undefined {
  const kinds = new Map<string, string>();
  for (const alternative of word.split('|')) {
    const kind = KIND_OF_RESOURCE.get(alternative.toLowerCase());
    if (!kind) return undefined;
    kinds.set(kind, alternative);
  }
  if (rollout && [...kinds.keys()].every((kind) => ROLLOUT_KINDS.has(kind))) {
    const short = [...kinds.values()].every((written) => written.length <= 'deploy'.length);
    for (const [kind, words] of ROLLOUT_KINDS) if (!kinds.has(kind)) kinds.set(kind, short ? words.short : words.long);
  }
  return kinds;
}

/** The edits of one command (the words of a code span up to a pipe, `&&` or `;`). */
function compileCommand(command: readonly Word[]): Edit[] {
  const [tool, ...rest] = command;
  if (!tool || !FILLED_COMMANDS.has(tool.text)) return [];
  const edits: Edit[] = [];
  const verbKinds = VERB_KINDS[tool.text] ?? {};
  let context: { kinds: string[]; typeWord?: TypeWord } | undefined;
  let verb: string | undefined;
  for (let i = 0; i < rest.length; i += 1) {
    const word = rest[i] as Word;
    // The container's own command line follows `--`: its words are not kubectl's.
    if (word.text === '--') break;
    if (word.text.startsWith('-')) {
      // `--from=cronjob/<cronjob>`: an object named by type/name as a flag's value.
      const from = /^--from=([a-z.]+)\/(<[A-Za-z][A-Za-z0-9_-]*>)$/.exec(word.text);
      const fromKind = from ? KIND_OF_RESOURCE.get(from[1] ?? '') : undefined;
      if (from && fromKind) edits.push({ start: word.end - (from[2] ?? '').length, end: word.end, slot: { type: 'name', kinds: [fromKind] } });
      if (word.text.includes('=')) continue;
      const value = rest[i + 1];
      if (!FLAGS_WITH_VALUE.has(word.text) || !value) continue;
      i += 1;
      const placeholder = WHOLE_PLACEHOLDER.exec(value.text)?.[1];
      if ((word.text === '-n' || word.text === '--namespace') && placeholder && NAMESPACE_PLACEHOLDERS.has(placeholder)) {
        edits.push({ start: value.start, end: value.end, slot: { type: 'namespace' } });
      } else if ((word.text === '-c' || word.text === '--container') && placeholder && CONTAINER_PLACEHOLDERS.has(placeholder)) {
        edits.push({ start: value.start, end: value.end, slot: { type: 'container' } });
      } else {
        // `-l kubernetes.io/service-name=<name>`, `--field-selector spec.nodeName=<node>`.
        const selected = /^([\w./-]+)=<[A-Za-z][A-Za-z0-9_-]*>$/.exec(value.text);
        const kind = selected ? KIND_OF_SELECTOR_KEY[selected[1] ?? ''] : undefined;
        if (kind) edits.push({ start: value.start + value.text.indexOf('<'), end: value.end, slot: { type: 'name', kinds: [kind] } });
      }
      continue;
    }
    if (verb === undefined) {
      verb = word.text;
      const verbKind = verbKinds[word.text];
      if (verbKind) context = { kinds: [verbKind] };
      continue;
    }
    const rollout = tool.text === 'kubectl' && verb === 'rollout';
    const slash = word.text.indexOf('/');
    if (slash > 0 && WHOLE_PLACEHOLDER.test(word.text.slice(slash + 1))) {
      // `deployment/<name>`: the type and the name in one word.
      const kinds = resourceType(word.text.slice(0, slash), rollout);
      if (kinds) {
        const typeWord = { start: word.start, end: word.start + slash, words: kinds };
        edits.push({ start: word.start + slash + 1, end: word.end, slot: { type: 'name', kinds: [...kinds.keys()], ...(kinds.size > 1 ? { typeWord } : {}) } });
      }
      continue;
    }
    const kinds = resourceType(word.text, rollout);
    if (kinds) {
      context = { kinds: [...kinds.keys()], ...(kinds.size > 1 ? { typeWord: { start: word.start, end: word.end, words: kinds } } : {}) };
      continue;
    }
    const placeholder = WHOLE_PLACEHOLDER.exec(word.text)?.[1];
    if (placeholder) {
      const own = KIND_OF_PLACEHOLDER[placeholder];
      if (placeholder === 'kind') {
        // `kubectl get <kind> <name>`: the finding's object, whatever its kind.
        edits.push({ start: word.start, end: word.end, slot: { type: 'objectKind' } });
        context = { kinds: [THE_OBJECT] };
      }
      else if (own) edits.push({ start: word.start, end: word.end, slot: { type: 'name', kinds: [own] } });
      // `create` names a new object: its name is the reader's choice, not the finding's object.
      else if (placeholder === 'name' && context && verb !== 'create') edits.push({ start: word.start, end: word.end, slot: { type: 'name', kinds: context.kinds, ...(context.typeWord ? { typeWord: context.typeWord } : {}) } });
      else if (NAMESPACE_PLACEHOLDERS.has(placeholder) && context?.kinds.includes('Namespace')) edits.push({ start: word.start, end: word.end, slot: { type: 'name', kinds: ['Namespace'] } });
    } else if (word.text.startsWith('<kind>.')) {
      // `kubectl explain <kind>.<field>`: the kind is known, the field is the reader's.
      edits.push({ start: word.start, end: word.start + '<kind>'.length, slot: { type: 'objectKind' } });
    }
  }
  return edits;
}

/** The commands of a step: its code spans, or without any, the text from `kubectl ` on. */
function commandSpans(step: string): { text: string; start: number }[] {
  const spans = [...step.matchAll(/`([^`]+)`/g)].map((m) => ({ text: m[1] ?? '', start: (m.index ?? 0) + 1 }));
  if (spans.length > 0 || step.includes('`')) return spans;
  const at = step.search(/\b(kubectl|istioctl|cmctl) /);
  return at < 0 ? [] : [{ text: step.slice(at), start: at }];
}

function compileStep(step: string): CompiledStep {
  const commands: Edit[][] = [];
  for (const span of commandSpans(step)) {
    // A pipe or a `&&` starts another program (grep, base64, openssl): only the first is filled.
    let command: Word[] = [];
    for (const word of words(span.text, span.start)) {
      if (word.text === '|' || word.text === '&&' || word.text === ';') {
        commands.push(compileCommand(command));
        command = [];
      } else command.push(word);
    }
    commands.push(compileCommand(command));
  }
  return { text: step, commands: commands.filter((edits) => edits.length > 0) };
}

/**
 * A word for a POSIX shell: as it is when it holds only characters no shell treats specially,
 * otherwise single-quoted. Undefined for what must not be pasted at all: empty, a leading `-`
 * (kubectl would read an option), control characters or a backtick (which ends the code span).
 */
export function shellWord(value: string): string | undefined {
  if (value === '' || value.startsWith('-') || value.includes('`') || [...value].some((c) => c < ' ' || c === '\u007f')) return undefined;
  if (/^[A-Za-z0-9_.:/@%+=,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function namespaceOf(source: RemediationSource): string | undefined {
  return source.object.namespace ?? source.subject.namespace;
}

/** The one object of `kind` the finding names: its object, its subject, else a single related object. */
function refOfKind(source: RemediationSource, kind: string): ObjectRef | undefined {
  if (source.object.kind === kind || kind === THE_OBJECT) return source.object;
  if (source.subject.kind === kind) return source.subject;
  if (kind === 'Namespace') {
    const namespace = namespaceOf(source);
    return namespace ? { kind, name: namespace } : undefined;
  }
  const related = new Map((source.related ?? []).filter((ref) => ref.kind === kind).map((ref) => [`${ref.namespace ?? ''}/${ref.name}`, ref]));
  return related.size === 1 ? [...related.values()][0] : undefined;
}

function fillStep(step: CompiledStep, source: RemediationSource): string {
  const replacements: { start: number; end: number; text: string }[] = [];
  for (const edits of step.commands) {
    // Names first: the command's namespace is that of the object it names, where it names one.
    let named: ObjectRef | undefined;
    for (const edit of edits) {
      const { slot } = edit;
      if (slot.type !== 'name') continue;
      for (const kind of slot.kinds) {
        const ref = refOfKind(source, kind);
        const word = ref ? shellWord(ref.name) : undefined;
        if (!ref || !word) continue;
        replacements.push({ start: edit.start, end: edit.end, text: word });
        const typeWord = slot.typeWord?.words.get(kind);
        if (slot.typeWord && typeWord && !replacements.some((r) => r.start === slot.typeWord?.start)) replacements.push({ start: slot.typeWord.start, end: slot.typeWord.end, text: typeWord });
        if (ref.namespace && !named && kind !== 'Namespace') named = ref;
        break;
      }
    }
    for (const edit of edits) {
      let value: string | undefined;
      if (edit.slot.type === 'namespace') value = named?.namespace ?? namespaceOf(source);
      else if (edit.slot.type === 'container') value = source.object.container;
      else if (edit.slot.type === 'objectKind') value = source.object.kind.toLowerCase();
      else continue;
      const word = value === undefined ? undefined : shellWord(value);
      if (word) replacements.push({ start: edit.start, end: edit.end, text: word });
    }
  }
  if (replacements.length === 0) return step.text;
  replacements.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const r of replacements) {
    out += step.text.slice(at, r.start) + r.text;
    at = r.end;
  }
  return out + step.text.slice(at);
}

const compiled = new Map<string, readonly CompiledStep[]>();

function compiledRunbook(check: CheckId): readonly CompiledStep[] {
  let steps = compiled.get(check);
  if (!steps) compiled.set(check, (steps = checkDefinition(check).runbook.map(compileStep)));
  return steps;
}

/** The placeholders of a runbook step (for tests and docs: what a step leaves to the reader). */
export function placeholdersOf(step: string): string[] {
  return [...step.matchAll(PLACEHOLDER)].map((m) => m[0]);
}

// Findings an analyzer did not re-run keep their identity across passes: filled once.
const filledByFinding = new WeakMap<object, readonly string[]>();

/**
 * The check's runbook steps with the finding's namespace, object names and container in their
 * commands. The catalogue's own list when nothing could be filled.
 */
export function remediationFor(finding: RemediationSource): readonly string[] {
  const cached = filledByFinding.get(finding);
  if (cached) return cached;
  const runbook = checkDefinition(finding.check).runbook;
  const steps = compiledRunbook(finding.check);
  let filled: readonly string[] = runbook;
  if (steps.some((step) => step.commands.length > 0)) {
    const out = steps.map((step) => fillStep(step, finding));
    if (out.some((step, i) => step !== runbook[i])) filled = out;
  }
  filledByFinding.set(finding, filled);
  return filled;
}
