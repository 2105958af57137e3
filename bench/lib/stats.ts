// Small statistics for benchmark reports: medians of repeated runs and
// geometric means of ratios.

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function geomean(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return NaN;
  return Math.exp(finite.reduce((s, v) => s + Math.log(v), 0) / finite.length);
}
