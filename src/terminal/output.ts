import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/** The option every long-running command takes. */
export interface OutputOptions {
  json?: boolean;
}

export const JSON_OPTION = ['--json', 'print one JSON summary line and no progress bars (the default when output is not a terminal)'] as const;

/**
 * Whether a person is watching: progress bars and sentences belong on a terminal. With --json, or when standard
 * output or error is not a terminal (a file, a pipe, CI logs), a command prints one JSON summary line and no bars,
 * so what is kept is one line a tool can read, not a screenful of redrawn bars.
 */
export function interactive(options: OutputOptions): boolean {
  return !options.json && Boolean(process.stdout.isTTY) && Boolean(process.stderr.isTTY);
}

/** Progress by phase; each phase a bar of its own. */
export interface Progress {
  update: (phase: string, done: number, total: number, values?: Record<string, string | number>) => void;
  stop: () => void;
}

/** Bars on standard error when interactive; otherwise every call does nothing. `{phase}` names each bar's phase. */
export function progressBars(options: OutputOptions, format = ' {phase} [{bar}] {percentage}% | {value}/{total} | ETA {eta}s'): Progress {
  if (!interactive(options)) return { update: () => undefined, stop: () => undefined };
  const bars = new MultiBar({ format, hideCursor: true, clearOnComplete: false, stream: process.stderr }, Presets.shades_classic);
  const byPhase = new Map<string, SingleBar>();
  return {
    update(phase, done, total, values = {}) {
      const payload = { phase: phase.padEnd(12), ...values };
      let bar = byPhase.get(phase);
      if (!bar) byPhase.set(phase, (bar = bars.create(total, 0, payload)));
      bar.setTotal(total);
      bar.update(Math.min(done, total), payload);
    },
    stop: () => bars.stop(),
  };
}
