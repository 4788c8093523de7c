import {
  resolveDistribution,
  type EntryPoint,
  type Plugin,
  type PluginLifecycleListener,
  type PluginSpec,
} from '@plux/core';

import { describeDistribution, packageLabel } from './origin.js';
import { formatTable, type Style } from './term.js';

/** What happened to a plugin, in lifecycle order. */
export type LifecycleState = 'resolved' | 'loaded' | 'disabled' | 'failed';

/** One line of the lifecycle log. */
export interface LifecycleEvent {
  /** What happened. */
  state: LifecycleState;
  /** The plugin's namespace. */
  namespace: string;
  /** The plugin's name. */
  name: string;
  /** For `resolved` the providing package (`name@version`), for `disabled` the reason, for `failed` the error. */
  detail: string;
  /** For `loaded`, how long `load` took in milliseconds. */
  ms?: number;
}

/**
 * A plux lifecycle listener that keeps a log of what happened to every plugin it sees: resolved (with the package
 * that provides it), loaded (with how long `load` took), failed (with the error), and disabled (which plux reports
 * by throwing `PluginDisabled`, so the code that loads plugins records it with {@link disabled}).
 *
 * @example
 * ```ts
 * const report = new PluginReport({ onEvent: (e) => console.error(report.formatEvent(e)) });
 * const services = new PluginManager('minicloud.services', { listeners: report });
 * ```
 */
export class PluginReport implements PluginLifecycleListener {
  /** Every event so far, in order. */
  readonly events: LifecycleEvent[] = [];
  readonly #started = new Map<PluginSpec, number>();
  readonly #onEvent?: (event: LifecycleEvent) => void;

  constructor(options: { onEvent?: (event: LifecycleEvent) => void } = {}) {
    if (options.onEvent) this.#onEvent = options.onEvent;
  }

  onResolveAfter(spec: PluginSpec): void {
    const origin = describeDistribution(resolveDistribution(spec));
    this.#add({ state: 'resolved', ...id(spec), detail: `${packageLabel(origin)} (${origin.kind})` });
  }

  onResolveException(namespace: string, entryPoint: EntryPoint, error: unknown): void {
    this.#add({ state: 'failed', namespace, name: entryPoint.name, detail: `import: ${message(error)}` });
  }

  onInitException(spec: PluginSpec, error: unknown): void {
    this.#add({ state: 'failed', ...id(spec), detail: `init: ${message(error)}` });
  }

  onLoadBefore(spec: PluginSpec, _plugin: Plugin): void {
    this.#started.set(spec, performance.now());
  }

  onLoadAfter(spec: PluginSpec, _plugin: Plugin): void {
    const started = this.#started.get(spec);
    const ms = started === undefined ? undefined : performance.now() - started;
    this.#add({ state: 'loaded', ...id(spec), detail: '', ...(ms !== undefined && { ms }) });
  }

  onLoadException(spec: PluginSpec, _plugin: Plugin, error: unknown): void {
    this.#add({ state: 'failed', ...id(spec), detail: `load: ${message(error)}` });
  }

  /** Records that loading `namespace:name` threw `PluginDisabled` for `reason`. */
  disabled(namespace: string, name: string, reason: string): void {
    this.#add({ state: 'disabled', namespace, name, detail: reason });
  }

  /** The log as aligned lines: state, `namespace:name`, detail. */
  format(style: Style, events: readonly LifecycleEvent[] = this.events): string[] {
    return formatTable(events.map((e) => row(style, e)));
  }

  /** One event as a line that lines up with the others when `width` fits every `namespace:name` (a live log). */
  formatEvent(style: Style, event: LifecycleEvent, width = 32): string {
    return formatTable([row(style, event)], { minWidths: [8, width] })[0]!;
  }

  #add(event: LifecycleEvent): void {
    this.events.push(event);
    this.#onEvent?.(event);
  }
}

/** Colours a lifecycle state: green loaded, yellow disabled, red failed, dim resolved. */
export function paint(style: Style, state: string): string {
  switch (state) {
    case 'loaded':
    case 'running':
      return style.green(state);
    case 'disabled':
      return style.yellow(state);
    case 'failed':
      return style.red(state);
    default:
      return style.dim(state);
  }
}

function row(style: Style, e: LifecycleEvent): string[] {
  const detail = e.ms === undefined ? e.detail : style.dim(`${e.ms.toFixed(1)} ms`);
  return [paint(style, e.state), `${e.namespace}:${e.name}`, detail];
}

function id(spec: PluginSpec): { namespace: string; name: string } {
  return { namespace: spec.namespace, name: spec.name };
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
