// Writes the alert rules from src/delivery/alert-rules.ts (`npm run docs`): the plain Prometheus rule
// file and the Helm chart's PrometheusRule template. A test fails when either is stale.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHelmPrometheusRule, renderPlainRuleFile } from '../src/delivery/alert-rules.js';

export const ALERT_RULE_FILES = {
  plain: 'deploy/prometheus/healthreport-rules.yaml',
  helm: 'deploy/helm/healthreport-operator/templates/prometheusrule.yaml',
} as const;

const root = join(import.meta.dirname, '..');
writeFileSync(join(root, ALERT_RULE_FILES.plain), renderPlainRuleFile());
writeFileSync(join(root, ALERT_RULE_FILES.helm), renderHelmPrometheusRule());
process.stdout.write(`wrote ${ALERT_RULE_FILES.plain} and ${ALERT_RULE_FILES.helm}\n`);
