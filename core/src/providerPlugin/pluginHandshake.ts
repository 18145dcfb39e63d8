/**
 * go-plugin's handshake, as a provider binary speaks it: started with the magic cookie and the
 * protocol versions the client offers in its environment, it prints one line on stdout,
 * `CORE|APP|NETWORK|ADDRESS|PROTOCOL|SERVER_CERT`, and serves gRPC at that address.
 */
import type { ProtocolVersion } from './pluginProtocol';

/** The cookie every Terraform provider checks before it serves (it prints a notice and exits without it). */
export const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
export const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';
/** The versions offered: a provider picks the highest it serves. An older SDK falls back to 4 (netrpc), which is refused. */
export const OFFERED_PROTOCOL_VERSIONS = '5,6';

export interface PluginAddress {
  protocolVersion: ProtocolVersion;
  /** The unix socket's path. */
  socket: string;
}

/** The handshake line's meaning, or an Error whose message says what was wrong with it, quoting it. */
export function parseHandshake(line: string): PluginAddress {
  const shown = JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line);
  const fields = line.trim().split('|');
  if (fields.length < 5) throw new Error(`the provider's first line is not a plugin handshake (CORE|APP|NETWORK|ADDRESS|PROTOCOL): ${shown}`);
  const [core, app, network, address, protocol] = fields;
  if (core !== '1') throw new Error(`the provider speaks go-plugin core protocol ${core}, not 1: ${shown}`);
  if (app !== '5' && app !== '6') {
    throw new Error(`the provider answered plugin protocol ${app}, and only 5 and 6 are spoken here (protocol 4 is Terraform 0.11's): ${shown}`);
  }
  if (protocol !== 'grpc') throw new Error(`the provider serves ${protocol}, not grpc: ${shown}`);
  if (network !== 'unix') throw new Error(`the provider listens on ${network}, and only a unix socket is used here: ${shown}`);
  if (address === '') throw new Error(`the provider's handshake has no address: ${shown}`);
  if (fields[5]) throw new Error(`the provider asks for TLS (a server certificate in its handshake), which is not offered: ${shown}`);
  return { protocolVersion: app === '5' ? 5 : 6, socket: address };
}
