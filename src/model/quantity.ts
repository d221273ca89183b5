// Kubernetes resource quantities ("500m", "1Gi", "2e3") as plain numbers: cores for CPU, bytes for
// memory and storage, counts otherwise.
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Returns undefined for text that is not a quantity, so that callers can tell "0" from garbage. */
export function parseQuantity(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E))?$/.exec(text.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  if (match[2]) return value * (BINARY[match[2]] ?? 1);
  if (match[3]) return value * 10 ** Number(match[3].slice(1));
  return value * (DECIMAL[match[4] ?? ''] ?? 1);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)}${units[unit] === 'B' ? '' : units[unit]}`;
}

export function formatCores(cores: number): string {
  return cores < 1 ? `${Math.round(cores * 1000)}m` : `${Number(cores.toFixed(2))}`;
}
