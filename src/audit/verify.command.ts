import { type Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { interactive, JSON_OPTION, progressBars, type OutputOptions } from '../terminal/output';
import type { LineReaders } from '../integrity/line-readers';
import { verifyOffline, verifyOnline, type Progress, type VerificationReport } from './verification';

// Smaller exports finish before a bar would tell anything.
const BAR_FROM_EVENTS = 100_000;

/**
 * `verify --export FILE --checkpoint FILE [--checkpoint FILE [--consistency-proof FILE]] --public-key FILE`, offline,
 * or `verify --online URL [--token T] [--public-key FILE] [--checkpoint FILE...]` against a running server.
 * Exit code 0: all verified; 2: the log is not what was signed (the message names the first index found wrong).
 * `readers` read the export's lines: the CLI's entry point gives it worker threads.
 */
export function registerVerifyCommand(program: Command, readers?: LineReaders): void {
  program
    .command('verify')
    .description('verify an export of the global log against signed checkpoints (offline), or a running server (--online)')
    .option('--export <file>', 'NDJSON export (GET /audit/export from 0; with include=leafHash it can also place an inserted event)')
    .option('--checkpoint <file>', 'signed checkpoint note; twice to check two (online: notes kept from earlier)', collect, [])
    .option('--public-key <file>', 'C2SP verifier key (GET /audit/public-key); required offline, pins the key online')
    .option('--consistency-proof <file>', 'proof between two checkpoints (GET /audit/proofs/consistency), when the export reaches only the older')
    .option('--online <url>', 'verify a running server: its latest checkpoint, export and proofs')
    .option('--token <token>', 'ledger_auditor bearer token for --online (default: env JOURNEY_TOKEN)')
    .option(...JSON_OPTION)
    .action(async (options: VerifyOptions & OutputOptions) => {
      if (options.online && !options.publicKey) {
        console.error('note: trusting the public key the server publishes; pin the one you hold with --public-key FILE');
      }
      const report = await runVerify(options, progressBar(options), readers);
      if (interactive(options)) console.log(report.ok ? `OK: ${report.message}` : `FAILED: ${report.message}`);
      const { ok, events, seconds, checkpoint, index, problem, message } = report;
      const summary = { ok, events, seconds: Number(seconds.toFixed(2)), size: checkpoint?.size, root: checkpoint?.rootHash, index, problem, message };
      console.log(JSON.stringify(summary));
      if (!ok) process.exitCode = 2;
    });
}

export interface VerifyOptions {
  export?: string;
  checkpoint: string[];
  publicKey?: string;
  consistencyProof?: string;
  online?: string;
  token?: string;
}

/** The command without the printing: what the tests call. */
export async function runVerify(options: VerifyOptions, progress?: Progress, readers?: LineReaders): Promise<VerificationReport> {
  if (options.online) {
    if (options.export || options.consistencyProof) throw new Error('--online fetches the export and proofs itself: drop --export and --consistency-proof');
    return verifyOnline(
      {
        url: options.online,
        token: options.token ?? process.env.JOURNEY_TOKEN,
        publicKey: options.publicKey && (await readFile(options.publicKey, 'utf8')),
        earlierCheckpoints: await Promise.all(options.checkpoint.map((file) => readFile(file, 'utf8'))),
      },
      progress,
      readers,
    );
  }
  if (!options.export || !options.publicKey || options.checkpoint.length === 0 || options.checkpoint.length > 2) {
    throw new Error('Offline: --export FILE --public-key FILE and one or two --checkpoint FILE are required (or use --online URL)');
  }
  return verifyOffline(
    { exportFile: options.export, checkpointFiles: options.checkpoint, publicKeyFile: options.publicKey, consistencyProofFile: options.consistencyProof },
    progress,
    readers,
  );
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A bar for exports large enough to need one, on a terminal only. */
function progressBar(options: OutputOptions): Progress {
  const bars = progressBars(options, ' {phase} [{bar}] {percentage}% | {value}/{total} events | ETA {eta}s');
  let total = 0;
  return {
    start(events) {
      total = events >= BAR_FROM_EVENTS ? events : 0;
    },
    update(done) {
      if (total > 0) bars.update('verifying', done, total);
    },
    stop: () => bars.stop(),
  };
}
