// The shape every command has, and the one place that turns its outcome into an exit status.
import { formatHelp, parseArgs, type FlagSpec, type HelpText, type ParsedArgs } from './args.js';
import { CommandFailure, describeValue, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, PROGRAM, UsageError, writeLine, type CliIo } from './io.js';

/** A command: its flags, its help and what it does. */
export interface Command {
  /** The words that invoke it, e.g. `token` or `rooms list`. */
  readonly path: string;
  /** One line for the command list. */
  readonly summary: string;
  readonly flags: readonly FlagSpec[];
  readonly help: Omit<HelpText, 'flags'>;
  /** How many positional arguments it takes at most. */
  readonly maxPositionals: number;
  /** Does the work; throws {@link UsageError} or {@link CommandFailure} to fail. */
  run(args: ParsedArgs, io: CliIo): Promise<void> | void;
}

/** Commands that share a first word, e.g. `rooms list` and `rooms create`. */
export interface CommandGroup {
  /** The words that name it, e.g. `rooms`, or `sip trunks` for a group within a group. */
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
  /** Groups one word deeper, e.g. `sip trunks` within `sip`. */
  readonly groups?: readonly CommandGroup[];
}

/** Every command of a group and of the groups within it, in order. */
export function commandsOf(group: CommandGroup): Command[] {
  return [...group.commands, ...(group.groups ?? []).flatMap(commandsOf)];
}

/**
 * `run` functions for commands whose work lives in a module loaded on first use: declaring
 * a command group loads only its flags and help, so `token` and `verify` never load the
 * protocol codecs or the transport that the server commands need.
 *
 * @example
 * ```ts
 * const action = lazyActions(() => import('./room-actions.js'));
 * const listRooms: Command = { ..., run: action('listRooms') };
 * ```
 */
export function lazyActions<Actions>(
  load: () => Promise<Actions>,
): (name: { [K in keyof Actions]: Actions[K] extends Command['run'] ? K : never }[keyof Actions]) => Command['run'] {
  return (name) => async (args, io) => {
    const actions = await load();
    await (actions[name] as Command['run'])(args, io);
  };
}

/** The help flag every command takes. */
export const HELP_FLAG: FlagSpec = { name: 'help', short: 'h', type: 'boolean', description: 'show this help' };

/** Renders a command's `--help`. */
export function commandHelp(command: Command): string {
  return formatHelp(PROGRAM, { ...command.help, flags: [...command.flags, HELP_FLAG] });
}

/**
 * Parses `argv` for `command`, runs it, and returns the exit status: 0 on success, 1 when
 * the operation failed, 2 when the command line was wrong. Errors go to stderr.
 */
export async function execute(command: Command, argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const usage = (command.help.usage[0] ?? command.path).replace(/ \[flags\]$/, '');
    const args = parseArgs(argv, [...command.flags, HELP_FLAG], command.path, usage);
    if (args.boolean('help') === true) {
      io.stdout.write(commandHelp(command));
      return EXIT_OK;
    }
    if (args.positionals.length > command.maxPositionals) {
      const extra = args.positionals[command.maxPositionals] as string;
      const hint = /^(true|false)$/i.test(extra) ? ` (write a switch's value with =, e.g. --can-publish=${extra})` : '';
      throw new UsageError(
        command.maxPositionals === 0
          ? `'${command.path}' takes no arguments, got ${describeValue(extra)}${hint}`
          : `unexpected argument: ${describeValue(extra)}${hint}`,
        command.path,
      );
    }
    await command.run(args, io);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}

/** Prints an error the way every command does and returns the exit status for it. */
export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    writeLine(io.stderr, `${PROGRAM}: ${error.message}`);
    if (error.helpFor !== undefined) writeLine(io.stderr, `Run '${PROGRAM} ${error.helpFor} --help' for usage.`);
    return EXIT_USAGE;
  }
  if (error instanceof CommandFailure) {
    writeLine(io.stderr, `${PROGRAM}: ${error.code === undefined ? '' : `${error.code}: `}${error.message}`);
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  writeLine(io.stderr, `${PROGRAM}: unexpected error: ${message}`);
  if (io.env['LIVEKIT_CLI_DEBUG'] !== undefined && error instanceof Error && error.stack !== undefined) {
    writeLine(io.stderr, error.stack);
  }
  return EXIT_FAILURE;
}
