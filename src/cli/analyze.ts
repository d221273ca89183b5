// `healthreport analyze`: one-shot analysis of files (-f) or of the live cluster (kubeconfig).
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';
import type { Severity } from '../analyzers/catalogue.js';
import { SEVERITIES } from '../analyzers/catalogue.js';
import { runAnalyzers } from '../analyzers/engine.js';
import { ANALYZERS } from '../analyzers/registry.js';
import type { ExtraEvidence } from '../analyzers/types.js';
import { snapshotOf } from '../cluster/snapshot.js';
import { ClusterView } from '../cluster/view.js';
import type { ClusterSnapshot } from '../cluster/view.js';
import { loadAnalysisSettings } from '../config/load.js';
import { loadDumpFiles } from '../input/files.js';
import { crashedContainers, fetchLogs, loadLiveSnapshot } from '../input/live.js';
import { externalDnsLogTargets } from '../analyzers/dns/external-dns.js';
import { loadConnection } from '../kube/connection.js';
import { kubeGetter } from '../kube/http.js';
import { buildAnalysisReport, reaches } from '../report/report.js';
import { toJsonOutput } from '../report/json.js';
import type { CliIO } from './io.js';
import { EXIT, UsageError } from './io.js';
import { renderTable } from './table.js';

export const ANALYZE_USAGE = `Usage: healthreport analyze [-f PATH]... [options]

Analyzes the live cluster of the kubeconfig, or with -f the given files or directories
(YAML or JSON as \`kubectl get -o yaml|json\` writes them: a List or multi-document YAML).

Options:
  -f, --filename PATH      file or directory to read (repeatable); without it, the live cluster
  -o, --output FORMAT      table (default), json or yaml
  -n, --namespace NS       only findings on subjects in this namespace (live: list only there)
      --min-severity SEV   hide findings below critical|warning|info (default: info)
      --fail-on SEV        exit 1 when a finding reaches critical|warning|info|none (default: critical)
      --config FILE        analysis settings (thresholds, disabled checks, severity overrides)
      --kubeconfig FILE    kubeconfig to use (default: $KUBECONFIG or ~/.kube/config)
      --context NAME       kubeconfig context to use
      --logs               live: add the previous instance's last log lines of crashing containers
      --now TIME           analyze as of this RFC 3339 time (reproducible analysis of an old dump)
  -h, --help               this help

Exit codes: 0 no finding reaches --fail-on, 1 one does, 2 error (bad file, unreachable cluster).
`;

function severityOption(name: string, value: string | undefined, allowNone: boolean): Severity | 'none' | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  if ((SEVERITIES as readonly string[]).includes(lower)) return lower as Severity;
  if (allowNone && lower === 'none') return 'none';
  throw new UsageError(`--${name} must be one of ${[...SEVERITIES, ...(allowNone ? ['none'] : [])].join(', ')}; got ${JSON.stringify(value)}`);
}

export async function analyzeCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    allowPositionals: false,
    options: {
      filename: { type: 'string', short: 'f', multiple: true },
      output: { type: 'string', short: 'o', default: 'table' },
      namespace: { type: 'string', short: 'n' },
      'min-severity': { type: 'string' },
      'fail-on': { type: 'string', default: 'critical' },
      config: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      logs: { type: 'boolean', default: false },
      now: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(ANALYZE_USAGE);
    return EXIT.ok;
  }
  const output = values.output ?? 'table';
  if (!['table', 'json', 'yaml'].includes(output)) throw new UsageError(`-o must be table, json or yaml; got ${JSON.stringify(output)}`);
  const minSeverity = severityOption('min-severity', values['min-severity'], false) as Severity | undefined;
  const failOn = severityOption('fail-on', values['fail-on'], true);
  let now = Date.now();
  if (values.now !== undefined) {
    now = Date.parse(values.now);
    if (Number.isNaN(now)) throw new UsageError(`--now must be an RFC 3339 time such as 2026-11-25T12:00:00Z; got ${JSON.stringify(values.now)}`);
  }
  const settings = await loadAnalysisSettings(values.config);

  let snapshot: ClusterSnapshot;
  let view: ClusterView;
  let extra: ExtraEvidence = {};
  if (values.filename?.length) {
    const { objects } = await loadDumpFiles(values.filename);
    snapshot = snapshotOf(objects);
    view = new ClusterView(snapshot);
  } else {
    const kubeconfig = values.kubeconfig ?? io.env.KUBECONFIG;
    let connection;
    try {
      // Like kubectl: the service account only when there is no kubeconfig.
      connection = await loadConnection({ ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}), ...(values.context ? { context: values.context } : {}), env: io.env, inClusterFirst: false });
    } catch (error) {
      throw new Error(`cannot load the kubeconfig${kubeconfig ? ` ${kubeconfig}` : ''}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const api = kubeGetter(connection);
    let live;
    try {
      live = await loadLiveSnapshot(api, values.namespace ? { namespace: values.namespace } : {});
    } catch (error) {
      throw new Error(`cannot read the cluster at ${api.server}: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const note of live.notes) io.stderr(`note: ${note}\n`);
    snapshot = live.snapshot;
    view = new ClusterView(snapshot);
    if (values.logs) {
      const tailLines = settings.evidence.maxLogLines;
      const [previousLogs, dnsLogs] = await Promise.all([
        fetchLogs(api, crashedContainers(view.list('Pod')), { previous: true, tailLines }),
        // external-dns reports sync failures only in its log: enough lines to span a few sync loops.
        fetchLogs(api, externalDnsLogTargets(view), { previous: false, tailLines: 200 }),
      ]);
      const externalDnsLogs = new Map([...dnsLogs].map(([key, lines]) => [key.slice(0, key.lastIndexOf('/')), lines]));
      extra = { previousLogs, externalDnsLogs };
    }
  }
  for (const bad of snapshot.unparseable) {
    io.stderr(`warning: skipped ${bad.kind || 'object'} ${bad.namespace ? `${bad.namespace}/` : ''}${bad.name}: field ${bad.field}: ${bad.problem}\n`);
  }

  const run = runAnalyzers(view, ANALYZERS, { settings, now, extra });
  for (const error of run.errors) io.stderr(`error: analyzer ${error.analyzer} failed: ${error.message}\n`);
  const report = buildAnalysisReport(run.findings, {
    ...(minSeverity ? { minSeverity } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  });

  if (output === 'json') io.stdout(`${JSON.stringify(toJsonOutput(report), null, 2)}\n`);
  else if (output === 'yaml') io.stdout(yaml.dump(toJsonOutput(report), { lineWidth: 120, noRefs: true }));
  else io.stdout(renderTable(report, { color: io.color }));

  if (run.errors.length > 0) return EXIT.error;
  return failOn !== 'none' && failOn !== undefined && reaches(report.findings, failOn) ? EXIT.findings : EXIT.ok;
}
