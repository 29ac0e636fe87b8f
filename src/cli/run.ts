// The `livekit-server-api` command line: finds the command in argv and runs it.
import { closest } from '../internal/closest.js';
import { commandsOf, execute, type Command, type CommandGroup } from './command.js';
import { shownFlag, shownWord } from './args.js';
import { EXIT_OK, EXIT_USAGE, PROGRAM, redactingIo, secretsOf, UsageError, writeLine, type CliIo } from './io.js';
import { participantsGroup, roomsGroup, sendDataCommand } from './rooms.js';
import { serveTokenCommand } from './serve-token.js';
import { sipGroup } from './sip.js';
import { tokenCommand, verifyCommand } from './token.js';
import { egressGroup } from './egress.js';
import { dispatchGroup, ingressGroup } from './ingress.js';

type Entry = { readonly kind: 'command'; readonly command: Command } | { readonly kind: 'group'; readonly group: CommandGroup };

const ENTRIES: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['token', { kind: 'command', command: tokenCommand }],
  ['verify', { kind: 'command', command: verifyCommand }],
  ['rooms', { kind: 'group', group: roomsGroup }],
  ['participants', { kind: 'group', group: participantsGroup }],
  ['send-data', { kind: 'command', command: sendDataCommand }],
  ['egress', { kind: 'group', group: egressGroup }],
  ['serve-token', { kind: 'command', command: serveTokenCommand }],
  ['ingress', { kind: 'group', group: ingressGroup }],
  ['dispatch', { kind: 'group', group: dispatchGroup }],
  ['sip', { kind: 'group', group: sipGroup }],
]);

// Words people type for these commands, mapped to ours.
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['create-token', 'token'],
  ['room', 'rooms'],
  ['participant', 'participants'],
  ['senddata', 'send-data'],
  ['serve', 'serve-token'],
  ['token-server', 'serve-token'],
  ['ingresses', 'ingress'],
  ['agent-dispatch', 'dispatch'],
  ['dispatches', 'dispatch'],
]);

/**
 * Runs the command line `argv` (the words after the program name) and resolves to the
 * exit status: 0 success, 1 the operation failed, 2 a usage error. Never throws; writes
 * only to `io`.
 *
 * @example
 * ```ts
 * const exitCode = await run(['token', '--room', 'demo', '--identity', 'alice'], {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   env: process.env,
 * });
 * ```
 */
export async function run(argv: readonly string[], rawIo: CliIo): Promise<number> {
  const io = redactingIo(rawIo, secretsOf(argv, rawIo.env));
  const [first, ...rest] = argv;
  if (first === undefined) {
    // Help asked for is a result (stdout); help instead of a command is an error (stderr).
    io.stderr.write(topLevelHelp());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(topLevelHelp());
    return EXIT_OK;
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    writeLine(io.stdout, io.version?.() ?? 'unknown');
    return EXIT_OK;
  }
  if (first === 'help') {
    return rest.length === 0 ? (io.stdout.write(topLevelHelp()), EXIT_OK) : run([...rest, '--help'], io);
  }
  const entry = ENTRIES.get(first);
  if (entry === undefined) {
    const alias = ALIASES.get(first);
    const suggestion = alias ?? closest(first, [...ENTRIES.keys()]);
    return usage(
      io,
      first.startsWith('-')
        ? `unknown flag ${shownFlag(first)}; flags go after the command, e.g. ${PROGRAM} token --help`
        : `unknown command ${shownWord(first)}${suggestion === undefined ? '' : `; did you mean '${suggestion}'?`}`,
    );
  }
  if (entry.kind === 'command') return execute(entry.command, rest, io);
  return runGroup(entry.group, rest, io);
}

function runGroup(group: CommandGroup, argv: readonly string[], io: CliIo): Promise<number> | number {
  const [sub, ...rest] = argv;
  if (sub === undefined) {
    io.stderr.write(groupHelp(group));
    return EXIT_USAGE;
  }
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout.write(groupHelp(group));
    return EXIT_OK;
  }
  const subgroup = group.groups?.find((g) => g.name === `${group.name} ${sub}`);
  if (subgroup !== undefined) return runGroup(subgroup, rest, io);
  const command = group.commands.find((c) => c.path === `${group.name} ${sub}`);
  if (command === undefined) {
    const names = [...group.commands.map((c) => c.path), ...(group.groups ?? []).map((g) => g.name)].map((path) =>
      path.slice(group.name.length + 1),
    );
    const suggestion = closest(sub, names);
    return usage(
      io,
      `unknown ${group.name} command ${shownWord(sub)}${suggestion === undefined ? '' : `; did you mean '${group.name} ${suggestion}'?`} ` +
        `(${group.name} commands: ${names.join(', ')})`,
      group.name,
    );
  }
  return execute(command, rest, io);
}

function usage(io: CliIo, message: string, helpFor?: string): number {
  const error = new UsageError(message, helpFor);
  writeLine(io.stderr, `${PROGRAM}: ${error.message}`);
  writeLine(io.stderr, `Run '${PROGRAM}${helpFor === undefined ? '' : ` ${helpFor}`} --help' for usage.`);
  return EXIT_USAGE;
}

function list(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([name]) => name.length));
  return rows.map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`).join('\n');
}

function groupHelp(group: CommandGroup): string {
  return [
    `Usage: ${PROGRAM} ${group.name} <command> [flags]`,
    '',
    group.summary,
    '',
    'Commands:',
    list(commandsOf(group).map((c) => [c.path, c.summary])),
    '',
    `Run '${PROGRAM} ${group.name} <command> --help' for the flags of each.`,
    '',
  ].join('\n');
}

function topLevelHelp(): string {
  const rows: [string, string][] = [];
  for (const entry of ENTRIES.values()) {
    if (entry.kind === 'command') rows.push([entry.command.path, entry.command.summary]);
    else for (const command of commandsOf(entry.group)) rows.push([command.path, command.summary]);
  }
  return [
    `Usage: ${PROGRAM} <command> [flags]`,
    '',
    'Mint and verify LiveKit access tokens, and manage rooms and SIP calls on a LiveKit server.',
    '',
    'Commands:',
    list(rows),
    '',
    'Flags:',
    '  -h, --help     show help (also after any command)',
    '  -v, --version  print the version',
    '',
    'Environment:',
    '  LIVEKIT_URL         server for the room commands (--url)',
    '  LIVEKIT_API_KEY     API key (--api-key); none: the `livekit-server --dev` key',
    '  LIVEKIT_API_SECRET  API secret (--api-secret)',
    '',
    'Exit status: 0 success, 1 the operation failed, 2 the command line was wrong.',
    '',
    'Examples:',
    `  $ ${PROGRAM} token --room demo --identity alice`,
    `  $ ${PROGRAM} verify "$(${PROGRAM} token --room demo --identity alice)"`,
    `  $ ${PROGRAM} rooms list --url ws://localhost:7880`,
    `  $ ${PROGRAM} participants list demo --json`,
    `  $ ${PROGRAM} serve-token --room demo --cors http://localhost:3000`,
    `  $ ${PROGRAM} sip call ST_abc123 +15550199 demo --wait`,
    '',
    `Run '${PROGRAM} <command> --help' for the flags of each command.`,
    '',
  ].join('\n');
}
