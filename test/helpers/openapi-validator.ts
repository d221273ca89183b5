// A small validator for the subset of OpenAPI v3 that our CRDs use (type, properties, required,
// enum, items, format date-time, min/max items, lengths and values, map-type lists). It also reports
// fields the schema does not declare, because the API server prunes them: a pruned field would make
// the stored object differ from the desired one forever.

export interface OpenApiSchema {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly items?: OpenApiSchema;
  readonly format?: string;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-list-type'?: string;
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
}

// RFC 3339 date-time, as the API server's strfmt checks it.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function typeError(schema: OpenApiSchema, value: unknown): string | undefined {
  switch (schema.type) {
    case undefined:
      return undefined;
    case 'object':
      return isRecord(value) ? undefined : 'expected an object';
    case 'array':
      return Array.isArray(value) ? undefined : 'expected an array';
    case 'string':
      return typeof value === 'string' ? undefined : 'expected a string';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'expected an integer';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'expected a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected a boolean';
  }
}

/** Every violation, as `path: problem`; empty when the value validates. */
export function validateOpenApi(schema: OpenApiSchema, value: unknown, path = '$'): string[] {
  const wrongType = typeError(schema, value);
  if (wrongType) return [`${path}: ${wrongType}, got ${JSON.stringify(value)?.slice(0, 80)}`];
  const errors: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength) errors.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) errors.push(`${path}: not an RFC 3339 date-time: ${value}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.items) value.forEach((item, index) => errors.push(...validateOpenApi(schema.items!, item, `${path}[${index}]`)));
    const mapKeys = schema['x-kubernetes-list-map-keys'];
    if (schema['x-kubernetes-list-type'] === 'map' && mapKeys) {
      const seen = new Set<string>();
      for (const item of value) {
        const key = JSON.stringify(mapKeys.map((k) => (isRecord(item) ? item[k] : undefined)));
        if (seen.has(key)) errors.push(`${path}: duplicate map key ${key}`);
        seen.add(key);
      }
    }
  }
  if (isRecord(value) && schema.properties) {
    for (const name of schema.required ?? []) if (!(name in value) || value[name] === undefined) errors.push(`${path}.${name}: required`);
    for (const [name, member] of Object.entries(value)) {
      if (member === undefined) continue;
      const memberSchema = schema.properties[name];
      if (memberSchema) errors.push(...validateOpenApi(memberSchema, member, `${path}.${name}`));
      else if (!schema['x-kubernetes-preserve-unknown-fields']) errors.push(`${path}.${name}: not in the schema (the API server would prune it)`);
    }
  }
  return errors;
}
