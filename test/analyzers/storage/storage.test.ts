import { describe, expect, it } from 'vitest';
import { runCases } from '../../helpers/cases.js';
import { analyzeFixtures } from '../../helpers/fixtures.js';
import { linkRootCauses } from '../../../src/report/root-causes.js';
import { cases } from './cases.js';

runCases('storage checks', cases);

function findingsOf(check: string, fixtures: string[], settings?: unknown) {
  return analyzeFixtures(fixtures, settings ? { settings } : {}).findings.filter((f) => f.check === check);
}

describe('PVCPending evidence', () => {
  it('names the provisioner failure and the consuming pod', () => {
    const [finding] = findingsOf('PVCPending', ['storage/classes.yaml', 'storage/pvc-provisioning-failed.yaml']);
    expect(finding?.message).toBe(
      'PersistentVolumeClaim storage-db/data-postgres-0 has been Pending for 19m: provisioning failed: failed to provision volume with StorageClass "std": rpc error: code = Internal desc = Could not create volume "pvc-7a41c0de-55b2-4f0e-8c1a-000000000002": could not create volume in EC2: operation error EC2: CreateVolume, https response error StatusCode: 403, api error UnauthorizedOperation: You are not authorized to perform this operation.',
    );
    const evidence = finding?.evidence.join('\n') ?? '';
    expect(evidence).toContain('storage class: std');
    expect(evidence).toContain('requested: 50Gi, access modes: ReadWriteOnce');
    expect(evidence).toContain('used by pods: postgres-0');
    expect(evidence).toContain('Warning ProvisioningFailed (x12, last 2026-11-25T11:58:10Z)');
    expect(evidence).toContain('Normal ExternalProvisioning (x78');
    expect(finding?.firstSeen).toBe('2026-11-25T11:40:01Z');
  });

  it('names the node the scheduler picked for a WaitForFirstConsumer claim', () => {
    const [finding] = findingsOf('PVCPending', ['storage/classes.yaml', 'storage/pvc-wffc-provisioning-failed.yaml']);
    expect(finding?.message).toContain('InsufficientVolumeCapacity');
    expect(finding?.evidence).toContain('selected node: ip-10-0-3-17.eu-west-1.compute.internal');
  });

  it('is explained by a missing StorageClass on the same claim', () => {
    const run = analyzeFixtures(['storage/classes.yaml', 'storage/pvc-class-missing.yaml']);
    const linked = linkRootCauses(run.findings).find((f) => f.check === 'PVCPending' && f.object.name === 'media');
    expect(linked?.message).toContain('storageclass.storage.k8s.io "premium-ssd" not found');
    expect(linked?.rootCause).toEqual({ check: 'PVCStorageClassMissing', subject: expect.objectContaining({ kind: 'PersistentVolumeClaim', name: 'media' }) });
  });

  it('names the default class that governs a claim naming none, or its absence', () => {
    const withDefault = findingsOf('PVCPending', ['storage/classes.yaml', 'storage/pvc-class-missing.yaml']).find((f) => f.object.name === 'uploads');
    const withoutDefault = findingsOf('PVCPending', ['storage/classes-no-default.yaml', 'storage/pvc-class-missing.yaml']).find((f) => f.object.name === 'uploads');
    const withoutClasses = findingsOf('PVCPending', ['storage/pvc-class-missing.yaml']).find((f) => f.object.name === 'uploads');
    expect(withDefault?.evidence[0]).toBe('storage class: none given (default: std)');
    expect(withoutDefault?.evidence[0]).toBe('storage class: none given, and no default StorageClass');
    expect(withoutClasses?.evidence[0]).toBe('storage class: none given');
  });

  it('waits for the pvcPendingAfter threshold', () => {
    const findings = findingsOf('PVCPending', ['storage/classes.yaml', 'storage/pvc-provisioning-failed.yaml'], { thresholds: { pvcPendingAfter: '30m' } });
    expect(findings).toEqual([]);
  });
});

