/** The daemon's exit statuses (README "The headless daemon"); a service manager tells them apart. */
export const EXIT = {
  /** Stopped on request (SIGINT/SIGTERM), or `--scan-only` finished. */
  ok: 0,
  /** Another daemon holds the state dir, or an unexpected error. */
  failure: 1,
  /** A bad flag, address, folder or config file: nothing was started. */
  usage: 2,
  /** The server refused the sign-in (401, 403: token rejected, account may not share). */
  signIn: 3,
  /** `--scan-only` interrupted by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;
