/**
 * A template's rows per time bucket as small bars. One SVG per table row: an ECharts
 * instance for each of up to 200 rows would cost far more than the table itself.
 */
export function Sparkline({ values, label, width = 120, height = 24 }: { values: readonly number[]; label: string; width?: number; height?: number }) {
  const max = Math.max(1, ...values);
  const step = values.length > 0 ? width / values.length : width;
  const bar = Math.max(1, step - 1);
  return (
    <svg width={width} height={height} role="img" aria-label={label} style={{ display: 'block', color: 'var(--mantine-color-blue-filled)' }}>
      <line x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} stroke="var(--mantine-color-default-border)" strokeWidth={1} />
      {values.map((value, index) => {
        if (value <= 0) return null;
        // Any rows at all show at least a sliver, so a rare template is not invisible.
        const barHeight = Math.max(2, Math.round((value / max) * (height - 2)));
        return <rect key={index} x={index * step} y={height - 1 - barHeight} width={bar} height={barHeight} fill="currentColor" />;
      })}
    </svg>
  );
}
