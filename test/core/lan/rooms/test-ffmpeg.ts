/**
 * The ffmpeg the data-saver tests use: the static build in the @ffmpeg-installer npm package (a
 * devDependency, GPLv3, never shipped), handed to the code under test as TUNECAMP_FFMPEG, as a
 * user would. npm may unpack it without its exec bit: then it is set here. On Linux x64 (here
 * and CI) a missing binary fails the suite rather than skipping it.
 */
import { accessSync, chmodSync, constants } from 'node:fs';
import { createRequire } from 'node:module';

function find(): string | undefined {
  let file: string;
  try {
    file = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch (err) {
    if (process.platform === 'linux' && process.arch === 'x64') throw err;
    return undefined;
  }
  try {
    accessSync(file, constants.X_OK);
  } catch {
    chmodSync(file, 0o755);
  }
  return file;
}

/** The test ffmpeg's path, or undefined on a platform the package has no build for. */
export const TEST_FFMPEG = find();

/** An environment naming only the test ffmpeg (no PATH: nothing else is found by accident). */
export const withFfmpeg = (): NodeJS.ProcessEnv => ({ TUNECAMP_FFMPEG: TEST_FFMPEG, PATH: '' });
