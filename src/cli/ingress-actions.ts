// What the ingress and dispatch commands do: call IngressClient / AgentDispatchClient and
// print the answer as a table, or as JSON with --json. Loaded only when one of them runs.
import { IngressInput, IngressState_Status, JobRestartPolicy, type AgentDispatch, type IngressInfo } from '@livekit/protocol';
import { closest } from '../internal/closest.js';
import type { ParsedArgs } from './args.js';
import { CommandFailure, UsageError, writeLine, type CliIo } from './io.js';
import { call, connect, printJson, required } from './session.js';
import { enumName, formatDetails, formatTable, formatTime } from './table.js';
import { parseAttributes } from './values.js';

const INPUT_TYPES: Readonly<Record<string, IngressInput>> = {
  rtmp: IngressInput.RTMP_INPUT,
  whip: IngressInput.WHIP_INPUT,
  url: IngressInput.URL_INPUT,
};

const json = (message: { toJson(options: { emitDefaultValues: boolean }): unknown }): unknown => message.toJson({ emitDefaultValues: true });
const orDash = (text: string): string => (text === '' ? '-' : text);
const inputName = (info: IngressInfo): string => enumName(IngressInput, info.inputType).replace(/_input$/, '');
const statusName = (info: IngressInfo): string =>
  enumName(IngressState_Status, info.state?.status ?? IngressState_Status.ENDPOINT_INACTIVE).replace(/^endpoint_/, '');
// Ingress and dispatch timestamps are Unix nanoseconds.
const nanosToSeconds = (ns: bigint | undefined): bigint => (ns ?? 0n) / 1_000_000_000n;

function ingressDetails(info: IngressInfo): string {
  return formatDetails([
    ['ID', info.ingressId],
    ['Name', orDash(info.name)],
    ['Input', inputName(info)],
    ['URL', orDash(info.url)],
    ['Stream key', orDash(info.streamKey)],
    ['Room', orDash(info.roomName)],
    ['Identity', info.participantIdentity],
    ['Participant name', orDash(info.participantName)],
    ['Transcoding', info.enableTranscoding === false ? 'off' : 'on'],
    ['Enabled', info.enabled === false ? 'no' : 'yes'],
    ['Status', statusName(info)],
  ]);
}

/** `ingress list`. */
export async function listIngress(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'ingress list';
  const filter = { roomName: args.string('room'), ingressId: args.string('id') };
  const session = connect(args, io, command);
  const items = await call(session, command, async (api) => {
    const all: IngressInfo[] = [];
    for await (const info of api.ingress.iterateIngress(filter, session.requestOptions)) all.push(info);
    return all;
  });
  if (session.json) return printJson(io, items.map(json));
  if (items.length === 0) {
    writeLine(io.stderr, filter.roomName === undefined ? 'No ingresses.' : `No ingresses for room ${filter.roomName}.`);
    return;
  }
  io.stdout.write(
    formatTable(
      ['id', 'name', 'input', 'room', 'identity', 'status', 'url'],
      items.map((i) => [i.ingressId, orDash(i.name), inputName(i), orDash(i.roomName), i.participantIdentity, statusName(i), orDash(i.url)]),
    ),
  );
}

/** `ingress create <rtmp|whip|url>`. */
export async function createIngress(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'ingress create';
  const typeText = required(args, 0, 'type', 'input type (rtmp, whip or url)', command).toLowerCase();
  const inputType = INPUT_TYPES[typeText];
  if (inputType === undefined) {
    const suggestion = closest(typeText, Object.keys(INPUT_TYPES));
    throw new UsageError(
      `unknown input type '${typeText}'${suggestion === undefined ? '' : `; did you mean '${suggestion}'?`} (types: rtmp, whip, url)`,
      command,
    );
  }
  const identity = args.string('identity');
  if (identity === undefined || identity === '') throw new UsageError(`'${command}' needs --identity, the participant that publishes the stream`, command);
  const url = args.string('source-url');
  if (inputType === IngressInput.URL_INPUT && url === undefined) throw new UsageError("'ingress create url' needs --source-url, the media to pull", command);
  if (inputType !== IngressInput.URL_INPUT && url !== undefined) {
    throw new UsageError(`--source-url is for url inputs; ${typeText} ingresses get their URL from the server`, command);
  }
  const options = {
    roomName: args.string('room') ?? '',
    participantIdentity: identity,
    participantName: args.string('participant-name'),
    participantMetadata: args.string('metadata'),
    name: args.string('name'),
    url,
    enableTranscoding: args.boolean('transcoding'),
    enabled: args.boolean('disabled') === true ? false : undefined,
  };
  const session = connect(args, io, command);
  const info = await call(session, command, (api) => api.ingress.createIngress(inputType, options, session.requestOptions));
  if (session.json) return printJson(io, json(info));
  io.stdout.write(ingressDetails(info));
}

