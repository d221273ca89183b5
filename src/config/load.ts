// Configuration files: YAML or JSON validated with zod; errors name the file and the field.
import { readFile } from 'node:fs/promises';
import yaml from 'js-yaml';
import type { z } from 'zod';
import { analysisSettingsSchema } from '../analyzers/settings.js';
import type { AnalysisSettings } from '../analyzers/settings.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(top level)'}: ${issue.message}`)
    .join('; ');
}

export async function readConfigDocument(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`${path}: cannot read: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return yaml.load(text, { json: true }) ?? {};
  } catch (error) {
    throw new ConfigError(`${path}: invalid YAML: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function parseWith<T extends z.ZodType>(schema: T, document: unknown, source: string): z.infer<T> {
  const result = schema.safeParse(document);
  if (!result.success) throw new ConfigError(`${source}: ${describeZodError(result.error)}`);
  return result.data;
}

export async function loadAnalysisSettings(path: string | undefined): Promise<AnalysisSettings> {
  if (!path) return analysisSettingsSchema.parse({});
  return parseWith(analysisSettingsSchema, await readConfigDocument(path), path);
}
