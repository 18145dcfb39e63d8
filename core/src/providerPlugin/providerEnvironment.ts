/**
 * The environment a provider binary is started with: built from nothing rather than filtered from
 * the host's, so that no cloud credential (`AWS_*`, `GOOGLE_*`, `ARM_*`, `TF_VAR_*`), kubeconfig,
 * proxy or home-folder configuration reaches it, and the provider can only work with what the
 * question itself carries. `HOME` is an empty folder of the client's own.
 */
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, OFFERED_PROTOCOL_VERSIONS } from './pluginHandshake';

/** Host variables a provider may see: where programs are, and the locale and time zone. Nothing that names an account. */
const PASSED_THROUGH = ['PATH', 'LANG', 'LC_ALL', 'TZ'];

export function providerEnvironment(home: string, host: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = host[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    HOME: home,
    TMPDIR: home,
    [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE,
    PLUGIN_PROTOCOL_VERSIONS: OFFERED_PROTOCOL_VERSIONS,
    // The plugin socket goes in the client's folder too.
    PLUGIN_UNIX_SOCKET_DIR: home,
    // No version check against HashiCorp's checkpoint service; no cloud metadata service.
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Providers log to stderr: warnings and errors only. The SDKs' own trace logging, on by default,
    // costs a provider about half of each plan's time.
    TF_LOG: 'WARN',
    TF_LOG_PROVIDER: 'WARN',
    TF_LOG_SDK: 'WARN',
    TF_LOG_SDK_PROTO: 'WARN',
    TF_LOG_SDK_FRAMEWORK: 'WARN',
    TF_LOG_SDK_HELPER_SCHEMA: 'WARN',
    TF_LOG_SDK_HELPER_RESOURCE: 'WARN',
  };
}