/** `ingress delete <ingress-id>`. */
export async function deleteIngress(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'ingress delete';
  const id = required(args, 0, 'id', 'ingress id', command);
  const session = connect(args, io, command);
  const info = await call(session, command, (api) => api.ingress.deleteIngress(id, session.requestOptions));
  if (session.json) return printJson(io, json(info));
  writeLine(io.stdout, `Deleted ingress ${info.ingressId || id}.`);
}

function dispatchDetails(dispatch: AgentDispatch): string {
  const attributes = Object.entries(dispatch.attributes).map(([key, value]) => `${key}=${value}`);
  return formatDetails([
    ['ID', dispatch.id],
    ['Agent', dispatch.agentName],
    ['Room', dispatch.room],
    ['Deployment', orDash(dispatch.deployment)],
    ['Restart', dispatch.restartPolicy === JobRestartPolicy.JRP_NEVER ? 'never' : 'on failure'],
    ['Jobs', String(dispatch.state?.jobs.length ?? 0)],
    ['Created', formatTime(nanosToSeconds(dispatch.state?.createdAt))],
    ['Attributes', attributes.length === 0 ? '-' : attributes.join(', ')],
    ['Metadata', orDash(dispatch.metadata)],
  ]);
}

/** `dispatch create <room> <agent-name>`. */
export async function createDispatch(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'dispatch create';
  const room = required(args, 0, 'room', 'room name', command);
  const agent = required(args, 1, 'agent', 'agent name', command);
  const options = {
    metadata: args.string('metadata'),
    deployment: args.string('deployment'),
    attributes: parseAttributes(args.strings('attributes'), command),
    restartPolicy: args.boolean('restart') === false ? JobRestartPolicy.JRP_NEVER : undefined,
  };
  const session = connect(args, io, command);
  const dispatch = await call(session, command, (api) => api.agentDispatch.createDispatch(room, agent, options, session.requestOptions));
  if (session.json) return printJson(io, json(dispatch));
  io.stdout.write(dispatchDetails(dispatch));
}

/** `dispatch list <room>`. */
export async function listDispatch(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'dispatch list';
  const room = required(args, 0, 'room', 'room name', command);
  const session = connect(args, io, command);
  const dispatches = await call(session, command, (api) => api.agentDispatch.listDispatch(room, session.requestOptions));
  if (session.json) return printJson(io, dispatches.map(json));
  if (dispatches.length === 0) {
    writeLine(io.stderr, `No agent dispatches in ${room}.`);
    return;
  }
  io.stdout.write(
    formatTable(
      ['id', 'agent', 'deployment', 'jobs', 'created', 'metadata'],
      dispatches.map((d) => [d.id, d.agentName, orDash(d.deployment), String(d.state?.jobs.length ?? 0), formatTime(nanosToSeconds(d.state?.createdAt)), orDash(d.metadata)]),
    ),
  );
}

/** `dispatch get <room> <dispatch-id>`. */
export async function getDispatch(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'dispatch get';
  const room = required(args, 0, 'room', 'room name', command);
  const id = required(args, 1, 'id', 'dispatch id', command);
  const session = connect(args, io, command);
  const dispatch = await call(session, command, (api) => api.agentDispatch.getDispatch(id, room, session.requestOptions));
  if (dispatch === undefined) throw new CommandFailure(`room ${room} has no agent dispatch ${id}`, 'not_found');
  if (session.json) return printJson(io, json(dispatch));
  io.stdout.write(dispatchDetails(dispatch));
}

/** `dispatch delete <room> <dispatch-id>`. */
export async function deleteDispatch(args: ParsedArgs, io: CliIo): Promise<void> {
  const command = 'dispatch delete';
  const room = required(args, 0, 'room', 'room name', command);
  const id = required(args, 1, 'id', 'dispatch id', command);
  const session = connect(args, io, command);
  await call(session, command, (api) => api.agentDispatch.deleteDispatch(id, room, session.requestOptions));
  if (session.json) return printJson(io, {});
  writeLine(io.stdout, `Deleted agent dispatch ${id} from ${room}.`);
}
