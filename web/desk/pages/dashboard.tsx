// 班长看板: for a chosen period, whether the line keeps its promises. Every figure is defined in the README
// (班长看板); the tables export as CSV. Figures refresh a moment after tickets change.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { describe, get, query, refresh } from '../api.ts';
import { dayString, percent } from '../format.ts';
import { label, ticketsChanged } from '../state.ts';
import { Bars, LineChart } from './charts.tsx';

interface Hotspot {
  key: string;
  n: number;
}

interface DashboardData {
  period: { from: string; to: string; days: number };
  conversations: {
    conversations: number;
    questions: number;
    directAnswered: number;
    escalated: number;
    directAnswerRate: number | null;
    escalationRate: number | null;
    byChannel: Record<string, number>;
  };
  tickets: {
    created: number;
    byType: Record<string, number>;
    byCategory: Record<string, number>;
    redList: { created: number; byTier: Record<string, number>; openNow: number };
    resolved: number;
    onTime: number;
    onTimeRate: number | null;
    avgHandlingHours: number | null;
    satisfaction: { rated: number; satisfied: number; basicallySatisfied: number; dissatisfied: number; rate: number | null };
    backlog: { department: string | null; open: number; overdue: number }[];
  };
  trend: { day: string; conversations: number; directAnswerRate: number | null; ticketsCreated: number; ticketsResolved: number; onTimeRate: number | null }[];
  hotspots: { categories: { consultations: Hotspot[]; complaints: Hotspot[] }; questions: { consultations: Hotspot[]; complaints: Hotspot[] } };
}

const PRESETS: [string, number][] = [
  ['今天', 1],
  ['近 7 天', 7],
  ['近 30 天', 30],
  ['近 90 天', 90],
];

