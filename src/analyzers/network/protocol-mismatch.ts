// HTTP and HTTPS mixed between a Service port and the container port behind it: clients speak TLS
// to a plain-HTTP server or the reverse, and every request fails in the handshake.
//
// A side's protocol comes from appProtocol, then the port name (`https`, `https-*` / `http`,
// `http-*`, `http2`, `h2c`), then the well-known numbers 443/8443 and 80. Two bare numbers are never
// compared (too weak a signal); at least one side must say its protocol by name or appProtocol.
// LoadBalancer Services are allowed HTTPS in front of HTTP: cloud load balancers terminate TLS.
import type { Pod, Service, ServicePort } from '../../model/core.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';
import { resolveTargetPort, selectorServicesWithBackends } from './service-backends.js';
import type { ResolvedPort } from './service-backends.js';

type WebProtocol = 'http' | 'https';
interface Classified {
  readonly protocol: WebProtocol;
  /** Whether a name or appProtocol says so, rather than a well-known port number. */
  readonly explicit: boolean;
}

const APP_PROTOCOLS: Readonly<Record<string, WebProtocol>> = {
  https: 'https', 'kubernetes.io/wss': 'https',
  http: 'http', http2: 'http', h2c: 'http', 'kubernetes.io/h2c': 'http', 'kubernetes.io/ws': 'http',
};

function byName(name: string | undefined): WebProtocol | undefined {
  if (!name) return undefined;
  const n = name.toLowerCase();
  if (/^https($|-)/.test(n)) return 'https';
  if (/^(http|http2|h2c)($|-)/.test(n)) return 'http';
  return undefined;
}

function byNumber(port: number, httpsPorts: readonly number[]): WebProtocol | undefined {
  if (httpsPorts.includes(port)) return 'https';
  return port === 80 ? 'http' : undefined;
}

function classifyServicePort(port: ServicePort): Classified | undefined {
  const declared = port.appProtocol ? APP_PROTOCOLS[port.appProtocol.toLowerCase()] : undefined;
  const named = declared ?? byName(port.name);
  if (named) return { protocol: named, explicit: true };
  // A Service's own 8443 is too often an admin or webhook port to read as HTTPS: only 443 counts.
  const numbered = byNumber(port.port, [443]);
  return numbered ? { protocol: numbered, explicit: false } : undefined;
}

function classifyContainerPort(port: ResolvedPort): Classified | undefined {
  const named = byName(port.name);
  if (named) return { protocol: named, explicit: true };
  const numbered = byNumber(port.number, [443, 8443]);
  return numbered ? { protocol: numbered, explicit: false } : undefined;
}

interface Mismatch {
  readonly pod: Pod;
  readonly backend: ResolvedPort;
  readonly protocol: WebProtocol;
}

/** The backend's protocol, when every pod that serves the port agrees it differs from the front's. */
function mismatchFor(service: Service, port: ServicePort, front: Classified, pods: readonly Pod[]): Mismatch | undefined {
  const target = port.targetPort ?? port.port;
  let first: Mismatch | undefined;
  for (const pod of pods) {
    const backend = resolveTargetPort(pod, target, port.protocol ?? 'TCP');
    if (!backend) continue;
    const back = classifyContainerPort(backend);
    if (!back || back.protocol === front.protocol || (!back.explicit && !front.explicit)) return undefined;
    if (service.spec.type === 'LoadBalancer' && front.protocol === 'https' && back.protocol === 'http') return undefined;
    first ??= { pod, backend, protocol: back.protocol };
  }
  return first;
}

const upper = (p: WebProtocol): string => p.toUpperCase();

export const serviceProtocolMismatches: Analyzer = {
  name: 'service-protocol-mismatches',
  description: 'Service ports that speak HTTPS to an HTTP container port, or HTTP to an HTTPS one.',
  checks: ['ServiceProtocolMismatch'],
  reads: ['Service', 'Pod'],
  scope: 'subject',
  subjectKinds: ['Service'],
  analyze({ view }) {
    const findings: Finding[] = [];
    for (const { service, pods } of selectorServicesWithBackends(view)) {
      for (const port of service.spec.ports ?? []) {
        const front = classifyServicePort(port);
        if (!front) continue;
        const mismatch = mismatchFor(service, port, front, pods);
        if (!mismatch) continue;
        const { backend } = mismatch;
        const svcPort = port.name ? `${port.name} (${port.port})` : String(port.port);
        const backPort = backend.name ? `${backend.name} (${backend.number})` : String(backend.number);
        findings.push({
          check: 'ServiceProtocolMismatch',
          severity: 'warning',
          subject: objectRef(service),
          object: objectRef(service),
          message: `Service ${service.metadata.namespace ?? ''}/${service.metadata.name} port ${svcPort} is ${upper(front.protocol)} but its backend port ${backPort} in container ${backend.container} is ${upper(mismatch.protocol)}.`,
          evidence: [
            `service port: name ${port.name ?? '<none>'}, appProtocol ${port.appProtocol ?? '<none>'}, port ${port.port}, targetPort ${port.targetPort ?? port.port}`,
            `backend: pod ${mismatch.pod.metadata.name} container ${backend.container} port ${backPort}`,
          ],
        });
      }
    }
    return findings;
  },
};
