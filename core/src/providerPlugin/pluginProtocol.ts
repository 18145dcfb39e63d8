/**
 * The plugin protocol's messages, versions 5 and 6, as far as asking a provider whether an edit
 * replaces a resource needs them: the schema, configuring the provider, upgrading a stored state,
 * planning a change and stopping. Field numbers are the protocol's; everything else the protocol
 * defines is left out, and protobuf skips what a provider sends beyond these. The two versions
 * differ here only in method names and in protocol 6's nested attributes.
 */
import * as protobuf from 'protobufjs';

export type ProtocolVersion = 5 | 6;

/** The messages both versions share, in the protocol's own field numbering. */
const SHARED_MESSAGES = `
message DynamicValue {
  bytes msgpack = 1;
  bytes json = 2;
}

message Diagnostic {
  enum Severity { INVALID = 0; ERROR = 1; WARNING = 2; }
  Severity severity = 1;
  string summary = 2;
  string detail = 3;
  AttributePath attribute = 4;
}

message AttributePath {
  message Step {
    oneof selector {
      string attribute_name = 1;
      string element_key_string = 2;
      int64 element_key_int = 3;
    }
  }
  repeated Step steps = 1;
}

message RawState {
  bytes json = 1;
  map<string, string> flatmap = 2;
}

message ClientCapabilities {
  bool deferral_allowed = 1;
  bool write_only_attributes_allowed = 2;
}

message GetProviderSchema {
  message Request {}
  message Response {
    Schema provider = 1;
    map<string, Schema> resource_schemas = 2;
    repeated Diagnostic diagnostics = 4;
  }
}

message UpgradeResourceState {
  message Request {
    string type_name = 1;
    int64 version = 2;
    RawState raw_state = 3;
  }
  message Response {
    DynamicValue upgraded_state = 1;
    repeated Diagnostic diagnostics = 2;
  }
}

message PlanResourceChange {
  message Request {
    string type_name = 1;
    DynamicValue prior_state = 2;
    DynamicValue proposed_new_state = 3;
    DynamicValue config = 4;
    bytes prior_private = 5;
    DynamicValue provider_meta = 6;
    ClientCapabilities client_capabilities = 7;
  }
  message Response {
    DynamicValue planned_state = 1;
    repeated AttributePath requires_replace = 2;
    bytes planned_private = 3;
    repeated Diagnostic diagnostics = 4;
    bool legacy_type_system = 5;
  }
}
`;

const NESTED_BLOCK = `
  message NestedBlock {
    enum NestingMode { INVALID = 0; SINGLE = 1; LIST = 2; SET = 3; MAP = 4; GROUP = 5; }
    string type_name = 1;
    Block block = 2;
    NestingMode nesting = 3;
    int64 min_items = 4;
    int64 max_items = 5;
  }
  message Block {
    int64 version = 1;
    repeated Attribute attributes = 2;
    repeated NestedBlock block_types = 3;
  }
  int64 version = 1;
  Block block = 2;
`;

/** Configuring and stopping: the same messages in both versions, under the names each gives them. */
const configureAndStop = (configure: string, stop: string) => `
message ${configure} {
  message Request {
    string terraform_version = 1;
    DynamicValue config = 2;
    ClientCapabilities client_capabilities = 3;
  }
  message Response {
    repeated Diagnostic diagnostics = 1;
  }
}

message ${stop} {
  message Request {}
  message Response {
    string Error = 1;
  }
}
`;

/** The schema attribute's flags, numbered alike in both versions; `write_only` and protocol 6's `nested_type` differ. */
const ATTRIBUTE_FLAGS = `
    string name = 1;
    bytes type = 2;
    bool required = 4;
    bool optional = 5;
    bool computed = 6;
    bool sensitive = 7;`;

const TFPLUGIN5 = `
syntax = "proto3";
package tfplugin5;
${SHARED_MESSAGES}
message Schema {
  message Attribute {${ATTRIBUTE_FLAGS}
    bool write_only = 10;
  }
${NESTED_BLOCK}
}
${configureAndStop('Configure', 'Stop')}`;

const TFPLUGIN6 = `
syntax = "proto3";
package tfplugin6;
${SHARED_MESSAGES}
message Schema {
  message Attribute {${ATTRIBUTE_FLAGS}
    Object nested_type = 10;
    bool write_only = 11;
  }
  message Object {
    enum NestingMode { INVALID = 0; SINGLE = 1; LIST = 2; SET = 3; MAP = 4; }
    repeated Attribute attributes = 1;
    NestingMode nesting = 3;
  }
${NESTED_BLOCK}
}
${configureAndStop('ConfigureProvider', 'StopProvider')}`;

/**
 * go-plugin's own service beside the provider's: `Shutdown` asks the plugin process to exit
 * cleanly, as Terraform does when it is done with a provider.
 */
const GO_PLUGIN_CONTROLLER = `
syntax = "proto3";
package plugin;
message Empty {}
`;

/** One unary method: its gRPC path and the request and response types. */
export interface ProtocolMethod {
  path: string;
  request: protobuf.Type;
  response: protobuf.Type;
}

export interface PluginProtocol {
  version: ProtocolVersion;
  getProviderSchema: ProtocolMethod;
  configureProvider: ProtocolMethod;
  upgradeResourceState: ProtocolMethod;
  planResourceChange: ProtocolMethod;
  stopProvider: ProtocolMethod;
  /** go-plugin's `plugin.GRPCController/Shutdown`. */
  shutdown: ProtocolMethod;
}

const protocols = new Map<ProtocolVersion, PluginProtocol>();

/** The messages and methods of one protocol version, parsed once. */
export function pluginProtocol(version: ProtocolVersion): PluginProtocol {
  let protocol = protocols.get(version);
  if (protocol) return protocol;
  const pkg = `tfplugin${version}`;
  const root = protobuf.parse(version === 5 ? TFPLUGIN5 : TFPLUGIN6, { keepCase: true }).root;
  const controller = protobuf.parse(GO_PLUGIN_CONTROLLER, { keepCase: true }).root;
  const type = (name: string) => root.lookupType(`${pkg}.${name}`);
  const method = (rpc: string, message: string): ProtocolMethod => ({
    path: `/${pkg}.Provider/${rpc}`,
    request: type(`${message}.Request`),
    response: type(`${message}.Response`),
  });
  const empty = controller.lookupType('plugin.Empty');
  // The methods' names in each version: [rpc, message].
  const names =
    version === 5
      ? { schema: ['GetSchema', 'GetProviderSchema'], configure: ['Configure', 'Configure'], stop: ['Stop', 'Stop'] }
      : { schema: ['GetProviderSchema', 'GetProviderSchema'], configure: ['ConfigureProvider', 'ConfigureProvider'], stop: ['StopProvider', 'StopProvider'] };
  protocol = {
    version,
    getProviderSchema: method(names.schema[0], names.schema[1]),
    configureProvider: method(names.configure[0], names.configure[1]),
    upgradeResourceState: method('UpgradeResourceState', 'UpgradeResourceState'),
    planResourceChange: method('PlanResourceChange', 'PlanResourceChange'),
    stopProvider: method(names.stop[0], names.stop[1]),
    shutdown: { path: '/plugin.GRPCController/Shutdown', request: empty, response: empty },
  };
  protocols.set(version, protocol);
  return protocol;
}
