import type { Settings } from '../../shared/contract';
import { Engine, type EngineOptions } from '../core/engine';
import { EXIT } from './exit-codes';
import { scanSummary } from './output';
import { buildStores } from './setup';

/** What `--scan-only` needs from the command line. */
export interface ScanOnlyOptions {
  settings: Partial<Settings>;
  json: boolean;
  common: Omit<EngineOptions, 'settings' | 'secrets'>;
  /** Draws a progress bar while scanning (TTY only); returns its remover. */
  progress?: (engine: Engine) => () => void;
}

/**
 * `--scan-only`: scan the folders, print the summary (or the manifest as JSON) and resolve with
 * the exit status. Ctrl-C while scanning says what was interrupted, on one line, and exits 130.
 */
export async function runScanOnly(o: ScanOnlyOptions): Promise<number> {
  const { settings, secrets } = await buildStores(o.common.stateDir, o.settings, null, true);
  const engine = await Engine.create({ ...o.common, settings, secrets, watch: { watch: false } });
  const folders = settings.get().folders.length;
  process.stderr.write(`scanning ${folders} folder${folders === 1 ? '' : 's'}…\n`);
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) return;
    interrupted = true;
    void engine.invoke('getSnapshot').then((snap) => {
      let found = 0;
      let done = 0;
      for (const f of snap.folders) {
        found += f.progress?.found ?? 0;
        done += (f.progress?.parsed ?? 0) + (f.progress?.skipped ?? 0);
      }
      process.stderr.write(
        `tunecamp-share: interrupted: the scan stopped after ${done} of ${found} files found so far; nothing was published and no summary printed.\n`,
      );
      process.exit(EXIT.interrupted);
    });
  };
  process.on('SIGINT', onSigint);
  const stopBar = o.progress?.(engine) ?? (() => {});
  await engine.start();
  await engine.whenScanned();
  stopBar();
  if (interrupted) return new Promise<number>(() => {}); // the SIGINT handler exits
  process.off('SIGINT', onSigint);
  const manifest = engine.manifest();
  const snapshot = await engine.invoke('getSnapshot');
  await engine.stop();
  if (o.json) process.stdout.write(JSON.stringify(manifest, null, 2) + '\n');
  else
    process.stdout.write(scanSummary(engine.library.entries(), manifest, snapshot.folders) + '\n');
  return EXIT.ok;
}
