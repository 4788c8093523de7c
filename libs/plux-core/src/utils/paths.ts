import { sep } from 'node:path';

/** Whether `path` lies below `folder` (both absolute and normalised); `folder` itself is not below itself. */
export function isBelow(folder: string, path: string): boolean {
  return path !== folder && path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** Whether `path` is `folder` or lies below it (both absolute and normalised). */
export function isWithin(folder: string, path: string): boolean {
  return path === folder || isBelow(folder, path);
}
