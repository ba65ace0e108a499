// The dispatch catalogue (派单目录): categories, their departments, default types and limits.
import { z } from 'zod';
import { loadYamlFile } from '../config/yaml.ts';
import { TicketValidationError } from '../errors.ts';
import { TICKET_TYPES, type TicketType } from '../model.ts';
import { DurationSchema, type Duration } from '../sla/policy.ts';
import { fromRoot } from '../../lib/paths.ts';

export const DEFAULT_CATEGORIES_FILE = fromRoot('tickets/config/categories.yaml');

const code = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, 'a lower-case code like social_insurance');

const CatalogFile = z
  .strictObject({
    departments: z.record(code, z.string().min(1).max(60)),
    categories: z
      .array(
        z.strictObject({
          code,
          label: z.string().min(1).max(20),
          department: code,
          type: z.enum(TICKET_TYPES),
          limit: DurationSchema.optional(),
          note: z.string().optional(),
        }),
      )
      .min(1),
    fallback: code,
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.categories.forEach((c, i) => {
      if (seen.has(c.code)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'code'], message: `category "${c.code}" is declared twice` });
      seen.add(c.code);
      if (!(c.department in file.departments))
        ctx.addIssue({ code: 'custom', path: ['categories', i, 'department'], message: `unknown department "${c.department}" (not under departments:)` });
    });
    if (!seen.has(file.fallback)) ctx.addIssue({ code: 'custom', path: ['fallback'], message: `fallback "${file.fallback}" is not a category` });
  });

export interface Category {
  code: string;
  label: string;
  department: string;
  type: TicketType;
  limit?: Duration;
}

export class Catalog {
  private readonly byCode: Map<string, Category>;

  constructor(
    readonly categories: readonly Category[],
    readonly departments: Readonly<Record<string, string>>,
    readonly fallback: string,
  ) {
    this.byCode = new Map(categories.map((c) => [c.code, c]));
  }

  static load(file = DEFAULT_CATEGORIES_FILE): Catalog {
    const parsed = loadYamlFile(file, CatalogFile);
    return new Catalog(parsed.categories, parsed.departments, parsed.fallback);
  }

  has(category: string): boolean {
    return this.byCode.has(category);
  }

  /** The category, or a validation error naming the valid codes. */
  category(code: string): Category {
    const found = this.byCode.get(code);
    if (!found) throw new TicketValidationError(`unknown category "${code}" (one of ${[...this.byCode.keys()].join(', ')})`);
    return found;
  }

  hasDepartment(code: string): boolean {
    return code in this.departments;
  }

  department(code: string): string {
    if (!this.hasDepartment(code)) throw new TicketValidationError(`unknown department "${code}" (one of ${Object.keys(this.departments).join(', ')})`);
    return code;
  }

  departmentName(code: string | null): string | null {
    return code === null ? null : (this.departments[code] ?? code);
  }

  categoryLabel(code: string): string {
    return this.byCode.get(code)?.label ?? code;
  }
}
