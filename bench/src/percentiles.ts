export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** An SVG histogram of latencies (ms), log-spaced buckets, for the README. */
export function latencyHistogramSvg(latencies: number[], title: string): string {
  const edges = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, Infinity];
  const counts = edges.map(() => 0);
  for (const value of latencies) counts[edges.findIndex((edge) => value <= edge)]! += 1;
  const max = Math.max(1, ...counts);
  const width = 640;
  const height = 260;
  const barWidth = (width - 80) / edges.length;
  const bars = counts
    .map((count, i) => {
      const h = Math.round(((height - 80) * count) / max);
      const x = 50 + i * barWidth;
      const label = edges[i] === Infinity ? '>5s' : `≤${edges[i]}`;
      return (
        `<rect x="${x.toFixed(1)}" y="${height - 40 - h}" width="${(barWidth - 4).toFixed(1)}" height="${h}" fill="#4a7bd0"/>` +
        `<text x="${(x + barWidth / 2 - 2).toFixed(1)}" y="${height - 24}" font-size="10" text-anchor="middle">${label}</text>` +
        (count > 0
          ? `<text x="${(x + barWidth / 2 - 2).toFixed(1)}" y="${height - 44 - h}" font-size="9" text-anchor="middle">${count}</text>`
          : '')
      );
    })
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="${width / 2}" y="20" font-size="13" text-anchor="middle">${title}</text>${bars}` +
    `<text x="${width / 2}" y="${height - 6}" font-size="11" text-anchor="middle">ingest → receipt latency (ms)</text></svg>\n`
  );
}
