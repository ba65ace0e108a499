// The configuration files: the shipped ones load; a mistake names file:line and what is wrong.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TicketConfigError } from '../../tickets/errors.ts';
import { Catalog } from '../../tickets/routing/catalog.ts';
import { loadExamples } from '../../tickets/routing/examples.ts';
import { loadSchedules } from '../../tickets/sla/holidays.ts';
import { SlaPolicy } from '../../tickets/sla/policy.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickets-config-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('shipped configuration', () => {
  it('has at least the sixteen required categories, each with a known department', () => {
    const catalog = Catalog.load();
    const labels = catalog.categories.map((c) => c.label);
    for (const label of [
      '社保',
      '医保',
      '公积金',
      '工伤',
      '失业',
      '就业人才',
      '税务',
      '市场监管',
      '城市管理',
      '住建',
      '交通',
      '生态环境',
      '教育',
      '卫生健康',
      '商务',
      '其他',
    ]) {
      expect(labels).toContain(label);
    }
    for (const c of catalog.categories) expect(catalog.hasDepartment(c.department)).toBe(true);
    expect(catalog.fallback).toBe('other');
  });

  it('loads the time-limit policy and the 2025 and 2026 calendars', () => {
    const sla = SlaPolicy.load();
    expect(sla.config.limits.consultation).toEqual({ workingDays: 3 });
    expect(sla.config.limits.complaint).toEqual({ workingDays: 13 });
    expect(loadSchedules().map((s) => s.year)).toEqual([2025, 2026]);
  });

  it('has training examples for every category', () => {
    const examples = loadExamples(Catalog.load());
    expect(examples.length).toBeGreaterThan(800);
  });
});

describe('configuration mistakes name the file and line', () => {
  it.each([
    [
      'an unknown department',
      'categories.yaml',
      'departments:\n  hrss: 人社局\ncategories:\n  - { code: social_insurance, label: 社保, department: hrss, type: consultation }\n  - { code: tax, label: 税务, department: taxes, type: consultation }\nfallback: tax\n',
      (p: string) => Catalog.load(p),
      'categories.yaml:5: categories.1.department: unknown department "taxes"',
    ],
    [
      'a category declared twice',
      'twice.yaml',
      'departments:\n  hrss: 人社局\ncategories:\n  - { code: a, label: 甲, department: hrss, type: help }\n  - { code: a, label: 乙, department: hrss, type: help }\nfallback: a\n',
      (p: string) => Catalog.load(p),
      'twice.yaml:5: categories.1.code: category "a" is declared twice',
    ],
    [
      'a bad ticket type',
      'type.yaml',
      'departments:\n  hrss: 人社局\ncategories:\n  - code: a\n    label: 甲\n    department: hrss\n    type: question\nfallback: a\n',
      (p: string) => Catalog.load(p),
      'type.yaml:7: categories.0.type: Invalid option',
    ],
    [
      'a time limit without a unit',
      'sla.yaml',
      "workingHours: { start: '09:00', end: '18:00' }\nlimits:\n  consultation: 3\n  help: { workingDays: 3 }\n  complaint: { workingDays: 13 }\n  report: { workingDays: 13 }\n  suggestion: { workingDays: 13 }\nredList: { consultation: { workingDays: 2 }, help: { workingDays: 2 }, complaint: { workingDays: 7 }, report: { workingDays: 7 }, suggestion: { workingDays: 7 } }\nurgent: { sameDay: true }\nreturnWithin: { workingDays: 2 }\nmaxExtension: { workingDays: 15 }\noverdueReminderEvery: { workingDays: 1 }\n",
      (p: string) => SlaPolicy.load({ file: p }),
      'sla.yaml:3: limits.consultation:',
    ],
    ['broken YAML', 'broken.yaml', 'departments:\n  hrss: [人社局\n', (p: string) => Catalog.load(p), 'broken.yaml:'],
  ])('%s', (_name, name, text, load, message) => {
    const path = file(name, text);
    expect(() => load(path)).toThrow(TicketConfigError);
    expect(() => load(path)).toThrow(message);
  });

  it('a 调休 workday that is not a weekend day, and a date outside the year', () => {
    const calendarDir = join(dir, 'calendar');
    mkdirSync(calendarDir, { recursive: true });
    writeFileSync(
      join(calendarDir, '2027.yaml'),
      "year: 2027\nholidays:\n  - { name: 元旦, from: '2027-01-01', to: '2026-12-31' }\nworkdays:\n  - '2027-01-05'\n",
    );
    expect(() => loadSchedules(calendarDir)).toThrow(/2027\.yaml:3: holidays\.0: dates must be in 2027/);
    expect(() => loadSchedules(calendarDir)).toThrow(/2027\.yaml:5: workdays\.0: 2027-01-05 is a weekday already/);
  });
});
