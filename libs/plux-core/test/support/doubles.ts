/**
 * Test doubles shared by the ported plux tests (plux's tests/test_manager.py and tests/test_listener.py define
 * these inline): plugins named for what they do, an in-memory finder, a listener that records its calls, and a
 * capture of plux's log.
 */
import { afterEach, beforeEach, vi } from 'vitest';

import { setLogSink, type LogLevel } from '../../src/core/log.js';
import {
  isFunctionPlugin,
  isPluginClass,
  isPluginSpec,
  Plugin,
  PluginSpec,
  type EntryPoint,
  type PluginFinder,
  type PluginLifecycleListener,
} from '../../src/index.js';

/** This module's URL, so that a module a test writes can import the doubles. */
export const DOUBLES_URL = import.meta.url;

/** Records every `load` call; the base of the other doubles (plux's `DummyPlugin`). */
export class DummyPlugin extends Plugin {
  /** The arguments of each `load` call, in order. */
  readonly loadCalls: unknown[][] = [];

  override load(...args: unknown[]): unknown {
    this.loadCalls.push(args);
    return undefined;
  }
}

/** A plugin that loads. */
export class GoodPlugin extends DummyPlugin {}

/** A plugin whose `shouldLoad()` is false, so the manager disables it. */
export class ShouldNotLoadPlugin extends DummyPlugin {
  override shouldLoad(): boolean {
    return false;
  }
}

/** A plugin whose `load` throws `Error("controlled load fail")` after recording the call. */
export class ThrowsOnLoadPlugin extends DummyPlugin {
  override load(...args: unknown[]): unknown {
    super.load(...args);
    throw new Error('controlled load fail');
  }
}

/** A plugin whose constructor throws `Error("controlled constructor fail")` (plux: `__init__` fails). */
export class ThrowsOnInitPlugin extends DummyPlugin {
  constructor() {
    super();
    throw new Error('controlled constructor fail');
  }
}

/**
 * A {@link PluginFinder} over a fixed list (plux's `DummyPluginFinder`). Like plux's, it hands over everything it
 * holds, whatever the namespace asked for: the manager must ignore the items of other namespaces.
 */
export class StaticPluginFinder implements PluginFinder {
  constructor(readonly items: (PluginSpec | EntryPoint)[]) {}

  findPlugins(_namespace: string): Iterable<PluginSpec | EntryPoint> {
    return this.items;
  }
}

/**
 * A {@link PluginFinder} that hands over the plugins a module exports (plux's `ModuleScanningPluginFinder`, which
 * the `sample_plugin_finder` fixture builds over tests/plugins/sample_plugins.py): specs as they are, `plugin()`
 * functions as their spec, concrete `Plugin` classes as a spec of the class. Everything else is skipped.
 */
export class ModuleScanningPluginFinder implements PluginFinder {
  constructor(readonly modules: Record<string, unknown>[]) {}

  findPlugins(_namespace: string): Iterable<PluginSpec> {
    const specs: PluginSpec[] = [];
    for (const module of this.modules) {
      for (const value of Object.values(module)) {
        if (isPluginSpec(value)) specs.push(value);
        else if (isFunctionPlugin(value)) specs.push(value.pluginSpec);
        else if (isPluginClass(value) && value.namespace && value.pluginName) {
          specs.push(new PluginSpec(value.namespace, value.pluginName, value as unknown as new () => Plugin));
        }
      }
    }
    return specs;
  }
}

/** Every hook of {@link PluginLifecycleListener}. */
export const HOOKS = [
  'onResolveException',
  'onResolveAfter',
  'onInitException',
  'onInitAfter',
  'onLoadBefore',
  'onLoadAfter',
  'onLoadException',
] as const;

/** A listener whose every hook is a `vi.fn()` (plux's tests use a `MagicMock`). */
export function createMockListener() {
  return Object.fromEntries(HOOKS.map((hook) => [hook, vi.fn()])) as {
    [K in (typeof HOOKS)[number]]: ReturnType<typeof vi.fn<NonNullable<PluginLifecycleListener[K]>>>;
  };
}

/** One line plux logged. */
export interface LogEntry {
  level: Exclude<LogLevel, 'silent'>;
  message: string;
}

/**
 * Sends plux's log to an array instead of stderr (at level `debug`, so nothing is hidden by `PLUX_LOG`).
 * Call `restore()` when done (e.g. in `afterEach`).
 */
export function captureLog(): { entries: LogEntry[]; restore(): void } {
  const entries: LogEntry[] = [];
  vi.stubEnv('PLUX_LOG', 'debug');
  const previous = setLogSink((level, message) => entries.push({ level, message }));
  return {
    entries,
    restore() {
      setLogSink(previous);
      vi.unstubAllEnvs();
    },
  };
}

/**
 * {@link captureLog} around every test of the calling file or `describe` (it registers the `beforeEach` and
 * `afterEach`): `entries` are the running test's lines, `messages(level)` the texts of one level.
 */
export function captureLogInEachTest(): {
  readonly entries: LogEntry[];
  messages(level: LogEntry['level']): string[];
} {
  let capture: ReturnType<typeof captureLog> | undefined;
  beforeEach(() => {
    capture = captureLog();
  });
  afterEach(() => {
    capture?.restore();
    capture = undefined;
  });
  const entries = (): LogEntry[] => {
    if (!capture) throw new Error('captureLogInEachTest: the log is captured only while a test runs');
    return capture.entries;
  };
  return {
    get entries() {
      return entries();
    },
    messages: (level) =>
      entries()
        .filter((e) => e.level === level)
        .map((e) => e.message),
  };
}

/** A promise with its resolve function, to hold a plugin's `load` open while a test looks at the manager. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
