// Checks of the runbook section 'DNS'. This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const dnsChecks = [
  {
    id: 'ExternalDNSUnhealthy',
    severity: 'critical',
    area: 'DNS',
    title: 'external-dns unhealthy',
    description:
      'external-dns (a Deployment named external-dns or labelled app.kubernetes.io/name=external-dns or app=external-dns) is crash-looping, has no ready pod for longer than podNotReadyAfter, or has no pod at all; or, when its logs are read (live mode with --logs), it logged errors (credentials, rate limits, provider failures) after its last "All records are already up to date". DNS records of Ingresses and Services then stop being created or updated.',
    runbook: [
      'Make sure external-dns logs indicate "All records are already up to date": `kubectl logs -n <ns> deploy/external-dns --tail=100`.',
      'Are the credentials configured? Check the provider Secret or workload identity (IRSA, workload identity) the Deployment uses, and its permissions on the DNS zone.',
      'For rate limits, lower the sync frequency (--interval) or restrict --domain-filter / --zone-id-filter.',
      'Check the pods: `kubectl describe pods -n <ns> -l app.kubernetes.io/name=external-dns`.',
    ],
  },
] as const satisfies readonly CheckDefinition[];
