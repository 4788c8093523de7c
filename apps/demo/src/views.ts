import { packageLabel } from './origin.js';
import { paint } from './report.js';
import type { ServiceRow } from './services.js';
import { formatTable, type Style } from './term.js';

/** The services as an aligned table: name, state, package, origin, route count, description or reason. */
export function formatServices(rows: readonly ServiceRow[], style: Style): string[] {
  const header = ['NAME', 'STATE', 'PACKAGE', 'FROM', 'ROUTES', 'DETAIL'].map((h) => style.dim(h));
  return formatTable(
    [
      header,
      ...rows.map((s) => [
        style.bold(s.name),
        paint(style, s.state),
        packageLabel(s.origin),
        s.origin.kind === 'installed' ? style.cyan(s.origin.kind) : s.origin.kind,
        s.state === 'running' ? String(s.routes.length) : style.dim('-'),
        s.state === 'running' ? (s.description ?? '') : (s.reason ?? ''),
      ]),
    ],
    { alignRight: [4] },
  );
}

/** The services as JSON-ready objects (what `--json` prints). */
export function servicesJson(rows: readonly ServiceRow[]) {
  return rows.map((s) => ({
    name: s.name,
    state: s.state,
    ...(s.reason !== undefined && { reason: s.reason }),
    ...(s.description !== undefined && { description: s.description }),
    package: {
      name: s.origin.package,
      version: s.origin.version,
      origin: s.origin.kind,
      path: s.origin.path,
    },
    routes: s.routes.map((r) => `${r.method} ${r.pattern}`),
  }));
}
