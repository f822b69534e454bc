/**
 * Which fields of the facts' data are free text that a person types (a reason, a goal). Such text can name people,
 * places and phone numbers, so it is stored sealed under the person's data key, as personal data is, and erasure
 * leaves it unreadable. The `Text` field decorator marks these fields and `Nested` says where to look inside
 * objects and arrays, so a free-text field added later is sealed without anyone listing it here.
 */
export type DataClass = abstract new () => object;

const freeTextFields = new Map<object, Set<string>>();
const nestedFields = new Map<object, Map<string, () => DataClass>>();

/** Property decorator: this field is free text. */
export const MarkFreeText = (): PropertyDecorator => (target, property) => {
  const fields = freeTextFields.get(target.constructor) ?? new Set<string>();
  freeTextFields.set(target.constructor, fields.add(String(property)));
};

/** Property decorator: this field holds objects (or an array of them) of `type`, which may have free text. */
export const MarkNested = (type: () => DataClass): PropertyDecorator => (target, property) => {
  const fields = nestedFields.get(target.constructor) ?? new Map<string, () => DataClass>();
  nestedFields.set(target.constructor, fields.set(String(property), type));
};

export type FreeTextRewrite = (value: unknown, path: string) => unknown;

/** A copy of `value` (an object of `dataClass`) with each free-text value replaced by `rewrite(value, path)`. */
export function mapFreeTextFields(dataClass: DataClass, value: unknown, rewrite: FreeTextRewrite, prefix = ''): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const copy: Record<string, unknown> = { ...value };
  for (let owner: object | null = dataClass; owner && owner !== Function.prototype; owner = Object.getPrototypeOf(owner)) {
    for (const field of freeTextFields.get(owner) ?? []) {
      if (copy[field] !== undefined) copy[field] = rewrite(copy[field], `${prefix}${field}`);
    }
    for (const [field, type] of nestedFields.get(owner) ?? []) {
      const item = copy[field];
      copy[field] = Array.isArray(item)
        ? item.map((element, index) => mapFreeTextFields(type(), element, rewrite, `${prefix}${field}[${index}].`))
        : mapFreeTextFields(type(), item, rewrite, `${prefix}${field}.`);
    }
  }
  return copy;
}
