import type { TokenLocation } from '../../shared/contract';
import type { SecretStore } from '../core/settings/store';

/**
 * The token given on the command line or in the environment: used for this run and never written
 * to disk. A token set later from the control window replaces it and is saved to `persist`.
 */
export class RunTokenStore implements SecretStore {
  /** True while the token in use is the run's own (not one set later from the window). */
  private fromRun: boolean;

  constructor(
    private token: string | null,
    private readonly persist: SecretStore | null,
    private readonly source: TokenLocation = 'memory',
  ) {
    this.fromRun = token !== null;
  }

  get encrypted(): boolean {
    return this.persist?.encrypted ?? false;
  }

  /** Where the token in use came from: the run's source, else where the window's one was saved. */
  get location(): TokenLocation {
    return this.fromRun ? this.source : (this.persist?.location ?? 'memory');
  }

  async getToken(): Promise<string | null> {
    return this.token;
  }

  async setToken(token: string): Promise<void> {
    this.token = token;
    this.fromRun = false;
    await this.persist?.setToken(token);
  }

  async clearToken(): Promise<void> {
    this.token = null;
    this.fromRun = false;
    await this.persist?.clearToken();
  }
}
