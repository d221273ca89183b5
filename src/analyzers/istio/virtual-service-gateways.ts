// VirtualServices bound to a Gateway that does not exist: their hosts are served nowhere.
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import type { GatewayRef } from './gateway-refs.js';
import { gatewayRefsOf } from './gateway-refs.js';

export const istioVirtualServiceGateways: Analyzer = {
  name: 'istio-virtual-service-gateways',
  description: 'VirtualServices (or their route matches) bound to a Gateway that does not exist.',
  checks: ['IstioGatewayNotFound'],
  reads: ['VirtualService', 'Gateway'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const vs of view.list('VirtualService')) {
      if (vs.metadata.deletionTimestamp) continue;
      const namespace = vs.metadata.namespace ?? '';
      const missing = gatewayRefsOf(vs).filter((ref): ref is GatewayRef & { type: 'gateway' } => ref.type === 'gateway' && !view.get('Gateway', ref.namespace, ref.name));
      if (missing.length === 0) continue;
      const names = missing.map((ref) => `${ref.namespace}/${ref.name}`);
      findings.push({
        check: 'IstioGatewayNotFound',
        severity: 'critical',
        subject: objectRef(vs),
        object: objectRef(vs),
        message: `VirtualService ${namespace}/${vs.metadata.name} is bound to ${names.length === 1 ? `Gateway ${names[0] ?? ''}, which does not exist` : `Gateways ${names.join(', ')}, which do not exist`}.`,
        evidence: [
          ...missing.map((ref) => `gateway "${ref.written}" resolves to ${ref.namespace}/${ref.name}: not found`),
          `hosts: ${vs.spec.hosts.join(', ') || '(none)'}`,
          `Gateways in namespace ${namespace}: ${view.inNamespace('Gateway', namespace).map((g) => g.metadata.name).join(', ') || 'none'}`,
        ],
      });
    }
    return findings;
  },
};
