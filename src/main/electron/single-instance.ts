/**
 * One app per machine: two instances on one account would replace each other's TuneCamp session
 * forever (PROTOCOL.md section 5), so a second launch only wakes the first.
 */
import { app } from 'electron';

/**
 * Takes the single-instance lock. Returns false when another instance holds it (the caller quits
 * at once); otherwise calls `onSecondLaunch` with the other launch's argv each time one happens.
 */
export function acquireSingleInstance(onSecondLaunch: (argv: string[]) => void): boolean {
  if (!app.requestSingleInstanceLock()) return false;
  app.on('second-instance', (_event, argv) => onSecondLaunch(argv));
  return true;
}
