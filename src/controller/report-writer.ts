// Writes HealthReports: create, then the status through the status subresource; metadata and
// status updates with optimistic concurrency (a conflict is retried by the queue with backoff).
import type { KubeGetter } from '../kube/http.js';
import { HEALTHREPORT_GROUP, HEALTHREPORT_PLURAL, HEALTHREPORT_VERSION } from '../report/healthreport-types.js';
import type { HealthReport } from '../report/healthreport-types.js';
import type { ReportWriteOperation } from '../server/metrics.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function reportPath(namespace: string, name?: string, subresource?: 'status'): string {
  const base = `/apis/${HEALTHREPORT_GROUP}/${HEALTHREPORT_VERSION}/namespaces/${encodeURIComponent(namespace)}/${HEALTHREPORT_PLURAL}`;
  return `${base}${name ? `/${encodeURIComponent(name)}` : ''}${subresource ? `/${subresource}` : ''}`;
}

function resourceVersionOf(obj: unknown): string | undefined {
  return isRecord(obj) && isRecord(obj.metadata) && typeof obj.metadata.resourceVersion === 'string' ? obj.metadata.resourceVersion : undefined;
}

export interface ReportWriter {
  create(report: HealthReport): Promise<unknown>;
  updateMetadata(report: HealthReport, stored: unknown): Promise<unknown>;
  updateStatus(report: HealthReport, stored: unknown): Promise<unknown>;
  delete(namespace: string, name: string): Promise<void>;
}

export function reportWriter(api: KubeGetter, count: (operation: ReportWriteOperation, ok: boolean, status?: number) => void): ReportWriter {
  async function counted<T>(operation: ReportWriteOperation, write: () => Promise<T>): Promise<T> {
    try {
      const result = await write();
      count(operation, true);
      return result;
    } catch (error) {
      count(operation, false, isRecord(error) && typeof error.status === 'number' ? error.status : undefined);
      throw error;
    }
  }

  const statusWrite = (report: HealthReport, resourceVersion: string | undefined): Promise<unknown> =>
    counted('status', () =>
      api.send('PUT', reportPath(report.metadata.namespace, report.metadata.name, 'status'), {
        ...report,
        metadata: { ...report.metadata, ...(resourceVersion ? { resourceVersion } : {}) },
      }),
    );

  return {
    async create(report) {
      const created = await counted('create', () => api.send('POST', reportPath(report.metadata.namespace), { ...report, status: undefined }));
      // The status subresource ignores status on create: it takes a second write.
      return statusWrite(report, resourceVersionOf(created));
    },
    async updateMetadata(report, stored) {
      const { status: _ignored, ...withoutStatus } = report;
      return counted('update', () =>
        api.send('PUT', reportPath(report.metadata.namespace, report.metadata.name), {
          ...withoutStatus,
          metadata: { ...report.metadata, resourceVersion: resourceVersionOf(stored) },
          status: isRecord(stored) ? stored.status : undefined,
        }),
      );
    },
    updateStatus(report, stored) {
      return statusWrite(report, resourceVersionOf(stored));
    },
    async delete(namespace, name) {
      await counted('delete', () => api.send('DELETE', reportPath(namespace, name), { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' }));
    },
  };
}
