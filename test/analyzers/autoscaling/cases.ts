import type { CheckCase } from '../../helpers/cases.js';

const HPA_CHECKS = ['HPAUnableToScale', 'HPAAtMaxReplicas'] as const;

export const cases: readonly CheckCase[] = [
  {
    name: 'an HPA without cpu metrics while metrics-server is unavailable',
    fixtures: ['autoscaling/metrics-unavailable.yaml'],
    checks: [...HPA_CHECKS],
    expected: ['HPAUnableToScale HorizontalPodAutoscaler/shop-hpa/checkout'],
  },
  {
    name: 'an HPA whose target Deployment does not exist; one whose containers request no cpu',
    fixtures: ['autoscaling/cannot-scale.yaml'],
    checks: [...HPA_CHECKS],
    expected: ['HPAUnableToScale HorizontalPodAutoscaler/search-hpa/indexer', 'HPAUnableToScale HorizontalPodAutoscaler/search-hpa/search-api'],
  },
  {
    name: 'held at max for 40 minutes; not: a spike of 8 minutes, min = max, a target scaled to zero, an HPA 2 minutes old without metrics, a calm one',
    fixtures: ['autoscaling/scaling.yaml'],
    checks: [...HPA_CHECKS],
    expected: ['HPAAtMaxReplicas HorizontalPodAutoscaler/web-hpa/storefront'],
  },
  {
    name: 'the spike becomes a finding once it lasts longer than hpaAtMaxReplicasAfter',
    fixtures: ['autoscaling/scaling.yaml'],
    checks: ['HPAAtMaxReplicas'],
    now: '2026-11-25T12:08:00Z',
    expected: ['HPAAtMaxReplicas HorizontalPodAutoscaler/web-hpa/api', 'HPAAtMaxReplicas HorizontalPodAutoscaler/web-hpa/storefront'],
  },
  {
    name: 'an HPA that has had no metrics for 2 minutes is reported past a threshold of 1 minute',
    fixtures: ['autoscaling/scaling.yaml'],
    checks: ['HPAUnableToScale'],
    settings: { thresholds: { hpaUnableToScaleAfter: '1m' } },
    expected: ['HPAUnableToScale HorizontalPodAutoscaler/web-hpa/recommendations'],
  },
];
