// A grouped horizontal bar chart as a standalone SVG (no dependencies), for
// the MIPS of each engine on each guest. Log scale: interpreters and
// translators differ by orders of magnitude.

export interface ChartSeries {
  name: string;
  color: string;
  /** One value per group; NaN leaves the bar out. */
  values: readonly number[];
}

export function barChartSvg(title: string, groups: readonly string[], series: readonly ChartSeries[], unit: string): string {
  const barH = 12;
  const gap = 10;
  const left = 110;
  const width = 760;
  const plotW = width - left - 80;
  const groupH = series.length * barH + gap;
  const top = 50;
  const height = top + groups.length * groupH + 30;
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...all, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...all, 10))));
  const x = (v: number): number => left + (plotW * (Math.log10(v) - Math.log10(lo))) / (Math.log10(hi) - Math.log10(lo));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
  ];
  series.forEach((s, i) => {
    out.push(`<rect x="${left + i * 130}" y="28" width="10" height="10" fill="${s.color}"/>`);
    out.push(`<text x="${left + i * 130 + 14}" y="37">${escapeXml(s.name)}</text>`);
  });
  for (let d = lo; d <= hi; d *= 10) {
    out.push(`<line x1="${x(d)}" y1="${top - 4}" x2="${x(d)}" y2="${height - 25}" stroke="#ddd"/>`);
    out.push(`<text x="${x(d)}" y="${height - 12}" text-anchor="middle" fill="#555">${d} ${unit}</text>`);
  }
  groups.forEach((g, gi) => {
    const y0 = top + gi * groupH;
    out.push(`<text x="${left - 6}" y="${y0 + (series.length * barH) / 2 + 4}" text-anchor="end">${escapeXml(g)}</text>`);
    series.forEach((s, si) => {
      const v = s.values[gi];
      if (!Number.isFinite(v) || v <= 0) return;
      const y = y0 + si * barH;
      out.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(v) - left)}" height="${barH - 2}" fill="${s.color}"/>`);
      out.push(`<text x="${x(v) + 3}" y="${y + barH - 3}" fill="#333">${v.toFixed(v >= 100 ? 0 : 1)}</text>`);
    });
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
