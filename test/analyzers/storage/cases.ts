import type { CheckCase } from '../../helpers/cases.js';

const CLAIM_CHECKS = ['PVCPending', 'PVCStorageClassMissing', 'PVCAccessModeConflict'] as const;

export const cases: readonly CheckCase[] = [
  {
    name: 'a StatefulSet claim whose provisioning fails',
    fixtures: ['storage/classes.yaml', 'storage/pvc-provisioning-failed.yaml'],
    checks: [...CLAIM_CHECKS],
    expected: ['PVCPending PersistentVolumeClaim/storage-db/data-postgres-0'],
  },
  {
    name: 'claims waiting as designed: recently created, WaitForFirstConsumer without a consumer or with an unscheduled one',
    fixtures: ['storage/classes.yaml', 'storage/pvc-waiting.yaml'],
    checks: [...CLAIM_CHECKS],
    expected: [],
  },
  {
    name: 'WaitForFirstConsumer claims without the StorageClass in view fall back to the binder events',
    fixtures: ['storage/pvc-waiting.yaml'],
    checks: ['PVCPending'],
    expected: [],
  },
  {
    name: 'a WaitForFirstConsumer claim whose consumer got a node but provisioning failed',
    fixtures: ['storage/classes.yaml', 'storage/pvc-wffc-provisioning-failed.yaml'],
    checks: [...CLAIM_CHECKS],
    expected: ['PVCPending PersistentVolumeClaim/storage-search/search-index'],
  },
  {
    name: 'a claim for a missing class; a classless claim while a default class exists; static and bound claims',
    fixtures: ['storage/classes.yaml', 'storage/pvc-class-missing.yaml'],
    checks: [...CLAIM_CHECKS],
    expected: [
      'PVCPending PersistentVolumeClaim/storage-cms/media',
      'PVCPending PersistentVolumeClaim/storage-cms/uploads',
      'PVCStorageClassMissing PersistentVolumeClaim/storage-cms/media',
    ],
  },
  {
    name: 'a classless claim in a cluster without a default StorageClass',
    fixtures: ['storage/classes-no-default.yaml', 'storage/pvc-class-missing.yaml'],
    checks: ['PVCStorageClassMissing'],
    expected: ['PVCStorageClassMissing PersistentVolumeClaim/storage-cms/media', 'PVCStorageClassMissing PersistentVolumeClaim/storage-cms/uploads'],
  },
  {
    name: 'a class name only pre-created volumes carry (static provisioning)',
    fixtures: ['storage/classes.yaml', 'storage/pvc-static-class.yaml'],
    checks: ['PVCStorageClassMissing', 'PVCPending'],
    expected: [],
  },
  {
    name: 'without StorageClasses in view a missing class cannot be told',
    fixtures: ['storage/pvc-class-missing.yaml'],
    checks: ['PVCStorageClassMissing'],
    expected: [],
  },
  {
    name: 'a generic ephemeral claim used by its owner pod; a class asked for by the legacy annotation',
    fixtures: ['storage/classes.yaml', 'storage/pvc-ephemeral-legacy.yaml'],
    checks: [...CLAIM_CHECKS],
    expected: [
      'PVCPending PersistentVolumeClaim/storage-etl/etl-7f9c2-scratch',
      'PVCPending PersistentVolumeClaim/storage-etl/ledger-archive',
      'PVCStorageClassMissing PersistentVolumeClaim/storage-etl/ledger-archive',
    ],
  },
  {
    name: 'a ReadWriteOnce claim wanted by a second replica on another node (Multi-Attach)',
    fixtures: ['storage/rwo-multi-attach.yaml'],
    checks: [...CLAIM_CHECKS],
    expected: ['PVCAccessModeConflict PersistentVolumeClaim/storage-web/uploads-data'],
  },
  {
    name: 'sharing that works: RWO on one node, RWX on two nodes, RWO without attachment running on two nodes',
    fixtures: ['storage/rwo-multi-attach.yaml', 'storage/shared-claims-ok.yaml'],
    checks: ['PVCAccessModeConflict'],
    expected: ['PVCAccessModeConflict PersistentVolumeClaim/storage-web/uploads-data'],
  },
  {
    name: 'a second pod of an RWO claim on another node, still within its start grace period',
    fixtures: ['storage/rwo-new-pod.yaml'],
    checks: ['PVCAccessModeConflict'],
    expected: [],
  },
  {
    name: 'the same pod five minutes later, still not started',
    fixtures: ['storage/rwo-new-pod.yaml'],
    checks: ['PVCAccessModeConflict'],
    now: '2026-11-25T12:05:00Z',
    expected: ['PVCAccessModeConflict PersistentVolumeClaim/storage-notes/notes-data'],
  },
  {
    name: 'a ReadWriteOncePod claim wanted by a rolling update\'s surge pod',
    fixtures: ['storage/rwop-two-pods.yaml'],
    checks: [...CLAIM_CHECKS],
    expected: ['PVCAccessModeConflict PersistentVolumeClaim/storage-ledger/ledger-wal'],
  },
  {
    name: 'a Failed volume and a volume retained for a week; recent, undated, Delete, Bound and Available ones are fine',
    fixtures: ['storage/persistent-volumes.yaml'],
    checks: ['PersistentVolumeFailed'],
    expected: [
      'PersistentVolumeFailed PersistentVolume/pvc-4b5c6d7e-8f90-4a1b-8c2d-000000000001',
      'PersistentVolumeFailed PersistentVolume/pvc-4b5c6d7e-8f90-4a1b-8c2d-000000000002',
    ],
  },
  {
    name: 'a statically provisioned volume bound to its claim is fine',
    fixtures: ['storage/pvc-static-class.yaml'],
    checks: ['PersistentVolumeFailed'],
    expected: [],
  },
  {
    name: 'a longer pvReleasedAfter threshold spares the retained volume',
    fixtures: ['storage/persistent-volumes.yaml'],
    checks: ['PersistentVolumeFailed'],
    settings: { thresholds: { pvReleasedAfter: '30d' } },
    expected: ['PersistentVolumeFailed PersistentVolume/pvc-4b5c6d7e-8f90-4a1b-8c2d-000000000001'],
  },
  {
    name: 'the expected classes std and fast exist, std is the default',
    fixtures: ['storage/classes.yaml'],
    checks: ['StorageClassExpectedMissing'],
    expected: [],
  },
  {
    name: 'neither std nor fast exists and no class is the default',
    fixtures: ['storage/classes-no-default.yaml'],
    checks: ['StorageClassExpectedMissing'],
    expected: ['StorageClassExpectedMissing Cluster/cluster', 'StorageClassExpectedMissing Cluster/cluster', 'StorageClassExpectedMissing Cluster/cluster'],
  },
  {
    name: 'expected classes are configurable',
    fixtures: ['storage/classes.yaml'],
    checks: ['StorageClassExpectedMissing'],
    settings: { thresholds: { expectedStorageClasses: ['std', 'fast', 'archive'] } },
    expected: ['StorageClassExpectedMissing Cluster/cluster'],
  },
];
