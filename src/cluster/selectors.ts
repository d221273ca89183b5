// Label selector semantics as the API server applies them.
import type { LabelSelector } from '../model/meta.js';

export type Labels = Readonly<Record<string, string>> | undefined;

/** A set-based selector (Deployments, NetworkPolicies, ...). An empty selector matches everything. */
export function matchesLabelSelector(labels: Labels, selector: LabelSelector | undefined | null): boolean {
  if (!selector) return false;
  const actual = labels ?? {};
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (actual[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(actual, requirement.key);
    const value = actual[requirement.key];
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
        if (!has || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/**
 * An equality-based selector (Services, Istio workload selectors). Unlike a LabelSelector, an empty
 * or missing map selects nothing: a Service without selector has manually managed endpoints.
 */
export function matchesEqualitySelector(labels: Labels, selector: Readonly<Record<string, string>> | undefined | null): boolean {
  if (!selector) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  const actual = labels ?? {};
  return entries.every(([key, value]) => actual[key] === value);
}

export function formatLabelSelector(selector: LabelSelector | undefined | null): string {
  if (!selector) return '<none>';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator.toLowerCase()} (${(r.values ?? []).join(',')})`);
  }
  return parts.join(',') || '<empty>';
}

export function formatLabels(labels: Readonly<Record<string, string>> | undefined | null): string {
  if (!labels) return '<none>';
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || '<empty>';
}
