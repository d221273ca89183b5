// The issuance chain cert-manager builds for a Certificate: Certificate -> its current
// CertificateRequest -> the ACME Order that request created -> the Order's Challenges, and the
// Issuer or ClusterIssuer that signs. Pure helpers over the view, shared by the certificate checks
// (and by other families that need "which Certificate should produce this Secret").
import type { ClusterReader } from '../../cluster/view.js';
import type {
  Certificate, CertificateRequest, Challenge, ClusterIssuer, Issuer, IssuerReference, Order,
} from '../../model/certmanager.js';
import type { Condition, KubeObject, ObjectRef } from '../../model/meta.js';
import { findCondition, refOf } from '../../model/meta.js';
import { ageMs, describeRef, eventEvidence, recheckWhenAged } from '../evidence.js';
import type { Clock } from '../evidence.js';

export const CERT_MANAGER_GROUP = 'cert-manager.io';
export const REVISION_ANNOTATION = 'cert-manager.io/certificate-revision';

/** Whether `obj` names `owner` among its ownerReferences (by uid when both sides have one). */
export function isOwnedBy(obj: KubeObject, owner: KubeObject): boolean {
  return (obj.metadata.ownerReferences ?? []).some(
    (ref) => ref.kind === owner.kind && ref.name === owner.metadata.name && (!ref.uid || !owner.metadata.uid || ref.uid === owner.metadata.uid),
  );
}

