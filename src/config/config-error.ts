// The one error loadConfig throws. main.ts prints its message (a single line naming the setting by
// environment variable and YAML key, and the reason) and exits 1 before anything listens.
export class ConfigError extends Error {
  readonly code = 'config_invalid';

  /**
   * The setting at fault: its environment variable name (e.g. `PORT`), the YAML key for an
   * unknown key (e.g. `gateway.urll`), or `QM_CONFIG` when the file itself is unreadable.
   */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.name = 'ConfigError';
    this.setting = setting;
  }
}
