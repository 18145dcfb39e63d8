/**
 * The deployed state as the value flow reads it: instances by the address the plan writes, so that
 * a configuration instance finds its deployed counterpart, and a reference to a resource that stays
 * reads its deployed attributes.
 */
import type { StateBaseline, StateInstance } from '../baseline/stateBaseline';
import { instanceKeySuffix, type DeployedInstances, type InstanceKey } from './configurationValues';

export interface DeployedStateIndex extends DeployedInstances {
  instance(address: string): StateInstance | undefined;
}

const indexes = new WeakMap<StateBaseline, DeployedStateIndex>();

/** The index of a state, built once per state object. */
export function deployedStateIndex(state: StateBaseline): DeployedStateIndex {
  let index = indexes.get(state);
  if (index) return index;
  const instances = new Map<string, StateInstance>();
  const keysByResource = new Map<string, InstanceKey[]>();
  const keysByCall = new Map<string, Set<InstanceKey>>();
  for (const resource of state.resources) {
    const local = resource.mode === 'data' ? `data.${resource.type}.${resource.name}` : `${resource.type}.${resource.name}`;
    const resourceAddress = resource.module ? `${resource.module}.${local}` : local;
    keysByResource.set(
      resourceAddress,
      resource.instances.map((i) => i.indexKey),
    );
    for (const instance of resource.instances) instances.set(resourceAddress + instanceKeySuffix(instance.indexKey), instance);
    addModuleCallKeys(resource.module, keysByCall);
  }
  index = {
    instance: (address) => instances.get(address),
    attributes: (address) => instances.get(address)?.attributes,
    instanceKeys: (resourceAddress) => keysByResource.get(resourceAddress),
    moduleInstanceKeys: (callAddress) => {
      const keys = keysByCall.get(callAddress);
      return keys && [...keys];
    },
  };
  indexes.set(state, index);
  return index;
}

/** `module.a["x"].module.b[0]` adds key "x" under `module.a` and key 0 under `module.a["x"].module.b`. */
function addModuleCallKeys(modulePath: string, into: Map<string, Set<InstanceKey>>): void {
  const step = /module\.([A-Za-z_][\w-]*)(\[("(?:[^"\\]|\\.)*"|\d+)\])?/y;
  let at = 0;
  let prefix = '';
  while (at < modulePath.length) {
    step.lastIndex = at;
    const match = step.exec(modulePath);
    if (!match) return;
    const call = `${prefix ? `${prefix}.` : ''}module.${match[1]}`;
    const raw = match[3];
    const key: InstanceKey = raw === undefined ? undefined : raw.startsWith('"') ? (JSON.parse(raw) as string) : Number(raw);
    let keys = into.get(call);
    if (!keys) into.set(call, (keys = new Set()));
    keys.add(key);
    prefix = call + (match[2] ?? '');
    at = step.lastIndex + 1;
  }
}