export function Dashboard() {
  const range = useSignal({ from: dayString(29), to: dayString(0) });
  const data = useSignal<DashboardData | null>(null);
  const error = useSignal('');
  const load = (background = false) =>
    (background ? refresh : get)<DashboardData>(`/dashboard${query(range.value)}`).then(
      (d) => ((data.value = d), (error.value = '')),
      (err) => (error.value = describe(err)),
    );
  useEffect(() => {
    void load();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stop = ticketsChanged.subscribe(() => {
      clearTimeout(timer);
      timer = setTimeout(() => void load(true), 1000);
    });
    return () => (stop(), clearTimeout(timer));
  }, [range.value.from, range.value.to]);

  const d = data.value;
  const csv = (table: string) => `/api/desk/export/dashboard/${table}.csv${query(range.value)}`;
  const exportLink = (table: string) => (
    <a class="csv" href={csv(table)} download>
      导出 CSV
    </a>
  );
  return (
    <div class="page dashboard">
      <header class="dash-head">
        <h2>班长看板</h2>
        <form class="period" onSubmit={(e) => e.preventDefault()}>
          {PRESETS.map(([text, days]) => (
            <button
              key={text}
              type="button"
              class={range.value.from === dayString(days - 1) && range.value.to === dayString(0) ? 'on' : ''}
              onClick={() => (range.value = { from: dayString(days - 1), to: dayString(0) })}
            >
              {text}
            </button>
          ))}
          <input
            type="date"
            aria-label="开始日期"
            value={range.value.from}
            max={range.value.to}
            onChange={(e) => (range.value = { ...range.value, from: (e.target as HTMLInputElement).value })}
          />
          至
          <input
            type="date"
            aria-label="结束日期"
            value={range.value.to}
            min={range.value.from}
            onChange={(e) => (range.value = { ...range.value, to: (e.target as HTMLInputElement).value })}
          />
          <a class="csv" href={`/api/desk/export/tickets.csv${query(range.value)}`} download>
            导出工单明细
          </a>
        </form>
      </header>
      {error.value ? <p class="error">{error.value}</p> : null}
      {!d ? (
        <p class="loading">加载中…</p>
      ) : (
        <>
          <section class="kpis" aria-label="核心指标">
            <Kpi name="会话量" value={String(d.conversations.conversations)} note={`提问 ${d.conversations.questions} 次`} />
            <Kpi name="直接解答率" value={percent(d.conversations.directAnswerRate)} note={`${d.conversations.directAnswered} 个会话`} />
            <Kpi name="转人工率" value={percent(d.conversations.escalationRate)} note={`${d.conversations.escalated} 个会话`} />
            <Kpi name="新建工单" value={String(d.tickets.created)} note={`重点企业 ${d.tickets.redList.created}`} />
            <Kpi name="按时办结率" value={percent(d.tickets.onTimeRate)} note={`办结 ${d.tickets.resolved}，按时 ${d.tickets.onTime}`} />
            <Kpi name="满意率" value={percent(d.tickets.satisfaction.rate)} note={`评价 ${d.tickets.satisfaction.rated} 次`} />
            <Kpi name="平均办理时长" value={d.tickets.avgHandlingHours === null ? '—' : `${d.tickets.avgHandlingHours.toFixed(1)} 小时`} note="受理到办结" />
            <Kpi
              name="当前积压"
              value={String(d.tickets.backlog.reduce((n, b) => n + b.open, 0))}
              note={`超期 ${d.tickets.backlog.reduce((n, b) => n + b.overdue, 0)}`}
              warn={d.tickets.backlog.some((b) => b.overdue > 0)}
            />
          </section>
          <section class="grid2">
            <div class="box">
              <h3>每日趋势 {exportLink('trend')}</h3>
              <LineChart
                title="会话与工单（个/件）"
                days={d.trend.map((t) => t.day)}
                series={[
                  { label: '会话量', values: d.trend.map((t) => t.conversations), color: '#1d5fb4' },
                  { label: '新建工单', values: d.trend.map((t) => t.ticketsCreated), color: '#d97706' },
                  { label: '办结工单', values: d.trend.map((t) => t.ticketsResolved), color: '#059669' },
                ]}
              />
            </div>
            <div class="box">
              <h3>每日比率</h3>
              <LineChart
                title="直接解答率与按时办结率"
                percent
                days={d.trend.map((t) => t.day)}
                series={[
                  { label: '直接解答率', values: d.trend.map((t) => t.directAnswerRate), color: '#1d5fb4' },
                  { label: '按时办结率', values: d.trend.map((t) => t.onTimeRate), color: '#059669' },
                ]}
              />
            </div>
          </section>
          <section class="grid3">
            <div class="box">
              <h3>工单类型 {exportLink('by-type')}</h3>
              <Bars rows={Object.entries(d.tickets.byType).map(([code, n]) => ({ name: label.type(code), n }))} />
            </div>
            <div class="box">
              <h3>工单类别 {exportLink('by-category')}</h3>
              <Bars
                rows={Object.entries(d.tickets.byCategory)
                  .sort((a, b) => b[1] - a[1])
                  .slice(0, 10)
                  .map(([code, n]) => ({ name: label.category(code), n }))}
              />
            </div>
            <div class="box">
              <h3>积压与超期（当前）{exportLink('backlog')}</h3>
              <Bars
                rows={d.tickets.backlog.map((b) => ({ name: label.department(b.department), n: b.open, extra: b.overdue ? `超期 ${b.overdue}` : undefined }))}
              />
            </div>
            <div class="box">
              <h3>重点企业工单 {exportLink('red-list')}</h3>
              <Bars rows={Object.entries(d.tickets.redList.byTier).map(([tier, n]) => ({ name: label.tier(tier), n }))} />
              <p class="note">当前在办 {d.tickets.redList.openNow} 件</p>
            </div>
            <div class="box">
              <h3>热点类别 {exportLink('hotspot-categories')}</h3>
              <h4>咨询类</h4>
              <Bars rows={d.hotspots.categories.consultations.map((h) => ({ name: label.category(h.key), n: h.n }))} />
              <h4>投诉类</h4>
              <Bars rows={d.hotspots.categories.complaints.map((h) => ({ name: label.category(h.key), n: h.n }))} />
            </div>
            <div class="box">
              <h3>未解决的高频问题 {exportLink('hotspot-questions')}</h3>
              <h4>咨询类</h4>
              <Bars unit="次" rows={d.hotspots.questions.consultations.map((h) => ({ name: h.key, n: h.n }))} />
              <h4>投诉类</h4>
              <Bars unit="次" rows={d.hotspots.questions.complaints.map((h) => ({ name: h.key, n: h.n }))} />
            </div>
          </section>
          <p class="note">
            统计区间 {d.period.from} 至 {d.period.to}（{d.period.days} 天，北京时间）。指标口径见 README“班长看板”。{exportLink('summary')}
          </p>
        </>
      )}
    </div>
  );
}

function Kpi({ name, value, note, warn = false }: { name: string; value: string; note: string; warn?: boolean }) {
  return (
    <div class={`kpi ${warn ? 'warn' : ''}`} data-kpi={name}>
      <span class="name">{name}</span>
      <b class="value">{value}</b>
      <span class="note">{note}</span>
    </div>
  );
}