describe('PVCStorageClassMissing evidence', () => {
  it('lists the classes that do exist', () => {
    const findings = findingsOf('PVCStorageClassMissing', ['storage/classes-no-default.yaml', 'storage/pvc-class-missing.yaml']);
    const media = findings.find((f) => f.object.name === 'media');
    const uploads = findings.find((f) => f.object.name === 'uploads');
    expect(media?.message).toBe('PersistentVolumeClaim storage-cms/media asks for StorageClass premium-ssd, which does not exist.');
    expect(media?.evidence[0]).toBe('available StorageClasses: standard-rwo');
    expect(uploads?.message).toBe('PersistentVolumeClaim storage-cms/uploads names no storageClassName and the cluster has no default StorageClass.');
    expect(uploads?.evidence.join('\n')).toContain('no storage class is set');
  });
});

describe('PVCAccessModeConflict evidence', () => {
  it('shows where each pod runs and the Multi-Attach error', () => {
    const [finding] = findingsOf('PVCAccessModeConflict', ['storage/rwo-multi-attach.yaml']);
    expect(finding?.message).toBe(
      'ReadWriteOnce PersistentVolumeClaim storage-web/uploads-data is wanted by pods on 2 nodes (worker-1, worker-2), but its volume attaches to one node only.',
    );
    expect(finding?.evidence).toContain('pod uploads-5f7c9d6b8-4xk2p on worker-1 (Running)');
    expect(finding?.evidence).toContain('pod uploads-5f7c9d6b8-9vq7m on worker-2 (Pending)');
    expect(finding?.evidence.join('\n')).toContain('Multi-Attach error for volume "pvc-1e2d3c4b-5a69-4788-9a0b-000000000010"');
    expect(finding?.firstSeen).toBe('2026-11-25T11:30:02Z');
    expect(finding?.related?.map((r) => r.name)).toEqual(['uploads-5f7c9d6b8-4xk2p', 'uploads-5f7c9d6b8-9vq7m']);
  });

  it('counts the pods of a ReadWriteOncePod claim, scheduled or not', () => {
    const [finding] = findingsOf('PVCAccessModeConflict', ['storage/rwop-two-pods.yaml']);
    expect(finding?.message).toBe('ReadWriteOncePod PersistentVolumeClaim storage-ledger/ledger-wal is wanted by 2 pods, but only one may use it.');
    expect(finding?.evidence).toContain('pod ledger-84c6d7f9b-p3m9x on (not scheduled) (Pending)');
  });
});

describe('PersistentVolumeFailed evidence', () => {
  it('carries the failure message and the former claim', () => {
    const findings = findingsOf('PersistentVolumeFailed', ['storage/persistent-volumes.yaml']);
    const failed = findings.find((f) => f.object.name.endsWith('0001'));
    const retained = findings.find((f) => f.object.name.endsWith('0002'));
    expect(failed?.message).toContain('is Failed: rpc error: code = Internal desc = Could not delete volume');
    expect(failed?.evidence).toContain('claim: storage-ci/build-cache');
    expect(retained?.message).toBe(
      'PersistentVolume pvc-4b5c6d7e-8f90-4a1b-8c2d-000000000002 has been Released with reclaim policy Retain for 7d since its claim storage-analytics/warehouse-old was deleted.',
    );
    expect(retained?.firstSeen).toBe('2026-11-18T07:30:00Z');
  });
});

describe('StorageClassExpectedMissing', () => {
  it('reports each missing class and the missing default on the cluster', () => {
    const findings = findingsOf('StorageClassExpectedMissing', ['storage/classes-no-default.yaml']);
    expect(findings.map((f) => f.object.name)).toEqual(['fast', 'std', 'cluster']);
    expect(findings.every((f) => f.subject.kind === 'Cluster' && f.subject.name === 'cluster' && f.subject.namespace === undefined)).toBe(true);
    expect(findings[0]?.message).toBe('The cluster has no StorageClass fast, which the platform expects to exist.');
    expect(findings[0]?.evidence[0]).toBe('available StorageClasses: standard-rwo');
    expect(findings[2]?.message).toContain('no default StorageClass');
  });
});
