// A small flag parser made for this tool: long flags with `--name value` or `--name=value`,
// `--no-name` for negatable booleans, repeatable flags, `--` to end flags, and errors that
// say what to type instead (closest known flag, missing value). No dependency.
import { closest } from '../internal/closest.js';
import { describeValue, UsageError } from './io.js';

/** How a flag takes its value. `strings` may be given several times and collects them all. */
export type FlagType = 'boolean' | 'string' | 'strings';

/** One flag a command accepts. */
export interface FlagSpec {
  /** Long name without dashes, e.g. `room`. */
  readonly name: string;
  readonly type: FlagType;
  /** Placeholder in help, e.g. `<name>`. */
  readonly value?: string;
  readonly description: string;
  /** One-letter form, e.g. `h` for `-h`. */
  readonly short?: string;
  /** Other long names that mean the same flag. */
  readonly aliases?: readonly string[];
  /** Accepts `--no-<name>` (sets false). */
  readonly negatable?: boolean;
  /** Help section heading; flags without one are listed under "Flags". */
  readonly group?: string;
}

/** What a command line means once parsed: flag values by name, and the rest in order. */
export class ParsedArgs {
  readonly positionals: readonly string[];
  /** The command's usage line from its help, e.g. `rooms create <name>`: what an error shows. */
  readonly usage: string;
  readonly #values: ReadonlyMap<string, string | boolean | string[]>;

  constructor(positionals: readonly string[], values: ReadonlyMap<string, string | boolean | string[]>, usage = '') {
    this.positionals = positionals;
    this.#values = values;
    this.usage = usage;
  }

  /** Whether the flag was given at all (a negated boolean counts). */
  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** A string flag's value (the last one when given twice). */
  string(name: string): string | undefined {
    const value = this.#values.get(name);
    return typeof value === 'string' ? value : undefined;
  }

  /** A boolean flag: true, false (`--no-x`, `--x=false`) or undefined when absent. */
  boolean(name: string): boolean | undefined {
    const value = this.#values.get(name);
    return typeof value === 'boolean' ? value : undefined;
  }

  /** Every value of a repeatable flag, in order. */
  strings(name: string): readonly string[] {
    const value = this.#values.get(name);
    return Array.isArray(value) ? value : [];
  }

  /** Names of the flags that were given. */
  names(): string[] {
    return [...this.#values.keys()];
  }
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);

/**
 * Parses `argv` against `specs`. Throws {@link UsageError} for an unknown flag (naming the
 * closest known one), a missing value, or a bad boolean. `command` names the command in
 * messages and in the help hint.
 */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[], command: string, usage = command): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  for (const spec of specs) {
    byName.set(spec.name, spec);
    for (const alias of spec.aliases ?? []) byName.set(alias, spec);
  }
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short as string, s]));
  const values = new Map<string, string | boolean | string[]>();
  const positionals: string[] = [];

  const set = (spec: FlagSpec, value: string | boolean): void => {
    if (spec.type === 'strings') {
      const list = values.get(spec.name);
      values.set(spec.name, [...(Array.isArray(list) ? list : []), String(value)]);
    } else {
      values.set(spec.name, value);
    }
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const inline = eq < 0 ? undefined : arg.slice(eq + 1);
      let spec = byName.get(name);
      let negated = false;
      if (spec === undefined && name.startsWith('no-')) {
        const positive = byName.get(name.slice(3));
        if (positive?.negatable === true) {
          spec = positive;
          negated = true;
        }
      }
      if (spec === undefined) {
        throw new UsageError(unknownFlagMessage(`--${name}`, specs, command), command);
      }
      if (spec.type === 'boolean') {
        if (negated) {
          if (inline !== undefined) throw new UsageError(`--${name} takes no value`, command);
          set(spec, false);
        } else if (inline === undefined) {
          set(spec, true);
        } else {
          set(spec, parseBoolean(inline, spec, command));
        }
        continue;
      }
      if (inline !== undefined) {
        set(spec, inline);
        continue;
      }
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(
          `--${name} needs a value${spec.value === undefined ? '' : ` ${spec.value}`}` +
            (next === undefined ? '' : ` (to pass a value that starts with --, write --${name}=<value>)`),
          command,
        );
      }
      set(spec, next);
      i++;
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
      const spec = arg.length === 2 ? byShort.get(arg.slice(1)) : undefined;
      if (spec === undefined) {
        throw new UsageError(unknownFlagMessage(arg, specs, command), command);
      }
      if (spec.type === 'boolean') {
        set(spec, true);
      } else {
        const next = argv[i + 1];
        if (next === undefined) throw new UsageError(`${arg} needs a value`, command);
        set(spec, next);
        i++;
      }
      continue;
    }
    positionals.push(arg);
  }
  return new ParsedArgs(positionals, values, usage);
}

