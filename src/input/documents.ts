// Reads what `kubectl get -o yaml|json` writes: a single object, a `List`, or multi-document YAML,
// from text. Errors name the source and the position.
import yaml from 'js-yaml';

export class InputError extends Error {
  constructor(readonly source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'InputError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Flattens `List` kinds (`v1 List`, `PodList`, ...) into their items. */
function* flatten(doc: unknown, source: string): Generator<unknown> {
  if (doc === null || doc === undefined) return;
  if (Array.isArray(doc)) {
    for (const item of doc) yield* flatten(item, source);
    return;
  }
  if (!isRecord(doc)) throw new InputError(source, `expected a Kubernetes object or List, found ${typeof doc}`);
  if (Array.isArray(doc.items) && (typeof doc.kind !== 'string' || doc.kind.endsWith('List'))) {
    // A typed list (PodList) carries apiVersion/kind on the list only; restore them on the items.
    const itemKind = typeof doc.kind === 'string' && doc.kind !== 'List' ? doc.kind.slice(0, -'List'.length) : undefined;
    for (const item of doc.items) {
      if (itemKind && isRecord(item) && item.kind === undefined) yield { apiVersion: doc.apiVersion, kind: itemKind, ...item };
      else yield* flatten(item, source);
    }
    return;
  }
  yield doc;
}

export function parseDocuments(text: string, source: string): unknown[] {
  const trimmed = text.trimStart();
  let docs: unknown[];
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      docs = [JSON.parse(text)];
    } catch (error) {
      throw new InputError(source, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
  } else {
    try {
      docs = yaml.loadAll(text, undefined, { json: true });
    } catch (error) {
      const problem = error instanceof yaml.YAMLException ? `invalid YAML at line ${error.mark.line + 1}, column ${error.mark.column + 1}: ${error.reason}` : String(error);
      throw new InputError(source, problem);
    }
  }
  const out: unknown[] = [];
  for (const doc of docs) for (const item of flatten(doc, source)) out.push(item);
  return out;
}
