import { VmRigError } from './errors.js';

/**
 * Parses depmod's modules.dep ("kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko …")
 * into module name → { path, dependencies }. Names are normalised the way the
 * kernel does (dashes and underscores are the same: snd-aloop = snd_aloop).
 */
export interface ModuleEntry {
  readonly path: string;
  readonly depends: readonly string[];
}

export function moduleName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replaceAll('-', '_');
}

export function parseModulesDep(text: string): Map<string, ModuleEntry> {
  const modules = new Map<string, ModuleEntry>();
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const path = line.slice(0, colon).trim();
    const depends = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .filter((d) => d.length > 0)
      .map(moduleName);
    modules.set(moduleName(path), { path, depends });
  }
  return modules;
}

/**
 * The insmod order that loads `wanted` with every dependency before its
 * users (a depth-first post-order, as modprobe does). Each module appears once.
 */
export function loadOrder(modules: ReadonlyMap<string, ModuleEntry>, wanted: readonly string[]): ModuleEntry[] {
  const order: ModuleEntry[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (name: string): void => {
    if (done.has(name)) return;
    const entry = modules.get(name);
    if (!entry) {
      throw new VmRigError('VM_BUILD', `kernel module ${name} is not in modules.dep (is it built in, or renamed?)`, {
        step: 'module order',
      });
    }
    if (visiting.has(name)) {
      throw new VmRigError('VM_BUILD', `kernel modules depend on each other in a cycle through ${name}`, { step: 'module order' });
    }
    visiting.add(name);
    for (const dep of entry.depends) visit(dep);
    visiting.delete(name);
    done.add(name);
    order.push(entry);
  };
  for (const name of wanted) visit(moduleName(name));
  return order;
}
