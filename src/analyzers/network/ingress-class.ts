// Ingresses that no controller picks up: ingressClassName names no IngressClass, or no class is
// named and the cluster has no default class. Ingresses that still choose their controller with
// the legacy kubernetes.io/ingress.class annotation are left alone: controllers match that
// annotation by value without any IngressClass object.
import { LEGACY_INGRESS_CLASS_ANNOTATION, isDefaultIngressClass } from '../../model/networking.js';
import { objectRef } from '../evidence.js';
import type { Analyzer, Finding } from '../types.js';

export const ingressClasses: Analyzer = {
  name: 'ingress-classes',
  description: 'Ingresses whose IngressClass does not exist, or that name none while no default IngressClass exists.',
  checks: ['IngressClassMissing'],
  reads: ['Ingress', 'IngressClass'],
  analyze({ view }) {
    const classes = view.list('IngressClass');
    const available = classes.map((c) => `${c.metadata.name}${isDefaultIngressClass(c) ? ' (default)' : ''}${c.spec.controller ? ` -> ${c.spec.controller}` : ''}`);
    const evidence = [`IngressClasses: ${available.join(', ') || 'none'}`];
    const hasDefault = classes.some(isDefaultIngressClass);
    const findings: Finding[] = [];
    for (const ingress of view.list('Ingress')) {
      if (ingress.metadata.deletionTimestamp) continue;
      const name = `${ingress.metadata.namespace ?? ''}/${ingress.metadata.name}`;
      const className = ingress.spec.ingressClassName;
      let message: string | undefined;
      if (className !== undefined) {
        if (!view.get('IngressClass', undefined, className)) message = `Ingress ${name} names IngressClass ${className}, which does not exist, so no ingress controller serves it.`;
      } else if (ingress.metadata.annotations?.[LEGACY_INGRESS_CLASS_ANNOTATION] === undefined && !hasDefault) {
        message = `Ingress ${name} names no IngressClass and the cluster has no default IngressClass, so no ingress controller may serve it.`;
      }
      if (!message) continue;
      findings.push({ check: 'IngressClassMissing', severity: 'warning', subject: objectRef(ingress), object: objectRef(ingress), message, evidence });
    }
    return findings;
  },
};
