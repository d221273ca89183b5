// The StorageClasses the platform promises its users (configurable), and a default class for the
// claims that name none. These are facts about the cluster, so the cluster is the subject.
import { isDefaultStorageClass } from '../../model/storage.js';
import { CLUSTER_SUBJECT } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';

export const expectedStorageClasses: Analyzer = {
  name: 'expected-storage-classes',
  description: 'StorageClasses the platform expects but the cluster lacks, and a missing default StorageClass.',
  checks: ['StorageClassExpectedMissing'],
  reads: ['StorageClass'],
  analyze({ view, settings }) {
    const classes = view.list('StorageClass');
    const available = `available StorageClasses: ${classes.map((sc) => `${sc.metadata.name}${isDefaultStorageClass(sc) ? ' (default)' : ''}`).sort().join(', ') || 'none'}`;
    const findings: Finding[] = [];
    for (const name of [...new Set(settings.thresholds.expectedStorageClasses)].sort()) {
      if (classes.some((sc) => sc.metadata.name === name)) continue;
      findings.push({
        check: 'StorageClassExpectedMissing',
        severity: 'warning',
        subject: CLUSTER_SUBJECT,
        object: { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', name },
        message: `The cluster has no StorageClass ${name}, which the platform expects to exist.`,
        evidence: [available, `expected StorageClasses: ${settings.thresholds.expectedStorageClasses.join(', ')}`],
      });
    }
    if (!classes.some(isDefaultStorageClass)) {
      findings.push({
        check: 'StorageClassExpectedMissing',
        severity: 'warning',
        subject: CLUSTER_SUBJECT,
        object: CLUSTER_SUBJECT,
        message: 'The cluster has no default StorageClass, so claims that name no class stay Pending.',
        evidence: [available, 'no StorageClass has the annotation storageclass.kubernetes.io/is-default-class: "true"'],
      });
    }
    return findings;
  },
};
