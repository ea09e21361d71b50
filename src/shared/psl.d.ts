// psl 1.15.0 ships types (node_modules/psl/types/index.d.ts), but its package.json "exports" has no "types"
// condition, so TypeScript's "bundler" resolution cannot reach them. This declares, from those types, the part
// of psl's ESM build (dist/psl.mjs: named exports parse, get, isValid, errorCodes and a default) site.ts uses.
declare module 'psl' {
  export interface ParsedDomain {
    input: string;
    tld: string | null;
    sld: string | null;
    domain: string | null;
    subdomain: string | null;
    listed: boolean;
  }
  export interface ErrorResult {
    input: string;
    error: { code: string; message: string };
  }
  export function parse(input: string): ParsedDomain | ErrorResult;
  export function get(domain: string): string | null;
  export function isValid(domain: string): boolean;
}
