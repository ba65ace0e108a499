// Charts drawn in the page with uPlot (bundled, served by Line One). Values are numbers only: no text from the
// data reaches the canvas except labels chosen here.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

/** One line per series over the days of the period (YYYY-MM-DD, Asia/Shanghai). */
export function LineChart({ days, series, percent = false, title }: { days: string[]; series: Series[]; percent?: boolean; title: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const xs = days.map((d) => Date.parse(`${d}T00:00:00+08:00`) / 1000);
    const width = () => Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        title,
        width: width(),
        height: 220,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Shanghai'),
        scales: { x: { time: true }, y: percent ? { range: [0, 100] } : { auto: true } },
        axes: [
          { values: (_u, ticks) => ticks.map((t) => new Date(t * 1000 + 8 * 3_600_000).toISOString().slice(5, 10)) },
          { values: (_u, ticks) => ticks.map((t) => (percent ? `${t}%` : String(t))) },
        ],
        series: [
          { label: '日期', value: (_u, v) => (v === null ? '' : new Date(v * 1000 + 8 * 3_600_000).toISOString().slice(0, 10)) },
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: days.length <= 31 } })),
        ],
      },
      [xs, ...series.map((s) => s.values.map((v) => (v === null ? null : percent ? Math.round(v * 1000) / 10 : v)))] as uPlot.AlignedData,
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    resize.observe(el);
    return () => (resize.disconnect(), plot.destroy());
  }, [days.join(), JSON.stringify(series.map((s) => s.values))]);
  return <div class="chart" ref={host} />;
}

/** Horizontal bars as plain elements: names stay text, widths are proportions. */
export function Bars({ rows, unit = '件' }: { rows: { name: string; n: number; extra?: string }[]; unit?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.n));
  return (
    <ol class="bars">
      {rows.length === 0 ? <li class="empty">无数据</li> : null}
      {rows.map((r) => (
        <li key={r.name}>
          <span class="name" title={r.name}>
            {r.name}
          </span>
          <span class="bar">
            <i style={{ width: `${(r.n / max) * 100}%` }} />
          </span>
          <span class="n">
            {r.n}
            {unit}
            {r.extra ? <small> {r.extra}</small> : null}
          </span>
        </li>
      ))}
    </ol>
  );
}
