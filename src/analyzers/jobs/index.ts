// The analyzers of Jobs and CronJobs (beyond the runbook): failed runs and schedules that do not run.
import { cronJobSchedules } from './cronjob-schedules.js';
import { failedJobs } from './job-failed.js';
import type { Analyzer } from '../types.js';

export const jobAnalyzers: readonly Analyzer[] = [failedJobs, cronJobSchedules];
