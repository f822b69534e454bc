import { getMetadataStorage } from 'class-validator';
import { freeTextFieldsOf, JOURNEY_EVENT_TYPES } from '../domain';
import { EVENT_DATA } from './registry';

type DataClass = new () => object;

/** The fields validated as free text (the `Text` field), by path as the domain writes them: `goals[].goal`. */
function validatedAsFreeText(dataClass: DataClass, prefix = ''): string[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dataClass, '', true, false);
  const own = rules.filter((rule) => rule.name === 'hasFreeTextCharacters').map((rule) => `${prefix}${rule.propertyName}`);
  const documented = (Reflect.getMetadata('swagger/apiModelPropertiesArray', dataClass.prototype) ?? []) as string[];
  const nested = documented.flatMap((name) => {
    const property = name.replace(/^:/, '');
    const { type, isArray } = Reflect.getMetadata('swagger/apiModelProperties', dataClass.prototype, property) as { type?: unknown; isArray?: boolean };
    const nestedClass = typeof type === 'function' && !(type as { prototype?: unknown }).prototype ? (type as () => DataClass)() : undefined;
    return nestedClass ? validatedAsFreeText(nestedClass, `${prefix}${property}${isArray ? '[]' : ''}.`) : [];
  });
  return [...own, ...nested];
}

describe('free text', () => {
  it('is listed by the domain exactly where the data is validated as free text', () => {
    for (const type of JOURNEY_EVENT_TYPES) {
      expect({ type, fields: validatedAsFreeText(EVENT_DATA[type]).sort() }).toEqual({ type, fields: [...freeTextFieldsOf(type)].sort() });
    }
  });
});