function parseBoolean(text: string, spec: FlagSpec, command: string): boolean {
  const lower = text.toLowerCase();
  if (TRUE_WORDS.has(lower)) return true;
  if (FALSE_WORDS.has(lower)) return false;
  throw new UsageError(
    `--${spec.name} is a switch: write --${spec.name} or --${spec.name}=false${spec.negatable === true ? ` or --no-${spec.name}` : ''}, not --${spec.name}= with ${describeValue(text)}`,
    command,
  );
}

function unknownFlagMessage(flag: string, specs: readonly FlagSpec[], command: string): string {
  const candidates = specs.flatMap((s) => [
    `--${s.name}`,
    ...(s.aliases ?? []).map((a) => `--${a}`),
    ...(s.negatable === true ? [`--no-${s.name}`] : []),
  ]);
  const suggestion = closest(flag.startsWith('--') ? flag : `-${flag}`, candidates);
  return `unknown flag ${shownFlag(flag)} for '${command}'${suggestion === undefined ? '' : `; did you mean ${suggestion}?`}`;
}

/** A flag as typed when it looks like one (`--romo`), else described: it may be a pasted secret. */
export function shownFlag(flag: string): string {
  return /^--?[A-Za-z][A-Za-z0-9-]{0,30}$/.test(flag) ? flag : describeValue(flag);
}

/** A command word as typed when it looks like one (`romos`), else described. */
export function shownWord(word: string): string {
  return /^[a-z][a-z-]{0,20}$/.test(word) ? `'${word}'` : describeValue(word);
}

const HELP_WIDTH = 80;

/** Splits text into lines of at most `width` characters, at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Everything `--help` shows for a command. */
export interface HelpText {
  /** Usage lines without the program name, e.g. `token --room <name> --identity <id> [flags]`. */
  readonly usage: readonly string[];
  /** One paragraph or more; lines are kept as written. */
  readonly description: string;
  readonly flags: readonly FlagSpec[];
  /** Example command lines without the program name, with an optional `# comment` line before. */
  readonly examples: readonly string[];
  /** Extra sections, e.g. Commands, each as [heading, body]. */
  readonly sections?: readonly (readonly [string, string])[];
}

/** Renders help text for a command. */
export function formatHelp(program: string, help: HelpText): string {
  const out: string[] = [];
  help.usage.forEach((line, i) => out.push(`${i === 0 ? 'Usage: ' : '       '}${program} ${line}`));
  out.push('', help.description.trimEnd());
  for (const [heading, body] of help.sections ?? []) {
    out.push('', `${heading}:`, body.trimEnd());
  }
  const groups = new Map<string, FlagSpec[]>();
  for (const spec of help.flags) {
    const group = spec.group ?? 'Flags';
    groups.set(group, [...(groups.get(group) ?? []), spec]);
  }
  const label = (spec: FlagSpec): string => {
    const long = spec.negatable === true ? `--[no-]${spec.name}` : `--${spec.name}`;
    const names = spec.short === undefined ? `    ${long}` : `-${spec.short}, ${long}`;
    return spec.value === undefined ? names : `${names} ${spec.value}`;
  };
  const width = Math.min(30, Math.max(...help.flags.map((s) => label(s).length)));
  const indent = ' '.repeat(width + 4);
  for (const [group, specs] of groups) {
    out.push('', `${group}:`);
    for (const spec of specs) {
      const name = label(spec);
      const description = spec.type === 'strings' ? `${spec.description} (repeatable)` : spec.description;
      const lines = wrap(description, HELP_WIDTH - indent.length);
      if (name.length > width) out.push(`  ${name}`);
      else out.push(`  ${name.padEnd(width)}  ${lines.shift() ?? ''}`.trimEnd());
      for (const line of lines) out.push(`${indent}${line}`);
    }
  }
  if (help.examples.length > 0) {
    out.push('', 'Examples:');
    for (const example of help.examples) {
      out.push(example.startsWith('#') ? `  ${example}` : `  $ ${program} ${example}`);
    }
  }
  return `${out.join('\n')}\n`;
}
