// Parsers for flag values several commands share. Each throws a UsageError that says how
// to write the value.
import { TRACK_SOURCES } from '../token/grants.js';
import { describeValue, UsageError } from './io.js';

/** Track sources by their claim names (the token module's list). */
export { TRACK_SOURCES };

/** Parses a flag's JSON object value, or throws a UsageError saying how to write it. */
export function parseJsonObject(text: string, flag: string, command: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the text it failed on: it is not passed on.
    throw new UsageError(`${flag} is not valid JSON; quote it for the shell, e.g. ${flag} '{"key":"value"}'`, command);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${flag} must be a JSON object, e.g. ${flag} '{"key":"value"}'`, command);
  }
  return value as Record<string, unknown>;
}

/** Parses `--sources camera,microphone` (repeatable) into track source names. */
export function parseSources(values: readonly string[], command: string): string[] {
  const names = values.flatMap((value) => value.split(',')).map((s) => s.trim().toLowerCase().replace(/-/g, '_'));
  for (const name of names) {
    if (!(TRACK_SOURCES as readonly string[]).includes(name)) {
      throw new UsageError(
        `--sources: ${describeValue(name)} is not a track source; use a comma-separated list of ${TRACK_SOURCES.join(', ')}`,
        command,
      );
    }
  }
  return [...new Set(names)];
}

/** Parses `--attributes k=v` (repeatable) or a JSON object of strings. */
export function parseAttributes(values: readonly string[], command: string): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const attributes: Record<string, string> = {};
  for (const value of values) {
    if (value.trimStart().startsWith('{')) {
      const object = parseJsonObject(value, '--attributes', command);
      for (const [key, item] of Object.entries(object)) {
        if (typeof item !== 'string') {
          throw new UsageError(`--attributes: the value of "${key}" must be a string; quote it in the JSON`, command);
        }
        attributes[key] = item;
      }
      continue;
    }
    const eq = value.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`--attributes takes key=value (e.g. --attributes team=blue), got ${describeValue(value)}`, command);
    }
    attributes[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return attributes;
}

