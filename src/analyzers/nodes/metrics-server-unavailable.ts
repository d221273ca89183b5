// The resource metrics API (metrics-server) that `kubectl top`, HorizontalPodAutoscalers and the
// CPU-throttling check depend on: not registered at all, or registered but not answering.
import { findCondition } from '../../model/meta.js';
import { CLUSTER_SUBJECT, objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';

export const METRICS_API_SERVICE = 'v1beta1.metrics.k8s.io';

export const metricsServerAvailability: Analyzer = {
  name: 'metrics-server-availability',
  description: 'Whether the APIService of the resource metrics API exists and is Available.',
  checks: ['MetricsServerUnavailable'],
  reads: ['APIService'],
  analyze({ view }) {
    const findings: Finding[] = [];
    const apiService = view.get('APIService', undefined, METRICS_API_SERVICE);
    if (!apiService) {
      findings.push({
        check: 'MetricsServerUnavailable',
        severity: 'warning',
        subject: CLUSTER_SUBJECT,
        object: { apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', name: METRICS_API_SERVICE },
        message: `The APIService ${METRICS_API_SERVICE} does not exist: metrics-server is not installed, so kubectl top and HorizontalPodAutoscalers get no metrics.`,
        evidence: [`no APIService ${METRICS_API_SERVICE} among ${view.list('APIService').length} registered APIServices`],
      });
      return findings;
    }
    const available = findCondition(apiService.status.conditions, 'Available');
    if (available?.status !== 'False') return findings;
    const service = apiService.spec.service;
    findings.push({
      check: 'MetricsServerUnavailable',
      severity: 'warning',
      subject: objectRef(apiService),
      object: objectRef(apiService),
      message: `The APIService ${METRICS_API_SERVICE} is not Available${available.reason ? ` (${available.reason})` : ''}: the metrics API does not answer.`,
      evidence: [
        `Available=False${available.reason ? ` (${available.reason})` : ''}${available.lastTransitionTime ? ` since ${available.lastTransitionTime}` : ''}`,
        ...(available.message ? [`message: ${available.message}`] : []),
        ...(service?.name ? [`backing Service: ${service.namespace ?? ''}/${service.name}`] : []),
      ],
      ...(available.lastTransitionTime ? { firstSeen: available.lastTransitionTime } : {}),
    });
    return findings;
  },
};
