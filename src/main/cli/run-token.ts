import type { SecretStore } from '../core/settings/store';

/**
 * The token given on the command line or in the environment: used for this run and never written
 * to disk. A token set later from the control window replaces it and is saved to `persist`.
 */
export class RunTokenStore implements SecretStore {
  constructor(
    private token: string | null,
    private readonly persist: SecretStore | null,
  ) {}

  get encrypted(): boolean {
    return this.persist?.encrypted ?? false;
  }

  async getToken(): Promise<string | null> {
    return this.token;
  }

  async setToken(token: string): Promise<void> {
    this.token = token;
    await this.persist?.setToken(token);
  }

  async clearToken(): Promise<void> {
    this.token = null;
    await this.persist?.clearToken();
  }
}
