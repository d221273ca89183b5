// Objects the parser could not read become info findings, so a hand-edited or newer-version object
// is visible to the user instead of silently missing from the analysis.
import { describeRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';

export const unparseableResources: Analyzer = {
  name: 'unparseable-resources',
  description: 'Reports objects whose fields do not have the shape the analyzers need.',
  checks: ['ResourceUnparseable'],
  reads: [],
  analyze({ view }) {
    return view.unparseable.map((bad): Finding => {
      const ref = { apiVersion: bad.apiVersion, kind: bad.kind || 'Unknown', name: bad.name, ...(bad.namespace ? { namespace: bad.namespace } : {}) };
      return {
        check: 'ResourceUnparseable',
        severity: 'info',
        subject: ref,
        object: ref,
        message: `${describeRef(ref)} (${bad.apiVersion || 'no apiVersion'}) cannot be analyzed: field ${bad.field}: ${bad.problem}.`,
        evidence: [`field ${bad.field}: ${bad.problem}`],
      };
    });
  },
};
