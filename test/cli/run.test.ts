// The top level of the command line: finding the command, help, version, exit statuses.
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

describe('livekit-server-api', () => {
  it('lists every command with --help, on stdout, exit 0', async () => {
    const result = await cli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Usage: livekit-server-api <command> [flags]');
    expect(result.stdout).toContain('Exit status: 0 success, 1 the operation failed, 2 the command line was wrong.');
  });

  it('prints the help on stderr and exits 2 when no command is given', async () => {
    const result = await cli([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: livekit-server-api <command> [flags]');
  });

  it('prints the version with --version, -v and version', async () => {
    for (const flag of ['--version', '-v', 'version']) {
      const result = await cli([flag], { version: '1.2.3' });
      expect(result).toEqual({ code: 0, stdout: '1.2.3\n', stderr: '' });
    }
  });

  it('exits 2 on an unknown command and suggests the closest one', async () => {
    const result = await cli(['tokn', '--room', 'demo']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("unknown command 'tokn'; did you mean 'token'?");
    expect(result.stderr).toContain("Run 'livekit-server-api --help' for usage.");
  });

  it('maps words people type for a command to ours in the suggestion', async () => {
    const result = await cli(['create-token']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("did you mean 'token'?");
  });

  it('says flags go after the command when a flag comes first', async () => {
    const result = await cli(['--room', 'demo', 'token']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('flags go after the command');
  });

  it('shows a command help through `help <command>`', async () => {
    const viaHelp = await cli(['help', 'verify']);
    const viaFlag = await cli(['verify', '--help']);
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  const COMMANDS = [
    'token', 'verify', 'rooms list', 'rooms create', 'rooms delete', 'rooms update-metadata', 'participants list',
    'participants get', 'participants remove', 'participants mute', 'participants update', 'send-data',
    'sip trunks list', 'sip trunks create', 'sip trunks delete', 'sip rules list', 'sip rules create', 'sip rules delete',
    'sip call', 'sip transfer',
  ];
  for (const command of COMMANDS) {
    it(`documents '${command}' in --help: usage, flags, examples, within 80 columns`, async () => {
      const result = await cli([...command.split(' '), '--help']);
      expect(result.code).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout).toContain(`Usage: livekit-server-api ${command} `);
      expect(result.stdout).toContain('  -h, --help');
      expect(result.stdout).toMatch(new RegExp(`^  \\$ .*livekit-server-api ${command} `, 'm'));
      const long = result.stdout
        .split('\n')
        .filter((line) => line.length > 80 && !line.startsWith('  $ ') && !line.includes('livekit-server-api'));
      expect(long).toEqual([]);
    });
  }

  it('lists every command in the top-level help', async () => {
    const { stdout } = await cli(['--help']);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command}  `, 'm'));
  });

  it('treats everything after -- as arguments, not flags', async () => {
    const result = await cli(['verify', '--', '--not-a-flag'], { env: { LIVEKIT_API_KEY: 'k', LIVEKIT_API_SECRET: 's' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('token_malformed');
  });
});
