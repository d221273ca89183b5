import type { CheckCase } from '../../helpers/cases.js';

export const cases: readonly CheckCase[] = [
  {
    name: 'external-dns crash-looping',
    fixtures: ['dns/external-dns-crashloop.yaml'],
    checks: ['ExternalDNSUnhealthy'],
    expected: ['ExternalDNSUnhealthy Deployment/dns-broken/external-dns'],
  },
  {
    name: 'external-dns running and ready',
    fixtures: ['dns/external-dns-healthy.yaml'],
    checks: ['ExternalDNSUnhealthy'],
    expected: [],
  },
  {
    name: 'external-dns (found by its app label) created 45 seconds ago, its pod being created',
    fixtures: ['dns/external-dns-starting.yaml'],
    checks: ['ExternalDNSUnhealthy'],
    expected: [],
  },
];
