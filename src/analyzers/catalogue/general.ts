// Checks of the runbook section 'General'. This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const generalChecks = [
  {
    id: 'ResourceUnparseable',
    severity: 'info',
    area: 'General',
    title: 'Resource unparseable',
    description: 'An object (most often a custom resource of another version or a hand-edited one) whose fields do not have the shape the analyzers need; names the object and the field; the rest of the analysis goes on',
    runbook: [],
  },
] as const satisfies readonly CheckDefinition[];
