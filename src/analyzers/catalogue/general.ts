// Checks about the analysis itself. This text is the user documentation (docs/checks.md).
import type { CheckDefinition } from './types.js';

export const generalChecks = [
  {
    id: 'ResourceUnparseable',
    severity: 'info',
    area: 'General',
    title: 'Object cannot be analyzed',
    description:
      'An object (most often a custom resource of another API version, or a hand-edited one) whose fields do not have the shape the analyzers need. The finding names the object and the field; the object is left out and the rest of the analysis goes on.',
    runbook: [
      'Look at the named field: kubectl get <kind> <name> -n <namespace> -o yaml',
      'Compare it with the API reference of the kind (kubectl explain <kind>.<field>); fix the object if it was edited by hand',
      'If the object is of an API version newer than healthreport knows, upgrade healthreport-operator',
    ],
  },
] as const satisfies readonly CheckDefinition[];
