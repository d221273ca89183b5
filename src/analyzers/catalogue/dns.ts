// Checks of the runbook section 'DNS'. This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const dnsChecks = [
  {
    id: 'ExternalDNSUnhealthy',
    severity: 'critical',
    area: 'DNS',
    title: 'External DNS unhealthy',
    description: 'External-dns not ready / crashing, or its recent logs show errors (credentials, rate limits) rather than "All records are already up to date"',
    runbook: ['Make sure external-dns logs indicate "All records are already up to date"; are the credentials configured?'],
  },
] as const satisfies readonly CheckDefinition[];
