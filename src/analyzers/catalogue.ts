// The check catalogue: one source of truth for every check's ID, severity, area, title, description
// and runbook steps. `healthreport checks` prints it and docs/checks.md is generated from it.
import { beyondTheRunbookChecks } from './catalogue/beyond-the-runbook.js';
import { certificatesChecks } from './catalogue/certificates.js';
import { dnsChecks } from './catalogue/dns.js';
import { gatewayApiChecks } from './catalogue/gateway-api.js';
import { generalChecks } from './catalogue/general.js';
import { istioChecks } from './catalogue/istio.js';
import { networkChecks } from './catalogue/network.js';
import { podsNotStartingChecks } from './catalogue/pods-not-starting.js';
import { podsNotWorkingChecks } from './catalogue/pods-not-working.js';
import { storageAndNodesChecks } from './catalogue/storage-nodes.js';
import type { CheckDefinition } from './catalogue/types.js';

export * from './catalogue/types.js';

export const CATALOGUE = [
  ...podsNotStartingChecks,
  ...podsNotWorkingChecks,
  ...networkChecks,
  ...istioChecks,
  ...dnsChecks,
  ...certificatesChecks,
  ...storageAndNodesChecks,
  ...beyondTheRunbookChecks,
  ...gatewayApiChecks,
  ...generalChecks,
] as const satisfies readonly CheckDefinition[];

export type CheckId = (typeof CATALOGUE)[number]['id'];

const BY_ID: ReadonlyMap<string, CheckDefinition> = new Map(CATALOGUE.map((check) => [check.id, check]));

export function checkDefinition(id: CheckId): CheckDefinition {
  const definition = BY_ID.get(id);
  if (!definition) throw new Error(`check ${id} is not in the catalogue`);
  return definition;
}

export function isCheckId(id: string): id is CheckId {
  return BY_ID.has(id);
}
