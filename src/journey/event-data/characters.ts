/**
 * Which characters a string may hold. Control characters (C0, DEL, C1: Unicode's `Cc`) and lone surrogates
 * (`Cs` when not paired) have no place in a name, an id or a code, and PostgreSQL refuses some of them outright
 * (U+0000 in text and jsonb, lone surrogates in jsonb): one such value once stopped every read model. Free text
 * may also break lines and indent.
 */
import { ValidateBy } from 'class-validator';

/** In `u` mode a paired surrogate is one code point, so `\p{Cs}` matches only a lone one. */
const ANY_CONTROL = /[\p{Cc}\p{Cs}]/u;
/** Tab, LF and CR LF are line layout; any other control character, or a CR alone, is not. */
const CONTROL_IN_FREE_TEXT = /(?![\t\n]|\r\n)\p{Cc}|\p{Cs}/u;

export const PLAIN_CHARACTERS = 'must not hold control characters or lone surrogates';
export const FREE_TEXT_CHARACTERS = 'must not hold control characters (other than tab and line breaks) or lone surrogates';
/** Said of an object: a key that holds such characters is named by the object, never echoed. */
export const KEY_CHARACTERS = 'must not have a key holding control characters or lone surrogates';

/** A name, id, code or key: a string without any control character or lone surrogate. */
export function isPlainString(value: unknown): value is string {
  return typeof value === 'string' && !ANY_CONTROL.test(value);
}

/** Free text: a string whose only control characters are tabs and line breaks, without lone surrogates. */
export function isFreeTextString(value: unknown): value is string {
  return typeof value === 'string' && !CONTROL_IN_FREE_TEXT.test(value);
}

// The rules below judge a string's characters only: a value of another type is left to the type rules.

/** class-validator rule: a string value is plain (see isPlainString). */
export const PlainCharacters = () =>
  ValidateBy({
    name: 'hasPlainCharacters',
    validator: { validate: (value) => typeof value !== 'string' || isPlainString(value), defaultMessage: () => `$property ${PLAIN_CHARACTERS}` },
  });

/** class-validator rule: a string value is free text (see isFreeTextString). */
export const FreeTextCharacters = () =>
  ValidateBy({
    name: 'hasFreeTextCharacters',
    validator: { validate: (value) => typeof value !== 'string' || isFreeTextString(value), defaultMessage: () => `$property ${FREE_TEXT_CHARACTERS}` },
  });
