// Parsing at the edge: raw API objects (from a file or the API server) become typed, trimmed
// objects, or a precise account of why they could not be.
import type { KindMap, KindName } from './kinds.js';
import { KIND_DESCRIPTORS, apiVersionOf, isKindName } from './kinds.js';
import { groupOf, kindIdentity } from './kind-identity.js';

export interface UnparseableObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** The first offending field as a dotted path, e.g. `spec.containers[0].ports`. */
  readonly field: string;
  readonly problem: string;
}

export type ParseOutcome =
  | { readonly type: 'parsed'; readonly kind: KindName; readonly object: KindMap[KindName] }
  | { readonly type: 'unparseable'; readonly error: UnparseableObject }
  /** A kind no analyzer reads: not an error, just not kept. */
  | { readonly type: 'ignored'; readonly apiVersion: string; readonly kind: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(object)';
}

export function parseObject(raw: unknown): ParseOutcome {
  if (!isRecord(raw)) {
    return { type: 'unparseable', error: { apiVersion: '', kind: '', name: '(unknown)', field: '(object)', problem: 'not an object' } };
  }
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  const wire = typeof raw.kind === 'string' ? raw.kind : '';
  const group = groupOf(apiVersion);
  // The apiVersion tells kinds of the same name apart (Istio's Gateway, the Gateway API's).
  const kind = kindIdentity(wire, group);
  const meta = isRecord(raw.metadata) ? raw.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '(unnamed)';
  const namespace = typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const at = { apiVersion, kind, name, ...(namespace ? { namespace } : {}) };
  if (!apiVersion || !kind) {
    return { type: 'unparseable', error: { ...at, field: apiVersion ? 'kind' : 'apiVersion', problem: 'missing' } };
  }
  if (!isKindName(kind)) return { type: 'ignored', apiVersion, kind };
  const descriptor = KIND_DESCRIPTORS[kind];
  const variant = descriptor.variants.find((candidate) => apiVersionOf(candidate) === apiVersion);
  if (!variant) {
    // A known kind of a group we read, in a version we do not know: report it rather than guess.
    if (descriptor.variants.some((candidate) => candidate.group === group)) {
      const known = descriptor.variants.map(apiVersionOf).join(', ');
      return { type: 'unparseable', error: { ...at, field: 'apiVersion', problem: `version ${apiVersion} is not one of ${known}` } };
    }
    return { type: 'ignored', apiVersion, kind };
  }
  const result = variant.schema.safeParse(kind === wire ? raw : { ...raw, kind });
  if (!result.success) {
    const issue = result.error.issues[0];
    return {
      type: 'unparseable',
      error: { ...at, field: issue ? describePath(issue.path) : '(object)', problem: issue?.message ?? 'invalid' },
    };
  }
  return { type: 'parsed', kind, object: result.data as KindMap[KindName] };
}
