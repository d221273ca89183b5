// cert-manager custom resources (cert-manager.io/v1 and acme.cert-manager.io/v1), parsed down to
// what the certificate analyzers read. CSRs, issued certificates, ACME tokens and key authorizations
// are deliberately not kept: they are bulky, and nothing here needs their content.
import { z } from 'zod';
import { condition, objectMeta } from './meta.js';

/** Which issuer signs: kind defaults to Issuer, group to cert-manager.io (empty means the same). */
export const issuerReference = z.object({
  name: z.string().min(1),
  kind: z.string().optional(),
  group: z.string().optional(),
});
export type IssuerReference = z.infer<typeof issuerReference>;

export const certificate = z.object({
  apiVersion: z.literal('cert-manager.io/v1'),
  kind: z.literal('Certificate'),
  metadata: objectMeta,
  spec: z.object({
    secretName: z.string().min(1),
    issuerRef: issuerReference,
    commonName: z.string().optional(),
    dnsNames: z.array(z.string()).optional(),
    ipAddresses: z.array(z.string()).optional(),
    uris: z.array(z.string()).optional(),
    emailAddresses: z.array(z.string()).optional(),
    duration: z.string().optional(),
    renewBefore: z.string().optional(),
    isCA: z.boolean().optional(),
  }),
  status: z
    .object({
      conditions: z.array(condition).optional(),
      notBefore: z.string().optional(),
      notAfter: z.string().optional(),
      renewalTime: z.string().optional(),
      revision: z.number().int().optional(),
      failedIssuanceAttempts: z.number().int().optional(),
      lastFailureTime: z.string().optional(),
      nextPrivateKeySecretName: z.string().optional(),
    })
    .default({}),
});
export type Certificate = z.infer<typeof certificate>;

export const certificateRequest = z.object({
  apiVersion: z.literal('cert-manager.io/v1'),
  kind: z.literal('CertificateRequest'),
  metadata: objectMeta,
  spec: z.object({
    issuerRef: issuerReference,
    duration: z.string().optional(),
    isCA: z.boolean().optional(),
    usages: z.array(z.string()).optional(),
    username: z.string().optional(),
  }),
  status: z
    .object({
      conditions: z.array(condition).optional(),
      failureTime: z.string().optional(),
    })
    .default({}),
});
export type CertificateRequest = z.infer<typeof certificateRequest>;

const issuerSpec = z.object({
  acme: z
    .object({
      server: z.string().optional(),
      email: z.string().optional(),
      privateKeySecretRef: z.object({ name: z.string().optional() }).optional(),
    })
    .optional(),
  ca: z.object({ secretName: z.string().optional() }).optional(),
  selfSigned: z.object({}).optional(),
  vault: z.object({ server: z.string().optional(), path: z.string().optional() }).optional(),
  venafi: z.object({ zone: z.string().optional() }).optional(),
});

const issuerStatus = z
  .object({
    conditions: z.array(condition).optional(),
    acme: z.object({ uri: z.string().optional(), lastRegisteredEmail: z.string().optional() }).optional(),
  })
  .default({});

export const issuer = z.object({
  apiVersion: z.literal('cert-manager.io/v1'),
  kind: z.literal('Issuer'),
  metadata: objectMeta,
  spec: issuerSpec,
  status: issuerStatus,
});
export type Issuer = z.infer<typeof issuer>;

export const clusterIssuer = z.object({
  apiVersion: z.literal('cert-manager.io/v1'),
  kind: z.literal('ClusterIssuer'),
  metadata: objectMeta,
  spec: issuerSpec,
  status: issuerStatus,
});
export type ClusterIssuer = z.infer<typeof clusterIssuer>;

export const order = z.object({
  apiVersion: z.literal('acme.cert-manager.io/v1'),
  kind: z.literal('Order'),
  metadata: objectMeta,
  spec: z.object({
    issuerRef: issuerReference,
    commonName: z.string().optional(),
    dnsNames: z.array(z.string()).optional(),
    ipAddresses: z.array(z.string()).optional(),
  }),
  status: z
    .object({
      // valid, ready, pending, processing, invalid, expired, errored (or absent before the first sync).
      state: z.string().optional(),
      reason: z.string().optional(),
      url: z.string().optional(),
      failureTime: z.string().optional(),
    })
    .default({}),
});
export type Order = z.infer<typeof order>;

export const challenge = z.object({
  apiVersion: z.literal('acme.cert-manager.io/v1'),
  kind: z.literal('Challenge'),
  metadata: objectMeta,
  spec: z.object({
    type: z.string(),
    dnsName: z.string(),
    wildcard: z.boolean().optional(),
    url: z.string().optional(),
    issuerRef: issuerReference.optional(),
  }),
  status: z
    .object({
      state: z.string().optional(),
      reason: z.string().optional(),
      processing: z.boolean().optional(),
      presented: z.boolean().optional(),
    })
    .default({}),
});
export type Challenge = z.infer<typeof challenge>;