export function revisionOf(request: CertificateRequest): number | undefined {
  const value = request.metadata.annotations?.[REVISION_ANNOTATION];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

const byNewest = (a: KubeObject, b: KubeObject): number => (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');

/** The CertificateRequests a Certificate owns; empty when CertificateRequests are not in the view. */
export function requestsOf(view: ClusterReader, cert: Certificate): CertificateRequest[] {
  if (!view.has('CertificateRequest') || !cert.metadata.namespace) return [];
  return view.referencing('CertificateRequest', cert).filter((request) => isOwnedBy(request, cert));
}

/**
 * The request of the issuance that matters now. While issuing, cert-manager names the attempt
 * status.revision + 1 (the revision counts successful issuances only, so a failed attempt keeps that
 * number until it succeeds); otherwise the latest revision is the one that produced, or failed to
 * produce, the current Secret. Older revisions are history and never reported.
 */
export function currentRequest(view: ClusterReader, cert: Certificate): CertificateRequest | undefined {
  const requests = requestsOf(view, cert).sort(byNewest);
  if (findCondition(cert.status.conditions, 'Issuing')?.status === 'True') {
    const attempt = (cert.status.revision ?? 0) + 1;
    return requests.find((request) => revisionOf(request) === attempt);
  }
  let latest: CertificateRequest | undefined;
  for (const request of requests) {
    if (!latest || (revisionOf(request) ?? -1) > (revisionOf(latest) ?? -1)) latest = request;
  }
  return latest;
}

export function ordersOf(view: ClusterReader, request: CertificateRequest): Order[] {
  if (!view.has('Order') || !request.metadata.namespace) return [];
  return view.referencing('Order', request).filter((o) => isOwnedBy(o, request)).sort(byNewest);
}

export function challengesOf(view: ClusterReader, order: Order): Challenge[] {
  if (!view.has('Challenge') || !order.metadata.namespace) return [];
  return view
    .referencing('Challenge', order)
    .filter((c) => isOwnedBy(c, order))
    .sort((a, b) => a.spec.dnsName.localeCompare(b.spec.dnsName) || a.metadata.name.localeCompare(b.metadata.name));
}

export interface IssuanceChain {
  readonly certificate: Certificate;
  readonly request?: CertificateRequest;
  readonly orders: readonly Order[];
  readonly challenges: readonly Challenge[];
}

export function issuanceChain(view: ClusterReader, cert: Certificate): IssuanceChain {
  const request = currentRequest(view, cert);
  const orders = request ? ordersOf(view, request) : [];
  const challenges = orders.flatMap((o) => challengesOf(view, o));
  return { certificate: cert, ...(request ? { request } : {}), orders, challenges };
}

// ---- Issuers -------------------------------------------------------------------------------

export type IssuerResolution =
  /** An issuer of another API group (an external issuer such as awspca.cert-manager.io): not judged here. */
  | { readonly type: 'external'; readonly group: string; readonly kind: string; readonly name: string }
  /** Issuers of that kind are not in the view (not listed, or none in the dump): cannot tell. */
  | { readonly type: 'unknown'; readonly ref: ObjectRef }
  | { readonly type: 'missing'; readonly ref: ObjectRef }
  | { readonly type: 'found'; readonly ref: ObjectRef; readonly issuer: Issuer | ClusterIssuer };

export function isCertManagerGroup(group: string | undefined): boolean {
  return !group || group === CERT_MANAGER_GROUP;
}

/** The Issuer or ClusterIssuer an issuerRef names, as an object reference (undefined for other groups). */
export function issuerRefOf(namespace: string | undefined, issuerRef: IssuerReference): ObjectRef | undefined {
  if (!isCertManagerGroup(issuerRef.group)) return undefined;
  const kind = issuerRef.kind || 'Issuer';
  return {
    apiVersion: `${CERT_MANAGER_GROUP}/v1`,
    kind,
    name: issuerRef.name,
    ...(kind === 'ClusterIssuer' || !namespace ? {} : { namespace }),
  };
}

export function resolveIssuer(view: ClusterReader, namespace: string | undefined, issuerRef: IssuerReference): IssuerResolution {
  const ref = issuerRefOf(namespace, issuerRef);
  if (!ref) return { type: 'external', group: issuerRef.group ?? '', kind: issuerRef.kind ?? 'Issuer', name: issuerRef.name };
  if (ref.kind !== 'Issuer' && ref.kind !== 'ClusterIssuer') return { type: 'missing', ref };
  if (!view.has(ref.kind)) return { type: 'unknown', ref };
  const issuer = ref.kind === 'ClusterIssuer' ? view.get('ClusterIssuer', undefined, ref.name) : view.get('Issuer', ref.namespace, ref.name);
  return issuer ? { type: 'found', ref, issuer } : { type: 'missing', ref };
}

/** The issuer's Ready condition when it says "not ready" (False or Unknown); absent means not judged yet. */
export function issuerNotReadyCondition(issuer: Issuer | ClusterIssuer): Condition | undefined {
  const ready = findCondition(issuer.status.conditions, 'Ready');
  return ready && ready.status !== 'True' ? ready : undefined;
}

export function issuerTypeOf(issuer: Issuer | ClusterIssuer): string {
  const { spec } = issuer;
  if (spec.acme) return `ACME (${spec.acme.server ?? 'unknown server'})`;
  if (spec.ca) return `CA (Secret ${spec.ca.secretName ?? 'unset'})`;
  if (spec.selfSigned) return 'self-signed';
  if (spec.vault) return `Vault (${spec.vault.server ?? 'unknown server'})`;
  if (spec.venafi) return 'Venafi';
  return 'unknown type';
}

// ---- States --------------------------------------------------------------------------------

export type RequestState =
  | { readonly state: 'issued' }
  | { readonly state: 'denied' | 'invalid' | 'failed'; readonly reason: string; readonly message: string; readonly since?: string }
  | { readonly state: 'pending'; readonly reason?: string; readonly message?: string; readonly since?: string };

export function requestState(request: CertificateRequest): RequestState {
  const conditions = request.status.conditions;
  const denied = findCondition(conditions, 'Denied');
  if (denied?.status === 'True') return failure('denied', denied, request.status.failureTime);
  const invalid = findCondition(conditions, 'InvalidRequest');
  if (invalid?.status === 'True') return failure('invalid', invalid, request.status.failureTime);
  const ready = findCondition(conditions, 'Ready');
  if (ready?.status === 'True') return { state: 'issued' };
  if (ready?.status === 'False' && ready.reason === 'Failed') return failure('failed', ready, request.status.failureTime);
  if (ready?.status === 'False' && ready.reason === 'Denied') return failure('denied', ready, request.status.failureTime);
  const approved = findCondition(conditions, 'Approved');
  const since = ready?.lastTransitionTime ?? request.metadata.creationTimestamp;
  const message = ready?.message ?? (approved?.status === 'True' ? undefined : 'not approved yet');
  return { state: 'pending', ...(ready?.reason ? { reason: ready.reason } : {}), ...(message ? { message } : {}), ...(since ? { since } : {}) };
}

function failure(state: 'denied' | 'invalid' | 'failed', c: Condition, failureTime: string | undefined): RequestState {
  const since = failureTime ?? c.lastTransitionTime;
  return { state, reason: c.reason ?? state, message: c.message ?? '', ...(since ? { since } : {}) };
}

export const FAILED_ORDER_STATES: ReadonlySet<string> = new Set(['invalid', 'errored']);

export function isOrderFailed(order: Order): boolean {
  return FAILED_ORDER_STATES.has(order.status.state ?? '');
}

/**
 * Final states of a Challenge in which it will never turn valid (cert-manager's acme.IsFailureState:
 * invalid, errored, expired); its Order fails with it, even before the Order's own state says so.
 */
export const FAILED_CHALLENGE_STATES: ReadonlySet<string> = new Set(['invalid', 'errored', 'expired']);

export function isChallengeFailed(challenge: Challenge): boolean {
  return FAILED_CHALLENGE_STATES.has(challenge.status.state ?? '');
}

// ---- Timing --------------------------------------------------------------------------------

/**
 * An issuance that started less than `grace` ago and has not failed before: cert-manager is at work,
 * and flagging it would be a false positive (first issuance, or a renewal that just began).
 */
export function issuanceInProgress(cert: Certificate, clock: Clock, grace: number): boolean {
  const issuing = findCondition(cert.status.conditions, 'Issuing');
  if (issuing?.status !== 'True' || (cert.status.failedIssuanceAttempts ?? 0) > 0) return false;
  const age = ageMs(issuing.lastTransitionTime, clock.now);
  // No longer "at work" once the issuance is as old as the grace period.
  recheckWhenAged(clock, issuing.lastTransitionTime, grace, cert.metadata.namespace);
  return age === undefined || age < grace;
}

/**
 * Renewal is not happening: the renewal time passed more than `grace` ago (or is unknown) and no
 * fresh, failure-free issuance is under way.
 */
export function renewalStalled(cert: Certificate, clock: Clock, grace: number): boolean {
  const sinceRenewal = ageMs(cert.status.renewalTime, clock.now);
  // Stalled at the earliest once the renewal time is `grace` past (a future renewal time included).
  recheckWhenAged(clock, cert.status.renewalTime, grace, cert.metadata.namespace);
  if (sinceRenewal !== undefined && sinceRenewal < grace) return false;
  return !issuanceInProgress(cert, clock, grace);
}

// ---- Descriptions --------------------------------------------------------------------------

/** cert-manager messages sometimes end in a dangling `: ` (an empty wrapped error). */
export function tidy(text: string | undefined): string {
  return (text ?? '').trim().replace(/[\s:]+$/, '');
}

const GENERIC_REQUEST_REASONS: ReadonlySet<string> = new Set(['pending', 'failed', 'denied', 'invalidrequest']);

/** "reason: message" of a request state, leaving out reasons that only repeat the state. */
export function requestDetail(s: Exclude<RequestState, { state: 'issued' }>): string {
  const reason = s.reason && !GENERIC_REQUEST_REASONS.has(s.reason.toLowerCase()) ? s.reason : undefined;
  return [reason, tidy(s.message)].filter(Boolean).join(': ');
}

export const REQUEST_STATE_WORDS = { denied: 'was denied', invalid: 'is invalid', failed: 'failed', pending: 'is pending' } as const;

export function describeCondition(c: Condition): string {
  const why = c.reason ? ` (${c.reason})` : '';
  const message = tidy(c.message) ? `: ${tidy(c.message)}` : '';
  const since = c.lastTransitionTime ? ` since ${c.lastTransitionTime}` : '';
  return `${c.type}=${c.status}${why}${since}${message}`;
}

export function describeRequest(request: CertificateRequest): string {
  const s = requestState(request);
  const revision = revisionOf(request);
  const name = `CertificateRequest ${request.metadata.namespace ?? ''}/${request.metadata.name}${revision !== undefined ? ` (revision ${revision})` : ''}`;
  if (s.state === 'issued') return `${name}: issued`;
  const detail = requestDetail(s);
  return `${name}: ${s.state}${s.since ? ` since ${s.since}` : ''}${detail ? `: ${detail}` : ''}`;
}

export function describeOrder(order: Order): string {
  const state = order.status.state || 'no state yet';
  return `Order ${order.metadata.namespace ?? ''}/${order.metadata.name}: ${state}${order.status.reason ? `: ${tidy(order.status.reason)}` : ''}`;
}

export function describeChallenge(challenge: Challenge): string {
  const flags = [challenge.status.presented ? 'presented' : 'not presented', challenge.status.processing ? 'processing' : undefined].filter(Boolean).join(', ');
  const state = challenge.status.state || 'no state yet';
  return `Challenge ${challenge.metadata.namespace ?? ''}/${challenge.metadata.name} (${challenge.spec.type} for ${challenge.spec.dnsName}): ${state}, ${flags}${challenge.status.reason ? `: ${challenge.status.reason}` : ''}`;
}

export function describeIssuer(resolution: IssuerResolution): string | undefined {
  switch (resolution.type) {
    case 'external':
      return undefined;
    case 'unknown':
      return `issuer ${describeRef(resolution.ref)}: not in the view`;
    case 'missing':
      return `issuer ${describeRef(resolution.ref)}: does not exist`;
    case 'found': {
      const notReady = issuerNotReadyCondition(resolution.issuer);
      return `issuer ${describeRef(resolution.ref)} (${issuerTypeOf(resolution.issuer)}): ${notReady ? describeCondition(notReady) : findCondition(resolution.issuer.status.conditions, 'Ready') ? 'Ready' : 'no Ready condition yet'}`;
    }
  }
}

/** One line per link of the chain, issuer first: the evidence a human follows to the failure. */
export function chainEvidence(chain: IssuanceChain, issuer: IssuerResolution): string[] {
  return [
    describeIssuer(issuer),
    chain.request ? describeRequest(chain.request) : undefined,
    ...chain.orders.map(describeOrder),
    ...chain.challenges.filter((c) => c.status.state !== 'valid').map(describeChallenge),
  ].filter((line): line is string => Boolean(line));
}

/** Objects whose findings can explain a problem of this Certificate (root-cause candidates). */
export function chainRefs(chain: IssuanceChain, issuer: IssuerResolution): ObjectRef[] {
  return [
    ...(issuer.type === 'external' ? [] : [issuer.ref]),
    ...(chain.request ? [refOf(chain.request)] : []),
    ...chain.orders.map(refOf),
    ...chain.challenges.map(refOf),
  ];
}

/**
 * Where the issuance of this Certificate fails, most fundamental first: the issuer, then the ACME
 * challenge (its reason says why the order failed), the order, the request. Undefined when no link
 * shows a failure.
 */
export function failurePoint(chain: IssuanceChain, issuer: IssuerResolution): string | undefined {
  if (issuer.type === 'missing') return `its issuer ${describeRef(issuer.ref)} does not exist`;
  if (issuer.type === 'found') {
    const notReady = issuerNotReadyCondition(issuer.issuer);
    if (notReady) return `its issuer ${describeRef(issuer.ref)} is not ready${notReady.reason ? ` (${notReady.reason})` : ''}`;
  }
  const challenge = chain.challenges.find((c) => c.status.state !== 'valid' && c.status.reason);
  if (challenge) return `the ${challenge.spec.type} challenge for ${challenge.spec.dnsName} is ${challenge.status.state || 'pending'}: ${challenge.status.reason ?? ''}`;
  const order = chain.orders.find(isOrderFailed);
  if (order) return `ACME order ${order.metadata.name} is ${order.status.state ?? ''}${order.status.reason ? `: ${tidy(order.status.reason)}` : ''}`;
  if (chain.request) {
    const s = requestState(chain.request);
    if (s.state === 'denied' || s.state === 'invalid' || s.state === 'failed') {
      const detail = requestDetail(s);
      return `CertificateRequest ${chain.request.metadata.name} ${REQUEST_STATE_WORDS[s.state]}${detail ? `: ${detail}` : ''}`;
    }
  }
  return undefined;
}

/** Warning events of the Certificate and of its current request, most recent first. */
export function certificateWarningEvents(view: ClusterReader, cert: Certificate, requestName: string | undefined, max: number): string[] {
  if (!view.has('Event')) return [];
  const namespace = cert.metadata.namespace;
  const events = [
    ...view.eventsFor({ kind: 'Certificate', namespace, name: cert.metadata.name }),
    ...(requestName ? view.eventsFor({ kind: 'CertificateRequest', namespace, name: requestName }) : []),
  ]
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''));
  return eventEvidence(events, max);
}

/** The Certificates whose spec.secretName is this Secret: what should produce a missing TLS Secret. */
export function certificatesProducingSecret(view: ClusterReader, namespace: string, secretName: string): ObjectRef[] {
  // The caller's analyzer must list 'Certificate' in optionalReads; without Certificates there is nothing to say.
  if (!view.has('Certificate')) return [];
  return view
    .inNamespace('Certificate', namespace)
    .filter((cert) => cert.spec.secretName === secretName)
    .map(refOf);
}
