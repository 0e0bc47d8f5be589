import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { SCHEMAS_DIR } from './paths';

/**
 * One Ajv instance holding every JSON schema under `schemas/`, each compiled once at start.
 * Schemas are addressed by their file path relative to `schemas/`, e.g. `cds-hooks/request.schema.json`.
 */
const ID_BASE = 'https://axilla-cds.invalid/schemas/';
const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true });
// `format` is checked, not just annotated: `date-time` is RFC 3339 with a real calendar date and time (no month 13, no
// 31 February). Registered once, before any schema is compiled.
addFormats(ajv);
for (const file of listSchemaFiles(SCHEMAS_DIR)) {
  const schema = JSON.parse(fs.readFileSync(file, 'utf8')) as { $id?: string };
  // An absolute $id per file lets schemas $ref each other by relative path.
  schema.$id = ID_BASE + path.relative(SCHEMAS_DIR, file).split(path.sep).join('/');
  ajv.addSchema(schema);
}
const compiled = new Map<string, ValidateFunction>();
// Compile everything now: a broken schema stops the start, and no request pays for compilation.
for (const file of listSchemaFiles(SCHEMAS_DIR)) validator(path.relative(SCHEMAS_DIR, file).split(path.sep).join('/'));

function listSchemaFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listSchemaFiles(full);
    return entry.name.endsWith('.schema.json') ? [full] : [];
  });
}

export function validator(name: string): ValidateFunction {
  let fn = compiled.get(name);
  if (!fn) {
    const found = ajv.getSchema(ID_BASE + name);
    if (!found) throw new Error(`no schema ${name} under ${SCHEMAS_DIR}`);
    fn = found;
    compiled.set(name, fn);
  }
  return fn;
}

export interface SchemaProblem {
  /** Dotted path of the offending field, e.g. `context.selections[0]`; empty for the root. */
  field: string;
  message: string;
}

/** Turns Ajv's first error into a field path and a sentence a caller can act on. */
export function describeSchemaError(error: ErrorObject, root = ''): SchemaProblem {
  let field = pointerToPath(error.instancePath, root);
  let message = error.message ?? 'is invalid';
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' || error.keyword === 'dependencies') {
    const missing = String(params.missingProperty);
    field = field ? `${field}.${missing}` : missing;
    message = error.keyword === 'required' ? 'is required' : `is required when ${String(params.property)} is present`;
  } else if (error.keyword === 'const') {
    message = `must be ${JSON.stringify(params.allowedValue)}`;
  } else if (error.keyword === 'enum') {
    message = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return { field, message };
}

function pointerToPath(pointer: string, root: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let out = root;
  for (const part of parts) {
    if (/^\d+$/.test(part)) out += `[${part}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}
