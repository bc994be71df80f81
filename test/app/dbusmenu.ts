/**
 * com.canonical.dbusmenu layouts as the tray host reads them. Chromium (components/dbus/menu)
 * sends only properties that differ from the spec's defaults, so every default is filled in here.
 */
import type { Variant } from 'dbus-next';

/** One menu item, properties named as in dbusmenu but camelCased, defaults filled in. */
export interface MenuNode {
  id: number;
  /** As shown: Chromium's `_` mnemonic markers removed and `__` turned back into `_`. */
  label: string;
  enabled: boolean;
  visible: boolean;
  /** "standard" or "separator". */
  type: string;
  /** "", "checkmark" or "radio". */
  toggleType: string;
  /** -1 (not a toggle), 0 (off) or 1 (on). */
  toggleState: number;
  /** "submenu" on the root and on items that open one. */
  childrenDisplay: string;
  children: MenuNode[];
  /** Every property as sent, unwrapped. */
  props: Record<string, unknown>;
}

/** GetLayout's (ia{sv}av) as dbus-next unmarshals it. */
export type RawLayout = [number, Record<string, Variant>, Variant[]];

/** Chromium writes a label's mnemonic as `_x` and a literal underscore as `__`. */
export function displayLabel(label: string): string {
  return label.replace(/__|_/g, (m) => (m === '__' ? '_' : ''));
}

/** Turns a GetLayout reply into a tree of MenuNodes. */
export function parseLayout([id, rawProps, children]: RawLayout): MenuNode {
  const props: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(rawProps)) props[key] = v.value;
  const pick = <T>(key: string, fallback: T): T => (key in props ? (props[key] as T) : fallback);
  return {
    id,
    label: displayLabel(pick('label', '')),
    enabled: pick('enabled', true),
    visible: pick('visible', true),
    type: pick('type', 'standard'),
    toggleType: pick('toggle-type', ''),
    toggleState: pick('toggle-state', -1),
    childrenDisplay: pick('children-display', ''),
    children: children.map((child) => parseLayout(child.value as RawLayout)),
    props,
  };
}

/** Every node below `root`, depth first (the root itself left out). */
export function flattenMenu(root: MenuNode): MenuNode[] {
  return root.children.flatMap((child) => [child, ...flattenMenu(child)]);
}
