/**
 * Which hosts `http_get` may reach. Entries are host names or IP literals, optionally with a
 * port (`api.example.com`, `127.0.0.1:8080`, `[::1]:9000`), or `*.example.com` for every
 * subdomain of example.com (not example.com itself). Matching ignores case; an entry without
 * a port allows any port.
 */
export interface HostAllowlist {
  /** The entries, normalised, as `/capabilities` shows them. */
  entries: readonly string[];
  /** Whether a URL's host (and port) is allowed. */
  allows(url: URL): boolean;
}

const ENTRY = /^(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/;

/** Builds the allowlist; a malformed entry is a configuration error and throws. */
export function createHostAllowlist(entries: readonly string[]): HostAllowlist {
  const rules = entries
    .map((e) => e.trim().toLowerCase().replace(/\.$/, ''))
    .filter(Boolean)
    .map((entry) => {
      const m = ENTRY.exec(entry);
      if (!m) {
        throw new Error(
          `http_get allowlist: "${entry}" is not a host, host:port or *.domain (no scheme or path)`,
        );
      }
      return { entry, wildcard: !!m[1], host: m[2]!, port: m[3] };
    });
  return {
    entries: rules.map((r) => r.entry),
    allows(url) {
      const host = url.hostname.toLowerCase().replace(/\.$/, '');
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      return rules.some(
        (r) =>
          (r.wildcard ? host.endsWith(`.${r.host}`) : host === r.host) &&
          (r.port === undefined || r.port === port),
      );
    },
  };
}
