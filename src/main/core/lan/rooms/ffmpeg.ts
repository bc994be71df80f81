/**
 * Finding the host's ffmpeg for the listening room's data saver (hls-cache.ts). The app ships
 * none: the static builds on npm (@ffmpeg-installer/*) are GPLv3, so the user's own ffmpeg is
 * used, `TUNECAMP_FFMPEG=/path/to/ffmpeg` first, else `ffmpeg` on the PATH. Without one the room
 * serves the original files only, and says what data saver would need.
 */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/** Where ffmpeg was found, or why not. */
export type FfmpegLookup = { path: string } | { missing: string };

/** What the window says when there is no ffmpeg (the note names both ways to give one). */
export const NO_FFMPEG =
  'Data saver needs ffmpeg: install ffmpeg or set TUNECAMP_FFMPEG=/path/to/ffmpeg, then open the room again. Listeners get the original files.';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Looks for ffmpeg: `TUNECAMP_FFMPEG` (which must be an executable file), else the PATH. */
export function findFfmpeg(env: NodeJS.ProcessEnv = process.env): FfmpegLookup {
  const given = env.TUNECAMP_FFMPEG?.trim();
  if (given) {
    return executable(given)
      ? { path: path.resolve(given) }
      : { missing: `TUNECAMP_FFMPEG=${given} is not an executable file. ${NO_FFMPEG}` };
  }
  const names = process.platform === 'win32' ? ['ffmpeg.exe'] : ['ffmpeg'];
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const file = path.join(dir, name);
      if (executable(file)) return { path: file };
    }
  }
  return { missing: NO_FFMPEG };
}
